import csv
import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from pypdf import PdfReader

from consultations.demo_questionnaire import qid
from participation.documents.services import build_now

pytestmark = pytest.mark.django_db
APPLIED, PRIORITIES, PROPOSAL = qid("applied"), qid("priorities"), qid("proposal")


@pytest.fixture
def editor(make_user):
    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return editor


def test_csv_export_one_row_per_response_with_escaped_formulas(
    client, editor, consultation, answer, make_user
):
    answer(make_user("a@example.org"), {APPLIED: True, PROPOSAL: '=HYPERLINK("http://evil")'})
    answer(
        make_user("b@example.org"),
        {APPLIED: False, PRIORITIES: {"choices": ["time"]}, PROPOSAL: "مرحبا"},
    )
    client.force_login(editor)
    response = client.get(f"/admin/consultations/{consultation.pk}/responses.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[:3] == ["Receipt", "Submitted", "Respondent type"]
    assert "Your proposal in your own words" in header or "proposal" in header
    assert len(rows) == 3
    flat = "\n".join(",".join(r) for r in rows)
    assert "'=HYPERLINK" in flat and "مرحبا" in flat and "Shorter waiting times" in flat


def test_xlsx_export_and_staff_only(client, editor, user, consultation, answer):
    answer(user, {APPLIED: True})
    client.force_login(user)
    assert client.get(f"/admin/consultations/{consultation.pk}/responses.xlsx").status_code == 302
    client.force_login(editor)
    response = client.get(f"/admin/consultations/{consultation.pk}/responses.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_receipt_is_emailed_as_a_tagged_pdf(
    client, consultation, user, answer, django_capture_on_commit_callbacks
):
    from django.core import mail

    from consultations import tasks

    done = answer(user, {APPLIED: True, PROPOSAL: "ሰላም Привіт مرحبا"})
    tasks.send_confirmation.enqueue(done.pk)
    message = mail.outbox[-1]
    assert done.receipt_number in message.subject
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and name.endswith(".pdf")
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert done.receipt_number in text and "Привіт" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_summary_pdf_has_aggregates_charts_and_published_answers(consultation, answer, make_user):
    answer(
        make_user("a@example.org"),
        {APPLIED: True, PROPOSAL: "Published idea"},
        moderation="approved",
    )
    answer(
        make_user("b@example.org"),
        {APPLIED: False, PROPOSAL: "Private idea"},
        publication="private",
    )
    built = build_now("consultations.summary", {"consultation": consultation.pk, "lang": "en"})
    reader = PdfReader(io.BytesIO(built.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "What we heard" in text and "Published idea" in text
    assert "Private idea" not in text
    assert "Have you applied for recognition" in text


def test_what_we_heard_page_shows_charts_with_text_alternatives(client, consultation, answer, user):
    answer(user, {APPLIED: True, PRIORITIES: {"choices": ["time"]}})
    html = client.get(consultation.url + "what-we-heard/").content.decode()
    assert "<svg" in html and 'role="img"' in html
