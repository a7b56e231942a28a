import django_filters
import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from portal.models import StandardPage
from themes.filters import ThemeFilter
from themes.models import Theme
from themes.selectors import canonical_themes, localized_names, with_counts

pytestmark = pytest.mark.django_db

SECTORAL = ["education-and-training", "employment-and-skills", "health", "housing"]
HORIZONTAL = [
    "building-strong-partnerships",
    "eu-funding",
    "participation-and-encounters",
    "monitoring-and-evidence",
    "digital-tools",
]


def test_migration_creates_the_action_plan_themes():
    themes = list(canonical_themes())
    assert [t.slug for t in themes if t.kind == "sectoral"] == SECTORAL
    assert [t.slug for t in themes if t.kind == "horizontal"] == HORIZONTAL
    assert {t.locale.language_code for t in themes} == {"en"}


def test_theme_index_and_page_list_tagged_content(client, home_page):
    health = Theme.objects.get(slug="health")
    page = home_page.add_child(instance=StandardPage(title="Clinics for everyone", slug="clinics"))
    page.themes.set([health])
    page.save_revision().publish()
    untagged = home_page.add_child(instance=StandardPage(title="Unrelated", slug="unrelated"))
    untagged.save_revision().publish()

    index = client.get(reverse("themes:index")).content.decode()
    assert "Sectoral" in index and "Horizontal" in index and "Digital tools" in index
    html = client.get(reverse("themes:detail", args=["health"])).content.decode()
    assert "Clinics for everyone" in html and "Unrelated" not in html
    empty = client.get(reverse("themes:detail", args=["housing"])).content.decode()
    assert "Nothing is tagged with this theme yet." in empty
    assert client.get(reverse("themes:detail", args=["no-such-theme"])).status_code == 404


def test_theme_shown_in_the_readers_language_when_translated(client):
    health = Theme.objects.get(slug="health")
    french = Locale.objects.get(language_code="fr")
    french_health = health.copy_for_translation(french)
    french_health.name = "Santé"
    french_health.save()
    assert "Santé" in client.get("/fr/themes/health/").content.decode()
    assert "Santé" in client.get("/fr/themes/").content.decode()
    assert "Santé" not in client.get("/themes/health/").content.decode()
    with translation.override("fr"):
        assert localized_names(canonical_themes())[health.pk] == "Santé"


def test_theme_filter_and_counts_for_any_tagged_model(home_page):
    health, housing = Theme.objects.get(slug="health"), Theme.objects.get(slug="housing")
    for n, themes in enumerate([[health], [health, housing], []]):
        page = home_page.add_child(instance=StandardPage(title=f"P{n}", slug=f"p{n}"))
        page.themes.set(themes)
        page.save_revision().publish()

    class PageFilter(django_filters.FilterSet):
        theme = ThemeFilter()

        class Meta:
            model = StandardPage
            fields = []

    pages = StandardPage.objects.all()
    filtered = PageFilter({"theme": ["health"]}, queryset=pages).qs
    assert sorted(p.title for p in filtered) == ["P0", "P1"]
    filtered = PageFilter({"theme": ["housing", "health"]}, queryset=pages).qs
    assert sorted(p.title for p in filtered) == ["P0", "P1"]  # distinct, no duplicates
    invalid = PageFilter({"theme": ["forged"]}, queryset=pages)
    assert not invalid.is_valid()
    counts = {t.slug: t.count for t in with_counts(pages)}
    assert counts["health"] == 2 and counts["housing"] == 1 and counts["eu-funding"] == 0


def test_editors_edit_themes_as_snippets(client, make_user):
    from allauth.mfa.totp.internal.auth import TOTP

    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(editor)
    response = client.get("/admin/snippets/themes/theme/")
    assert response.status_code == 200
    assert "Employment and skills" in response.content.decode()
