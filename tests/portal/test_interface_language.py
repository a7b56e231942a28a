"""The site's own texts (name, menu, footer) in the reader's language, and the bad input around
languages: an unknown language prefix, a page not translated into the reader's language, a string
a language has no translation for."""

import pytest
from django.utils import translation
from wagtail.models import Locale, Site

from portal.models import NavigationSettings, StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def about(home_page):
    # As in the demo: the home page is translated, the pages under it are not.
    for code in ("fr", "ar", "uk"):
        home_page.copy_for_translation(
            Locale.objects.get_or_create(language_code=code)[0]
        ).save_revision().publish()
    page = home_page.add_child(
        instance=StandardPage(title="About this platform", slug="about", intro="Why we ask.")
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def navigation(home_page, about):
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Participation"
    site.save()
    nav = NavigationSettings.for_site(site)
    nav.primary_links = [
        (
            "link",
            {
                "page": about,
                "url": "",
                "label": "",
                "translated_labels": [{"language": "ar", "label": "عن هذه المنصة"}],
            },
        )
    ]
    nav.footer_links = [("link", {"page": None, "url": "https://example.org/", "label": "Help"})]
    nav.footer_text = "<p>Built in Brussels.</p>"
    nav.translations = [
        (
            "language",
            {"language": "uk", "site_name": "Участь", "footer_text": "<p>Зроблено в Брюсселі.</p>"},
        )
    ]
    nav.save()
    return nav


def test_menu_label_given_for_the_readers_language(client, navigation):
    html = client.get("/ar/").content.decode()
    assert ">عن هذه المنصة</a>" in html
    assert ">About this platform</a>" not in html


def test_menu_follows_the_pages_translation_when_no_label_is_given(client, navigation, about):
    french = about.copy_for_translation(Locale.objects.get_or_create(language_code="fr")[0])
    french.title = "À propos de la plateforme"
    french.save_revision().publish()
    html = client.get("/fr/").content.decode()
    assert 'href="/fr/about/">À propos de la plateforme</a>' in html


def test_untranslated_label_is_the_english_one_marked_as_english(client, navigation):
    # No Ukrainian label and no Ukrainian page: the English title, said to be English.
    html = client.get("/uk/").content.decode()
    assert 'lang="en" dir="ltr">About this platform</a>' in html
    assert 'lang="en" dir="ltr">Help</a>' in html


def test_site_name_and_footer_text_in_the_readers_language(client, navigation):
    html = client.get("/uk/").content.decode()
    assert "<title>" in html and "· Участь</title>" in html
    assert ">Участь</a>" in html  # the brand in the header
    assert "Зроблено в Брюсселі." in html and "Built in Brussels." not in html
    # Arabic has none: the default language's, marked as such, never an empty or broken page.
    arabic = client.get("/ar/").content.decode()
    assert 'lang="en" dir="ltr">Participation</a>' in arabic
    assert 'lang="en" dir="ltr"><p>Built in Brussels.</p></div>' in arabic


def test_site_name_without_a_wagtail_site_name_is_translated(client, navigation):
    Site.objects.filter(is_default_site=True).update(site_name="")
    with translation.override("de"):
        expected = translation.pgettext("site name", "Participation")
    html = client.get("/de/").content.decode()
    assert f"· {expected}</title>" in html


@pytest.mark.parametrize(
    "path",
    ["/xx/", "/zz/consultations/", "/xx/about/", "/ar-xx/", "/en/", "/EN/about/", "/q/", "/12/"],
)
def test_a_language_that_is_not_offered_is_a_clear_404(client, navigation, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "skip-link" in response.content.decode()  # the site's own 404 page


def test_unknown_language_in_cookie_or_header_gives_the_default_language(client, navigation):
    client.cookies["django_language"] = "xx"
    response = client.get("/about/", HTTP_ACCEPT_LANGUAGE="zz, xx-YY;q=0.8")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


def test_page_only_in_english_reached_from_arabic(client, navigation, about):
    response = client.get("/ar/about/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    with translation.override("ar"):
        skip = translation.gettext("Skip to main content")
    assert skip != "Skip to main content" and skip in html  # the interface in Arabic
    assert '<h1 lang="en" dir="ltr">About this platform</h1>' in html  # the content in English
    assert 'href="/ar/about/"' in html  # its links keep the reader's language


def test_a_string_without_translation_shows_in_english(client, navigation):
    # A language whose catalogues lack a string shows the English text, never an error.
    with translation.override("ar"):
        assert translation.gettext("A sentence no catalogue has.") == "A sentence no catalogue has."
    assert client.get("/ar/about/").status_code == 200
