import pytest
from allauth.mfa.totp.internal.auth import TOTP

from participation.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(make_user):
    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return editor


def test_editor_verifies_an_organisation_in_the_admin(client, editor, user, make_organisation):
    organisation = make_organisation(user, name="To Check", verified=False, register_number="R-1")
    client.force_login(editor)
    listing = client.get("/admin/organisations/")
    assert listing.status_code == 200 and "To Check" in listing.content.decode()
    response = client.post(
        f"/admin/organisations/edit/{organisation.pk}/",
        {
            "name": "To Check",
            "kind": "migrant_led",
            "country": "DE",
            "register_number": "R-1",
            "website": "",
            "description": "",
            "verified": "on",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.verified and organisation.verified_by == editor
    assert organisation.verified_at is not None


def test_non_staff_cannot_reach_the_organisation_admin(client, user):
    client.force_login(user)
    response = client.get("/admin/organisations/")
    assert response.status_code == 302
    assert Organisation.objects.count() == 0


def test_organisation_names_are_isolated_in_the_listing(client, editor, user, make_organisation):
    make_organisation(user, name="Voix \u202eمهاجرين", verified=False)
    client.force_login(editor)
    html = client.get("/admin/organisations/").content.decode()
    assert "<bdi>Voix مهاجرين</bdi>" in html


def test_organisations_listing_export(client, editor, user, make_organisation):
    import csv
    import io

    make_organisation(user, name="Voix Migrantes", country="FR", register_number="W-75")
    client.force_login(editor)
    response = client.get("/admin/organisations/", {"export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="organisations.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert rows[0][:4] == ["Name", "Slug", "Kind", "Country"]
    row = next(row for row in rows if row[0] == "Voix Migrantes")
    assert row[3] == "France" and row[4] == "W-75"
    assert row[2] == str(Organisation.Kind.MIGRANT_LED.label)
