import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_directory_lists_only_verified_organisations(client, user, make_organisation):
    make_organisation(user, name="Verified One", verified=True)
    make_organisation(user, name="Pending One", verified=False)
    html = client.get(reverse("organisations:directory")).content.decode()
    assert "Verified One" in html and "Pending One" not in html


def test_directory_filters_by_kind_and_name(client, user, make_organisation):
    make_organisation(user, name="Union North", kind="trade_union")
    make_organisation(user, name="City Hall", kind="public_authority")
    html = client.get(reverse("organisations:directory"), {"kind": "trade_union"}).content.decode()
    assert "Union North" in html and "City Hall" not in html
    html = client.get(reverse("organisations:directory"), {"q": "hall"}).content.decode()
    assert "City Hall" in html and "Union North" not in html


def test_public_page_of_verified_organisation(client, user, make_organisation):
    organisation = make_organisation(user, name="Voices", description="We <b>work</b>")
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "Voices" in html and "Verified" in html
    assert "We &lt;b&gt;work&lt;/b&gt;" in html  # user text is escaped
    assert user.email not in html  # members' addresses are not public


def test_unverified_organisation_is_hidden_from_the_public(
    client, user, make_user, make_organisation
):
    organisation = make_organisation(user, verified=False)
    assert client.get(organisation.get_absolute_url()).status_code == 404
    client.force_login(user)
    assert client.get(organisation.get_absolute_url()).status_code == 200


def test_description_shows_each_line_in_its_own_direction(client, user, make_organisation):
    organisation = make_organisation(
        user, name="Voices", description="نحن شبكة من المهاجرين.\nWe are a network of migrants."
    )
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert '<span class="user-line" dir="rtl">نحن شبكة من المهاجرين.</span>' in html
    assert '<span class="user-line" dir="ltr">We are a network of migrants.</span>' in html
