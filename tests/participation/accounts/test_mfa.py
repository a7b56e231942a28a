import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.urls import reverse

from participation.accounts.rules import must_use_mfa
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _current_code():
    import time

    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(SECRET, int(time.time()) // app_settings.TOTP_PERIOD))


def test_staff_without_totp_are_sent_to_set_it_up(client, make_user):
    editor = make_user("editor@example.org", is_staff=True)
    client.force_login(editor)
    for path in ["/", reverse("accounts:profile"), "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")
    # The set-up page (after confirming the password) and signing out stay reachable.
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("account_logout")).status_code == 302


@pytest.mark.parametrize("group", ["Selection committee", "Jury", "Editors"])
def test_committee_and_jury_members_must_use_mfa(make_user, group):
    person = make_user(f"{group.replace(' ', '')}@example.org")
    assert not must_use_mfa(person)
    person.groups.add(Group.objects.get_or_create(name=group)[0])
    assert must_use_mfa(person)


def test_ordinary_people_may_turn_on_totp_but_need_not(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:profile")).status_code == 200
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert b'name="code"' in response.content


def test_login_with_totp_asks_for_the_code(client, make_user):
    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, SECRET)
    response = client.post(reverse("account_login"), {"login": editor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)
    # With TOTP on, the staff member reaches the admin.
    assert client.get("/admin/").status_code == 200


def test_wagtail_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=/admin/pages/" in response.url


def test_totp_is_listed_in_personal_data_without_the_secret(client, user):
    TOTP.activate(user, SECRET)
    client.force_login(user)
    data = client.get(reverse("accounts:download_data")).json()
    assert data["two_factor_methods"] == [Authenticator.Type.TOTP]
    assert SECRET not in str(data)
