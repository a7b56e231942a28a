import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "newcomer@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "display_name": "Newcomer",
    "preferred_language": "en",
}


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S*confirm-email/\S+/)", message.body).group(1)


def test_signup_sends_verification_and_blocks_login_until_verified(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="newcomer@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1 and "newcomer@example.org" in mail.outbox[0].to

    # Signing in before verification sends the person back to the "check your email" page.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = _confirmation_link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert b"<html" in page.content and b'class="skip-link"' in page.content  # our own layout
    client.post(link)
    assert EmailAddress.objects.get(user=user).verified
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_with_email_in_use_creates_nothing_and_mails_the_owner(client, user):
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": user.email.upper()})
    # Same answer as a new sign-up, so the page does not reveal who has an account...
    assert response.status_code == 302
    assert get_user_model().objects.filter(email__iexact=user.email).count() == 1
    # ...but the owner of the address is told, clearly.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email.upper()] or mail.outbox[0].to == [user.email]
    assert "already" in mail.outbox[0].body.lower()


def test_signup_form_errors_keep_what_was_typed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "typed@example.org", "password1": PASSWORD, "password2": "different"},
    )
    assert response.status_code == 200
    assert b'value="typed@example.org"' in response.content
    assert get_user_model().objects.count() == 0


def test_ten_wrong_passwords_are_rate_limited(client, user):
    statuses = []
    for _ in range(10):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
        statuses.append(response.status_code)
    # Five tries per address from one connection, then a clear page instead of another guess.
    assert statuses == [200] * 5 + [429] * 5
    assert "Too many attempts came from your connection" in response.content.decode()
    # Even the right password is refused from this connection while the limit holds.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client, user):
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/\S*password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    new = "another-long-passphrase-77"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_account_pages_use_the_site_layout(client, user):
    for name in ["account_login", "account_signup", "account_reset_password"]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="skip-link"' in html and '<main id="main"' in html and "site.css" in html
