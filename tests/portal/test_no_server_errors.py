"""Hostile and malformed input to the foundation gets a clear 4xx or a form error, never a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

JUNK = [
    "x" * 20000,
    "\x00\x01\x02",
    "<script>alert(1)</script>",
    "١٢٣ ሰላም Привіт",
    "%00",
    "../../etc/passwd",
]

GET_PATHS = [
    "/",
    "/search/?q={junk}",
    "/search/?q=a&page={junk}",
    "/themes/{junk}/",
    "/organisations/?kind={junk}&q={junk}&page={junk}",
    "/organisations/{junk}/",
    "/organisations/invitations/{junk}/",
    "/accounts/login/?next={junk}",
    "/accounts/confirm-email/{junk}/",
    "/accounts/password/reset/key/{junk}/",
]

POST_FORMS = [
    (
        "account_signup",
        {
            "email": "{junk}",
            "password1": "{junk}",
            "password2": "{junk}",
            "display_name": "{junk}",
            "preferred_language": "{junk}",
        },
    ),
    ("account_login", {"login": "{junk}", "password": "{junk}"}),
    ("account_reset_password", {"email": "{junk}"}),
    (
        "accounts:profile",
        {
            "display_name": "{junk}",
            "country": "{junk}",
            "preferred_language": "{junk}",
            "languages_spoken": "{junk}",
        },
    ),
    ("accounts:delete", {"password": "{junk}", "confirm": "{junk}"}),
    (
        "organisations:create",
        {"name": "{junk}", "kind": "{junk}", "country": "{junk}", "website": "{junk}"},
    ),
]


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize("signed_in", [False, True])
def test_get_with_junk_never_500(client, home_page, user, junk, signed_in):
    if signed_in:
        client.force_login(user)
    for template in GET_PATHS:
        path = template.replace("{junk}", junk.replace("/", "%2F"))
        response = client.get(path)
        assert response.status_code < 500, path


@pytest.mark.parametrize("junk", JUNK)
def test_post_junk_to_forms_never_500(client, home_page, user, make_organisation, junk):
    organisation = make_organisation(user)
    client.force_login(user)
    for name, data in POST_FORMS:
        payload = {k: v.replace("{junk}", junk) for k, v in data.items()}
        assert client.post(reverse(name), payload).status_code < 500, name
    for name in ["organisations:invite", "organisations:member_action", "organisations:leave"]:
        url = reverse(name, args=[organisation.slug])
        response = client.post(
            url, {"email": junk, "role": junk, "membership": junk, "action": junk}
        )
        assert response.status_code < 500, name
    # The organisation still has its admin after all of that.
    assert organisation.memberships.filter(role="admin").count() == 1
