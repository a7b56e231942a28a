"""The questionnaire on paper (issue 20 point 1): numbered questions with boxes and lines, the
consent and publication choices, in the reader's language, a reference code on every page of
each copy, never the same code twice."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from wagtail.models import Locale

from consultations import printable
from consultations.models import ConsultationPage
from participation.documents.services import build_now

pytestmark = pytest.mark.django_db


def pages_text(document):
    reader = PdfReader(io.BytesIO(document.content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_every_question_numbered_with_its_choices_on_every_copy(consultation):
    params = printable.clean_params({"consultation": consultation.pk, "copies": "2"})
    pages = pages_text(build_now("consultations.questionnaire", params))
    text = " ".join(pages)
    first, second = (printable.reference(consultation.pk, params["batch"], n) for n in (1, 2))
    assert text.count("1. Have you applied for recognition of a qualification in the EU?") == 2
    assert "4. What should change first?" in text and "Tick every answer that applies." in text
    assert "5. Your proposal in your own words" in text
    assert "I agree that my answer is used" in text and "I agree" in text
    assert "Publish my answer without any name" in text  # the publication choices
    # The condition of "What was the outcome?" in words, with the question it depends on.
    assert re.search(r"Answer only if your answer to question 1 is “Yes”", text)
    # Every page carries its copy's reference (in its header); the second copy starts on a
    # page of its own.
    compact = [page.replace(" ", "") for page in pages]
    assert all((first in page) != (second in page) for page in compact), pages
    assert sum(1 for page in compact if second in page) >= 1


def test_in_arabic_the_sheet_reads_right_to_left_in_the_translations_words(consultation):
    arabic = Locale.objects.get_or_create(language_code="ar")[0]
    copy = consultation.copy_for_translation(arabic, copy_parents=True)
    translated = ConsultationPage.objects.get(pk=copy.pk)
    translated.title = "الاعتراف بالمؤهلات"
    translated.save_revision().publish()
    params = printable.clean_params({"consultation": consultation.pk, "lang": "ar"})
    document = build_now("consultations.questionnaire", params)
    text = " ".join(pages_text(document))
    assert "الاعتراف بالمؤهلات" in text and "Recognition" not in text
    from participation.documents.pdf import render_html

    html = render_html(
        "consultations/print/questionnaire.html",
        {"page": translated, "sections": [], "copies": ["1-ABCDEF-001"]},
        title="t",
        author="",
        lang="ar",
    )
    assert 'dir="rtl"' in html and '<bdi dir="ltr">1-ABCDEF-001</bdi>' in html


def test_copies_are_bounded_and_each_request_is_a_new_batch(consultation):
    for copies in ("0", "201", "many"):
        with pytest.raises(ValidationError, match="between 1 and 200"):
            printable.clean_params({"consultation": consultation.pk, "copies": copies})
    with pytest.raises(ValidationError):
        printable.clean_params({"consultation": "999999"})
    batches = {
        printable.clean_params({"consultation": consultation.pk})["batch"] for _ in range(20)
    }
    assert len(batches) == 20


def test_linked_from_the_admin_and_the_consultation_page(client, consultation, make_user):
    from allauth.mfa.totp.internal.auth import TOTP

    request_url = "/documents/generated/request/consultations.questionnaire/"
    assert request_url not in client.get(consultation.url).content.decode()  # signed in only
    editor = make_user("paper@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(editor)
    body = client.get(f"/admin/pages/{consultation.pk}/edit/").content.decode()
    printable_url = f"/admin/consultations/{consultation.pk}/printable/"
    assert printable_url in body
    form = client.get(printable_url).content.decode()
    assert request_url in form and 'name="copies"' in form and 'value="en"' in form
    assert request_url in client.get(consultation.url).content.decode()
    # The button's request builds it (tests run tasks at once) and leads to the document.
    response = client.post(request_url, {"consultation": consultation.pk, "copies": "3"})
    assert response.status_code == 302
    status = client.get(response["Location"])
    assert status.status_code == 200
    refused = client.post(
        request_url, {"consultation": consultation.pk, "copies": "500", "next": printable_url}
    )
    assert refused.status_code == 302 and refused["Location"] == printable_url
