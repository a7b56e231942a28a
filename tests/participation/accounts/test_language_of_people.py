"""People choose their language and name on sign-up; every email reaches them in that
language, signed with the site's name, never naming a generated username."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation
from wagtail.models import Site

from participation.i18n import in_language_of, language_for, offered_language
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_name(db):
    Site.objects.filter(is_default_site=True).update(site_name="Voices of Integration")


def _signup(client, prefix="", **fields):
    data = {
        "email": "newcomer@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "Nour",
        "preferred_language": "ar",
        **fields,
    }
    return client.post(f"{prefix}/accounts/signup/", data)


def test_signup_offers_the_reading_language_and_asks_for_a_name(client):
    html = client.get("/fr/accounts/signup/").content.decode()
    assert 'name="display_name"' in html and "required" in html
    assert re.search(r'<option value="fr"[^>]*selected', html)
    assert '<option value="ar">العربيّة</option>' in html  # each language named in itself


def test_signup_stores_display_name_and_language(client):
    response = _signup(client, "/fr")
    assert response.status_code == 302
    person = get_user_model().objects.get(email="newcomer@example.org")
    assert person.display_name == "Nour" and person.preferred_language == "ar"


def test_signup_without_a_name_is_refused_with_a_message(client):
    response = _signup(client, display_name="   ")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not get_user_model().objects.exists()


def test_signup_with_a_language_not_offered_is_refused_not_500(client):
    response = _signup(client, preferred_language="xx")
    assert response.status_code == 200
    assert not get_user_model().objects.exists()


def test_verification_email_in_preferred_language_with_site_name_and_no_username(client):
    # Signed up on the French pages, chose Arabic: the email is in Arabic.
    _signup(client, "/fr", preferred_language="ar")
    person = get_user_model().objects.get(email="newcomer@example.org")
    (message,) = mail.outbox
    assert message.subject.startswith("[Voices of Integration] ")
    assert "مرحبا من موقع Voices of Integration" in message.body
    assert "Bonjour" not in message.body and "Hello" not in message.body
    text = (message.subject + message.body).replace(person.email, "")
    for leak in ("from testserver", "from 127.0.0.1", "example.com", person.username):
        assert leak not in text
    assert "Nour" in message.body  # the name they chose, not a generated one
    # The confirmation page names them by that name too.
    path = re.search(r"https?://[^/\s]+(/\S*confirm-email/\S+/)", message.body).group(1)
    assert path.startswith("/ar/accounts/confirm-email/")  # opens in the email's language
    page = client.get(path).content.decode().replace(person.email, "")
    assert person.username not in page and "Nour" in page


def test_verification_email_in_french_for_a_french_speaker_on_arabic_pages(client):
    _signup(client, "/ar", preferred_language="fr")
    (message,) = mail.outbox
    assert "Bonjour, c'est Voices of Integration" in message.body
    assert "مرحبا" not in message.body


def test_password_reset_email_follows_the_account_not_the_page(client, make_user):
    make_user("rania@example.org", display_name="Rania", preferred_language="ar")
    client.post("/fr/accounts/password/reset/", {"email": "rania@example.org"})
    (message,) = mail.outbox
    assert "مرحبا من موقع Voices of Integration" in message.body
    assert message.subject.startswith("[Voices of Integration] ")


def test_email_to_an_unknown_address_uses_the_page_language(client):
    # Password reset for an address without an account (allauth tells the address so).
    client.post("/fr/accounts/password/reset/", {"email": "nobody@example.org"})
    (message,) = mail.outbox
    assert "Bonjour, c'est Voices of Integration" in message.body


def test_language_for_prefers_the_account_then_the_request_then_the_default(make_user):
    person = make_user("a@example.org", preferred_language="uk")
    assert language_for(person, fallback="fr") == "uk"
    assert language_for(email="A@EXAMPLE.ORG", fallback="fr") == "uk"
    assert language_for(email="unknown@example.org", fallback="fr") == "fr"
    assert language_for(email="unknown@example.org", fallback="xx") == "en"
    with translation.override("de"):  # what is merely active in the thread does not count
        assert language_for(email="unknown@example.org") == "en"
    # A code no longer offered, or a regional variant, is never used as such.
    assert offered_language("fr-be") == "fr" and offered_language("zz") == ""
    get_user_model().objects.filter(pk=person.pk).update(preferred_language="qq")
    person.refresh_from_db()
    with in_language_of(person, fallback="ar"):
        assert translation.get_language() == "ar"


def test_organisation_invitation_in_the_invitee_language_or_the_inviter_page(
    client, user, make_organisation, make_user, django_capture_on_commit_callbacks
):
    organisation = make_organisation(user)
    make_user("member@example.org", preferred_language="ar")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("new@example.org", "member@example.org"):
            client.post(
                f"/fr/organisations/{organisation.slug}/members/invite/",
                {"email": email, "role": "member"},
            )
    stranger, member = mail.outbox
    assert stranger.to == ["new@example.org"]
    assert stranger.subject.startswith("Invitation à rejoindre")  # the inviter's page language
    assert member.to == ["member@example.org"] and re.search("[\u0600-\u06ff]", member.subject)
    for message in (stranger, member):
        assert "Voices of Integration" in message.body  # signed with the site's name


def test_switching_language_offers_to_make_it_the_email_language(client, make_user):
    person = make_user("s@example.org", display_name="S", preferred_language="en")
    client.force_login(person)
    assert "language-offer" not in client.get("/accounts/profile/").content.decode()
    html = client.get("/fr/accounts/profile/").content.decode()
    assert 'class="message language-offer"' in html and 'name="answer" value="use"' in html
    # Only a POST changes anything; back on the page the person was reading.
    response = client.post(
        "/fr/accounts/profile/language/",
        {"language": "fr", "answer": "use", "next": "/fr/search/?q=x"},
    )
    assert response.status_code == 302 and response.url == "/fr/search/?q=x"
    person.refresh_from_db()
    assert person.preferred_language == "fr"
    assert "language-offer" not in client.get("/fr/accounts/profile/").content.decode()


def test_declining_the_offer_keeps_the_preference_for_the_session(client, make_user):
    person = make_user("d@example.org", display_name="D", preferred_language="ar")
    client.force_login(person)
    response = client.post(
        "/de/accounts/profile/language/",
        {"language": "de", "answer": "keep", "next": "https://evil.example/"},
    )
    assert response.url == "/de/accounts/profile/"  # never to another site
    person.refresh_from_db()
    assert person.preferred_language == "ar"
    assert "language-offer" not in client.get("/de/accounts/profile/").content.decode()
    assert "language-offer" in client.get("/uk/accounts/profile/").content.decode()


def test_language_offer_refuses_a_language_not_offered(client, make_user):
    person = make_user("x@example.org", preferred_language="en")
    client.force_login(person)
    response = client.post("/accounts/profile/language/", {"language": "xx", "answer": "use"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.preferred_language == "en"
    assert client.get("/accounts/profile/language/").status_code == 405


def test_every_email_template_of_ours_ends_with_the_site_signature():
    """Each email we write names the site (allauth's are covered by the adapter)."""
    from pathlib import Path

    from django.template.loader import render_to_string

    root = Path(__file__).resolve().parents[3]
    templates = [
        path
        for folder in ("participation", "consultations", "expertgroup", "awards", "monitoring")
        for path in (root / folder).rglob("templates/*/email/*.txt")
        if path.name != "signature.txt"
    ]
    assert len(templates) >= 9
    for path in templates:
        assert '{% include "accounts/email/signature.txt" %}' in path.read_text(), path
    signed = render_to_string("accounts/email/signature.txt")
    assert signed.splitlines()[:2] == ["-- ", "Voices of Integration"]
