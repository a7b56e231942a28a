"""Receipts attached to confirmation emails."""

import pytest
from django.core import mail

from participation.documents import pdf
from participation.documents.mail import safe_filename, send_with_pdf

pytestmark = pytest.mark.django_db


def test_receipt_is_attached_as_a_pdf():
    receipt = pdf.render_pdf(
        "documents/receipt.html",
        {"facts": [("Reference", "R-7")], "answers": [("Що змінити?", "Житло")]},
        title="Квитанція",
        author="Participation",
        lang="uk",
    )
    sent = send_with_pdf(
        "Your answer was received",
        "Thank you. Your receipt is attached.",
        ["oleksandr@example.org"],
        receipt,
        "квитанція R-7.pdf",
        html_body="<p>Thank you.</p>",
    )
    assert sent == 1
    message = mail.outbox[0]
    assert message.to == ["oleksandr@example.org"]
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("квитанція R-7.pdf", "application/pdf")
    assert content == receipt and content.startswith(b"%PDF")
    assert message.alternatives[0][1] == "text/html"
    raw = message.message().as_bytes()
    assert b"application/pdf" in raw and b"attachment" in raw


def test_subject_and_file_name_cannot_inject_headers_or_paths():
    send_with_pdf("Hello\r\nBcc: spy@example.org", "body", "a@example.org", b"%PDF-1.7", "../x")
    message = mail.outbox[0]
    assert message.subject == "Hello Bcc: spy@example.org"
    assert message.attachments[0][0] == "x.pdf"
    assert safe_filename("a/b\\c\x00d") == "a b c d.pdf"
    assert safe_filename("") == "document.pdf"
