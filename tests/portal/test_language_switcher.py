"""The language switcher keeps the reader on the same page, in every case (no JavaScript):
a translated page, a page translated into only some languages, a page in one language only,
a view that is not a page, a 404; and a language that is not offered is a clear 404."""

import re

import pytest
from wagtail.models import Locale

from portal.models import StandardPage

pytestmark = pytest.mark.django_db


def _links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    return dict(
        (code, href.replace("&amp;", "&"))
        for href, code in re.findall(r'<a href="([^"]*)" lang="([^"]+)"', nav)
    )


@pytest.fixture
def about(home_page):
    """The English "About", translated into French with another slug, not into the others."""
    page = home_page.add_child(instance=StandardPage(title="About", slug="about"))
    page.save_revision().publish()
    french = Locale.objects.get(language_code="fr")
    home_page.copy_for_translation(french).save_revision().publish()
    page_fr = page.copy_for_translation(french)
    page_fr.title, page_fr.slug = "À propos", "a-propos"
    page_fr.save_revision().publish()
    return page


def test_translated_page_links_to_its_translation(client, about):
    links = _links(client.get("/about/").content.decode())
    assert links["fr"] == "/fr/a-propos/"
    assert links["en"] == "/about/"


def test_page_missing_in_a_language_keeps_the_page_not_the_home(client, about):
    # From the French page (slug "a-propos") to German, which has no translation: the English
    # original's path under /de/, served with a German interface.
    links = _links(client.get("/fr/a-propos/").content.decode())
    assert links["de"] == "/de/about/" and links["ar"] == "/ar/about/"
    assert links["en"] == "/about/"
    response = client.get(links["ar"])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 lang="en" dir="ltr">About</h1>' in html


def test_page_in_one_language_only_is_served_in_any_interface_language(client, home_page):
    french = Locale.objects.get(language_code="fr")
    home_fr = home_page.copy_for_translation(french)
    home_fr.save_revision().publish()
    only = home_fr.add_child(instance=StandardPage(title="Réunion locale", slug="reunion"))
    only.save_revision().publish()
    links = _links(client.get("/fr/reunion/").content.decode())
    assert links["ar"] == "/ar/reunion/" and links["en"] == "/reunion/"
    for url, lang in ((links["ar"], "ar"), (links["en"], "en")):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{lang}"' in html
        # The editors' French text is marked as French inside the other interface.
        assert '<h1 lang="fr" dir="ltr">Réunion locale</h1>' in html


def test_non_page_view_keeps_path_and_query(client, home_page):
    links = _links(client.get("/fr/search/?q=emploi&page=2").content.decode())
    assert links["ar"] == "/ar/search/?q=emploi&page=2"
    assert links["en"] == "/search/?q=emploi&page=2"


def test_signed_in_views_keep_their_path(client, user):
    client.force_login(user)
    links = _links(client.get("/de/accounts/profile/").content.decode())
    assert links["uk"] == "/uk/accounts/profile/" and links["en"] == "/accounts/profile/"


def test_404_page_switches_to_the_same_path_and_unknown_language_is_404(client, home_page):
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    assert _links(response.content.decode())["ar"] == "/ar/no-such-page/"
    # A language code that is not offered: a clear 404, not a 500.
    for path in ("/xx/about/", "/zz/accounts/profile/", "/fr-xx/", "/ar-/"):
        assert client.get(path).status_code == 404, path
