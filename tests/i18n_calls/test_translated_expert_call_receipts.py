"""The receipt of an application to a translated expert call (PDF and email) uses the labels of
the call in the applicant's language: the application's language, else the person's preferred
one, else the original's."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from i18n_calls_helpers import (
    expert_call,
    french,
    page_route,
    translate_tree,
    translated_questionnaire,
)
from pypdf import PdfReader

from expertgroup import tasks
from expertgroup.models import Application
from participation.operations.models import OnceMarker
from themes.models import Theme

pytestmark = pytest.mark.django_db

QUESTION_ID = "0f6a1c0e-2b8e-4f55-9d1e-6a7b3c2d1e02"
ENGLISH_QUESTION = "How many days a year can you give?"
FRENCH_QUESTION = "Combien de jours par an pouvez-vous donner ?"
FRENCH_TITLE = "Groupe d’experts migrants 2027"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def call(home_page):
    page = expert_call(home_page, QUESTION_ID, ENGLISH_QUESTION)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def french_call(editor_client, call):
    return translate_tree(
        editor_client,
        call,
        french(),
        title=FRENCH_TITLE,
        questionnaire=translated_questionnaire(call.questionnaire, {QUESTION_ID: FRENCH_QUESTION}),
    )


def _pdf_text(content: bytes) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def _apply_in_french(client, page, capture):
    start = client.post(page_route(page, "apply_start"))
    assert start.status_code == 302 and start.url.startswith("/fr/"), start.content[:2000]
    application = Application.objects.latest("pk")
    step = client.post(
        start.url,
        {
            "version": str(application.version),
            "organisation": "",
            "full_name": "Nadia Haddad",
            "profile_type": "academia",
            "expertise": [str(Theme.objects.order_by("sort_order").first().pk)],
            "languages": ["ar", "fr"],
            "country": "FR",
            "nationalities": ["SY"],
            "gender": "",
            "migrant_background": "refugee",
            "motivation": "Porter la voix des réfugiés.",
            "experience": "Huit ans de permanence juridique.",
            "public_profile_consent": "on",
            "action": "next",
            "cv": SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert step.status_code == 302, step.content.decode()[:3000]
    application.refresh_from_db()
    review = client.post(
        step.url,
        {"version": str(application.version), f"q-{QUESTION_ID}": "Vingt jours", "action": "next"},
    )
    with capture(execute=True):  # the receipt is emailed once the submission is committed
        assert client.post(review.url).status_code == 302
    application.refresh_from_db()
    assert application.is_submitted and application.call_id == page.submissions_page().pk
    return application


def _receipt_email(user):
    return next(m for m in mail.outbox if m.to == [user.email])


def _send_receipt_again(application):
    """The receipt task once more for the same submission: a receipt goes out once per
    submission (a task run again after its worker died sends nothing twice), so the marker of
    the first one is forgotten to see the language chosen this time."""
    OnceMarker.objects.all().delete()
    mail.outbox.clear()
    tasks.send_receipt.enqueue(application.pk)


def test_receipt_pdf_and_email_use_the_french_labels(
    client, user, call, french_call, django_capture_on_commit_callbacks
):
    """The applicant has no preferred language: the application's (French) decides."""
    client.force_login(user)
    application = _apply_in_french(client, french_call, django_capture_on_commit_callbacks)
    assert application.language == "fr" and not user.preferred_language
    message = _receipt_email(user)
    assert FRENCH_TITLE in message.subject and FRENCH_TITLE in message.body
    link = next(line for line in message.body.splitlines() if "/apply/" in line)
    assert "/fr/" in link
    attached = _pdf_text(message.attachments[0][1])
    assert FRENCH_QUESTION in attached and "Vingt jours" in attached
    assert ENGLISH_QUESTION not in attached
    # The download from the French page, too; from the original's, the original's labels.
    french_pdf = _pdf_text(
        client.get(page_route(french_call, "apply_receipt", application.pk)).content
    )
    assert FRENCH_QUESTION in french_pdf and FRENCH_TITLE in french_pdf
    english_pdf = _pdf_text(client.get(page_route(call, "apply_receipt", application.pk)).content)
    assert ENGLISH_QUESTION in english_pdf and FRENCH_QUESTION not in english_pdf


def test_receipt_falls_back_to_the_preferred_language_then_the_original(
    client, user, call, french_call, django_capture_on_commit_callbacks
):
    client.force_login(user)
    application = _apply_in_french(client, french_call, django_capture_on_commit_callbacks)
    # No language stored with the application: the person's preferred one (French).
    Application.objects.filter(pk=application.pk).update(language="")
    type(user).objects.filter(pk=user.pk).update(preferred_language="fr")
    _send_receipt_again(application)
    assert FRENCH_QUESTION in _pdf_text(_receipt_email(user).attachments[0][1])
    # The person's preferred language wins over the one the application was made in; one
    # without a translation of the call gives the original's labels.
    Application.objects.filter(pk=application.pk).update(language="fr")
    type(user).objects.filter(pk=user.pk).update(preferred_language="de")
    _send_receipt_again(application)
    message = _receipt_email(user)
    attached = _pdf_text(message.attachments[0][1])
    assert ENGLISH_QUESTION in attached and FRENCH_QUESTION not in attached
    assert "Migrant Expert Group 2027" in message.subject
