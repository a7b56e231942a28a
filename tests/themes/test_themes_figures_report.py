"""The Reports menu's "Participation by theme": every plugin's figures (the hook), for the whole
action plan and per theme, filterable by theme, downloadable; admin users only."""

import csv
import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from wagtail import hooks

from participation.organisations.models import Organisation
from themes.figures import PARTICIPATION_FIGURES_HOOK, Figure
from themes.selectors import canonical_themes

pytestmark = pytest.mark.django_db
URL = "themes_figures_report"


def organisations_by_theme(theme):
    """A plugin's figures: organisations naming the theme in their description."""
    found = Organisation.objects.all()
    if theme is not None:
        found = found.filter(description__contains=theme.slug)
    return [Figure("test.organisations", "Organisations", found.count(), "Test plugin")]


@pytest.fixture
def figures(make_user, make_organisation):
    for i in range(3):
        make_organisation(make_user(f"o{i}@example.org"), name=f"Org {i}", description="housing")
    make_organisation(make_user("e@example.org"), name="Org E", description="health")
    with hooks.register_temporarily(PARTICIPATION_FIGURES_HOOK, organisations_by_theme):
        yield


@pytest.fixture
def editor(make_user):
    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return editor


def _rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


def test_figures_report_in_menu_filtered_and_exported(client, figures, editor):
    client.force_login(editor)
    assert reverse(URL) in client.get(reverse("wagtailadmin_home")).content.decode()
    response = client.get(reverse(URL))
    assert response.status_code == 200 and "Organisations" in response.content.decode()

    rows = _rows(client.get(reverse(URL), {"export": "csv"}))
    assert rows[0] == ["Theme", "Group", "Figure", "Value"]
    ours = {row[0]: row[3] for row in rows if row[2] == "Organisations"}
    assert ours["Whole action plan"] == "4"
    assert ours["Housing"] == "3" and ours["Health"] == "1"
    assert len(ours) == 1 + canonical_themes().count()

    housing = canonical_themes().get(slug="housing")
    rows = _rows(client.get(reverse(URL), {"theme": housing.pk, "export": "csv"}))
    assert [(row[0], row[3]) for row in rows[1:] if row[2] == "Organisations"] == [("Housing", "3")]
    results = client.get(reverse(f"{URL}_results"), {"theme": housing.pk})
    assert results.status_code == 200 and "Housing" in results.content.decode()


def test_figures_report_needs_admin_access(client, figures, make_user):
    client.force_login(make_user("member@example.org"))
    response = client.get(reverse(URL), {"export": "csv"})
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("junk", ["x" * 5000, "\x00\x01", "<script>", "-1", "../../etc"])
def test_figures_report_junk_is_never_a_server_error(client, figures, editor, junk):
    client.force_login(editor)
    for query in ({"theme": junk}, {"p": junk}, {"export": junk}, {"theme": junk, "export": "csv"}):
        assert client.get(reverse(URL), query).status_code < 500, query
