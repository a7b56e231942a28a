import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_profile_saves_display_name_country_languages(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "أمينة يوسف",
            "country": "DE",
            "preferred_language": "ar",
            "languages_spoken": ["so", "ar", "de"],
        },
    )
    assert response.status_code == 302
    assert response.url == "/ar/accounts/profile/"  # shown in the language just chosen
    user.refresh_from_db()
    assert user.display_name == "أمينة يوسف"
    assert user.country.code == "DE"
    assert user.preferred_language == "ar"
    assert user.languages_spoken == ["so", "ar", "de"]
    page = client.get(response.url)
    assert 'dir="rtl"' in page.content.decode()


def test_profile_rejects_unknown_language_and_keeps_input(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Kept name", "country": "XX", "languages_spoken": ["zz-fake"]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Kept name"' in html
    assert 'aria-invalid="true"' in html
    user.refresh_from_db()
    assert user.display_name == "Amina"


def test_profile_lists_languages_in_the_interface_language(client, user):
    client.force_login(user)
    html = client.get("/fr/accounts/profile/").content.decode()
    assert "tigrigna" in html.lower() and "somali" in html.lower()


def test_download_data_contains_profile_and_memberships(client, user, make_organisation):
    make_organisation(user, name="Voices")
    client.force_login(user)
    response = client.get(reverse("accounts:download_data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = response.json()
    assert data["account"]["email"] == user.email
    assert data["email_addresses"] == [{"email": user.email, "verified": True, "primary": True}]
    assert data["organisations"][0]["organisation"] == "Voices"
    assert data["organisations"][0]["role"] == "admin"


def test_delete_account_needs_password_and_removes_user(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert "_auth_user_id" not in client.session


def test_last_admin_cannot_delete_account(client, user, make_user, make_organisation):
    member = make_user("member@example.org")
    make_organisation(user, name="Voices", members=[member])
    client.force_login(user)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert "last administrator of Voices" in page
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 409
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_profile_pages_require_sign_in(client):
    for name in ["accounts:profile", "accounts:download_data", "accounts:delete"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_profile_languages_are_a_chooser_of_labelled_checkboxes(client, user):
    import re

    user.languages_spoken = ["so", "ar"]
    user.save()
    client.force_login(user)
    html = client.get("/fr/accounts/profile/").content.decode()
    assert "Ctrl" not in html
    box = re.search(r'<input type="checkbox" name="languages_spoken" value="so"[^>]*', html)
    assert box and "checked" in box.group(0)
    found = re.search(r'id="(id_languages_spoken_\d+)"', box.group(0))
    assert re.search(rf'<label for="{found.group(1)}">somali</label>', html)
    # The chosen ones summarised above the list, in the reader's language.
    summary = re.search(r"<span data-chooser-chosen>([^<]*)</span>", html).group(1)
    assert "arabe" in summary and "somali" in summary
