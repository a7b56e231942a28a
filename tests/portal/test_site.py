import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Locale, Page, Site

from participation.organisations.models import Membership, Organisation
from portal.models import HomePage, NavigationSettings, StandardPage

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_home_page_is_accessible_landmarks_and_themes(client, home_page):
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert 'aria-label="Language"' in html
    assert "Employment and skills" in html


@pytest.mark.parametrize(
    "prefix,lang,direction",
    [("/fr/", "fr", "ltr"), ("/de/", "de", "ltr"), ("/ar/", "ar", "rtl"), ("/uk/", "uk", "ltr")],
)
def test_interface_languages_and_direction(client, home_page, prefix, lang, direction):
    response = client.get(prefix)
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in response.content.decode()


def test_interface_is_translated(client, home_page):
    assert "Aller au contenu principal" in client.get("/fr/").content.decode()
    assert "انتقل إلى المحتوى الرئيسي" in client.get("/ar/").content.decode()
    assert "Перейти до основного вмісту" in client.get("/uk/").content.decode()
    assert "Zum Hauptinhalt springen" in client.get("/de/").content.decode()


def test_language_switcher_links_to_the_page_translation(client, home_page):
    about = home_page.add_child(instance=StandardPage(title="About", slug="about"))
    about.save_revision().publish()
    french = Locale.objects.get(language_code="fr")
    home_fr = home_page.copy_for_translation(french)
    home_fr.save_revision().publish()
    about_fr = about.copy_for_translation(french)
    about_fr.title, about_fr.slug = "À propos", "a-propos"
    about_fr.save_revision().publish()

    html = client.get("/about/").content.decode()
    assert 'href="/fr/a-propos/" lang="fr" hreflang="fr"' in html
    # No German translation: the switcher keeps the path under the German prefix.
    assert 'href="/de/about/" lang="de"' in html
    assert "À propos" in client.get("/fr/a-propos/").content.decode()


def test_navigation_and_footer_are_managed_in_wagtail(client, home_page):
    about = home_page.add_child(instance=StandardPage(title="About us", slug="about"))
    about.save_revision().publish()
    nav = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    nav.primary_links = [("link", {"page": about, "url": "", "label": ""})]
    nav.footer_links = [
        ("link", {"page": None, "url": "https://example.org/legal", "label": "Legal"})
    ]
    nav.footer_text = "<p>Run by a public body.</p>"
    nav.save()
    html = client.get("/").content.decode()
    assert '<a href="/about/">About us</a>' in html
    assert '<a href="https://example.org/legal">Legal</a>' in html
    assert "Run by a public body." in html


def test_search_finds_pages_organisations_and_themes(client, home_page, user, make_organisation):
    page = home_page.add_child(instance=StandardPage(title="Housing advice", slug="housing-advice"))
    page.save_revision().publish()
    make_organisation(user, name="Housing Rights Network")
    call_command("update_index", verbosity=0)
    html = client.get(reverse("search"), {"q": "housing"}).content.decode()
    assert "Housing advice" in html
    assert "Housing Rights Network" in html
    assert 'href="/themes/housing/"' in html
    assert client.get(reverse("search"), {"q": "x" * 5000}).status_code == 200


def test_not_found_uses_the_site_layout(client, home_page):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert 'class="skip-link"' in response.content.decode()


def test_load_demo_is_idempotent(client, settings):
    settings.DEBUG = True  # the demo with the README's accounts (make run)
    call_command("load_demo", "--languages", "none", verbosity=0)
    counts = (Page.objects.count(), Organisation.objects.count(), Membership.objects.count())
    call_command("load_demo", "--languages", "none", verbosity=0)
    assert (
        Page.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert HomePage.objects.filter(locale=Locale.get_default()).count() == 1
    assert HomePage.objects.count() == 1  # translations: tests/portal/test_demo_languages.py
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
    assert client.get("/").status_code == 200
    assert client.get("/about/").status_code == 200
    assert client.get("/organisations/migrant-voices-network/").status_code == 200


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, str(ROOT / "site" / "manage.py"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "a-very-long-random-production-secret-key-0123456789-abcdefghijkl",
    "ALLOWED_HOSTS": "participation.example.eu",
    "DATABASE_URL": "postgres://participation:secret@db.example.eu:5432/participation",
    "REDIS_URL": "redis://cache.example.eu:6379/0",
    "EMAIL_HOST": "smtp.example.eu",
}


def test_production_settings_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_editors_translate_pages_with_wagtails_workflow(client, home_page, make_user):
    from allauth.mfa.totp.internal.auth import TOTP

    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(editor)
    arabic = Locale.objects.get(language_code="ar")
    url = reverse("simple_translation:submit_page_translation", args=[home_page.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"locales": [arabic.pk]})
    assert response.status_code == 302
    translated = HomePage.objects.get(locale=arabic)
    assert translated.translation_key == home_page.translation_key


def test_reviewers_find_their_workspace_in_the_header(client, home_page, user, make_user):
    from participation.review.models import Reviewer, ReviewProcess

    client.force_login(user)
    assert "My reviews" not in client.get("/").content.decode()
    process = ReviewProcess.objects.create(name="Expert group", item_noun="Application")
    Reviewer.objects.create(process=process, user=user)
    html = client.get("/").content.decode()
    assert 'href="/review/">My reviews</a>' in html
