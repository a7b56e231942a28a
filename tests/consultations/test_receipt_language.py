"""The confirmation email and its PDF receipt are in the respondent's preferred language,
whatever language the request (or the worker) was in."""

import io

import pytest
from django.core import mail
from django.utils import translation
from pypdf import PdfReader

from consultations.demo_questionnaire import qid

pytestmark = pytest.mark.django_db


def _pdf_text(message) -> str:
    _name, content, _mimetype = message.attachments[0]
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize(
    ("preferred", "request_language", "words"),
    [("fr", "ar", "Numéro de reçu"), ("ar", "fr", "رقم الإيصال")],
)
def test_receipt_email_and_pdf_in_the_preferred_language(
    consultation, answer, make_user, preferred, request_language, words
):
    person = make_user("p@example.org", display_name="P", preferred_language=preferred)
    with translation.override(request_language):  # the page they answered on
        done = answer(person, {qid("applied"): True}, language=request_language)
    message = mail.outbox[-1]
    assert message.to == ["p@example.org"]
    assert words in message.body
    # Arabic shaping may reorder glyphs in the text layer: compare without spaces.
    assert words.replace(" ", "") in _pdf_text(message).replace(" ", "")
    assert done.receipt_number in message.subject
    other = {"fr": "Numéro de reçu", "ar": "رقم الإيصال"}[request_language]
    assert other not in message.body
