"""Receipts right to left and in the call's time: the receipt page, the PDF receipt and the
confirmation email show the same local time with the same zone name, identifiers isolated."""

from io import BytesIO

import pytest
from django.core import mail
from pypdf import PdfReader

from consultations.demo_questionnaire import qid
from consultations.documents import receipt_pdf
from consultations.models import ConsultationPage
from participation.dates import format_moment
from participation.text import LRI, PDI

pytestmark = pytest.mark.django_db

PROPOSAL = qid("proposal")
ANSWER = "نريد ترجمة المستندات مجاناً.\nWe want documents translated for free.\nМи хочемо переклад."


def done_url(page, response):
    return page.url + page.reverse_subpage("respond_done", args=(response.pk,))


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(text.split())


@pytest.mark.parametrize(
    "zone, zone_name",
    [("Europe/Brussels", "Central European"), ("America/New_York", "Eastern")],
)
def test_page_pdf_and_email_show_the_same_local_time_and_zone(
    client, consultation, answer, user, zone, zone_name
):
    ConsultationPage.objects.filter(pk=consultation.pk).update(time_zone=zone)
    consultation.refresh_from_db()
    done = answer(user, {PROPOSAL: ANSWER})
    expected = format_moment(done.submitted_at, zone, "en")
    assert zone_name in expected and "UTC" not in expected

    client.force_login(user)
    page = client.get(done_url(consultation, done)).content.decode()
    assert expected in page
    assert f'<bdi dir="ltr">{done.receipt_number}</bdi>' in page

    [email] = mail.outbox
    assert f"{LRI}{done.receipt_number}{PDI}" in email.body
    assert expected in email.body and f"receipt {LRI}{done.receipt_number}{PDI}" in email.subject

    assert expected in pdf_text(receipt_pdf(done))


def test_arabic_receipt_page_isolates_identifiers_and_gives_each_line_its_direction(
    client, consultation, answer, make_user
):
    person = make_user("samira@example.org", display_name="سميرة", preferred_language="ar")
    done = answer(person, {PROPOSAL: ANSWER})
    client.force_login(person)
    response = client.get("/ar" + done_url(consultation, done))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert f'<bdi dir="ltr">{done.receipt_number}</bdi>' in html
    arabic_moment = format_moment(done.submitted_at, consultation, "ar")
    assert arabic_moment in html and "توقيت وسط أوروبا" in arabic_moment
    assert '<span class="user-line" dir="ltr">We want documents translated for free.</span>' in html
    assert '<span class="user-line" dir="rtl">نريد ترجمة المستندات مجاناً.</span>' in html
    # Question labels are the editors' English: marked so, their "?" at their end.
    assert '<dt lang="en" dir="ltr">' in html
    # The email is in the recipient's language, with the same Arabic moment.
    [email] = mail.outbox
    assert arabic_moment in email.body


def test_mixed_script_name_and_five_script_answer_give_a_page_not_an_error(
    client, consultation, answer, make_user
):
    person = make_user("x@example.org", display_name="\u202eAmina أمينة Петренко")
    five = "مرحبا بكم.\nWelcome.\nЛаскаво просимо.\nΚαλώς ήρθατε.\nשלום.\n\u202e!!!\n\n12:30"
    done = answer(person, {PROPOSAL: five})
    client.force_login(person)
    for prefix in ("", "/ar"):
        response = client.get(prefix + done_url(consultation, done))
        assert response.status_code == 200
        html = response.content.decode()
        assert '<span class="user-line" dir="ltr">Καλώς ήρθατε.</span>' in html
        assert '<span class="user-line" dir="rtl">שלום.</span>' in html
        assert "\u202e" not in html.split("<main", 1)[1]
    assert receipt_pdf(done).startswith(b"%PDF")
