"""Pages not translated into the reader's language are served in it (interface, links), from
the one page that was published: nothing splits into copies."""

import re

import pytest
from wagtail.models import Locale, Site

from consultations.models import Response
from portal.models import NavigationSettings, StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def arabic_home(home_page):
    """The home page translated into Arabic, as in the demo: the Arabic tree has no children."""
    home_ar = home_page.copy_for_translation(Locale.objects.get(language_code="ar"))
    home_ar.save_revision().publish()
    return home_ar


def test_untranslated_page_is_served_in_the_readers_language(client, arabic_home, consultation):
    path = consultation.url  # in English: the test's own language stays as a request left it
    html = client.get("/ar" + path).content.decode()
    assert '<html lang="ar" dir="rtl">' in html and consultation.title in html
    # Its links keep the reader's language; the switcher still offers the original.
    assert f'href="/ar{path}respond/"' in html
    assert f'href="{path}" lang="en"' in html
    assert client.get("/ar/no-such-page/").status_code == 404


def test_answers_given_in_another_language_go_to_the_published_page(
    client, arabic_home, consultation, user
):
    client.force_login(user)
    path = consultation.url
    response = client.post(
        f"/ar{path}respond/", {"organisation": "", "country": "FR", "language": "ar"}
    )
    assert response.status_code == 302 and response.url.startswith(f"/ar{path}")
    assert Response.objects.get().consultation_id == consultation.pk
    # The steps, in Arabic, edit the same answer.
    assert client.get(response.url).status_code == 200


def test_a_pages_own_404_is_not_masked(client, arabic_home, consultation, user, make_user):
    client.force_login(user)
    client.post(
        f"{consultation.url}respond/", {"organisation": "", "country": "FR", "language": "en"}
    )
    draft = Response.objects.get()
    client.force_login(make_user("stranger@example.org"))
    assert client.get(f"/ar{consultation.url}respond/{draft.pk}/review/").status_code == 404


def test_navigation_and_search_keep_the_readers_language(client, arabic_home, home_page):
    about = home_page.add_child(instance=StandardPage(title="About the platform", slug="about"))
    about.save_revision().publish()
    nav = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    nav.primary_links = [("link", {"page": about, "url": "", "label": ""})]
    nav.save()
    html = client.get("/ar/").content.decode()
    assert 'href="/ar/about/"' in html and 'href="/" lang="en"' in html
    # Untranslated pages are found by a search in Arabic, and linked in Arabic.
    html = client.get("/ar/search/", {"q": "platform"}).content.decode()
    assert 'href="/ar/about/"' in html


def test_editors_text_is_marked_with_its_own_language(client, arabic_home, consultation):
    path = consultation.url
    html = client.get("/ar" + path).content.decode()
    # Interface in Arabic, the page's own text marked English (WCAG 3.1.2, language of parts).
    assert '<html lang="ar" dir="rtl">' in html
    assert f'<h1 lang="en" dir="ltr">{consultation.title}</h1>' in html
    assert '<p class="lead" lang="en" dir="ltr">' in html
    # In its own language nothing is added.
    assert f"<h1>{consultation.title}</h1>" in client.get(path).content.decode()


def test_menu_and_footer_text_keep_their_own_language_in_arabic(client, arabic_home, home_page):
    about = home_page.add_child(instance=StandardPage(title="About the platform", slug="about"))
    about.save_revision().publish()
    nav = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    nav.primary_links = [("link", {"page": about, "url": "", "label": ""})]
    nav.footer_links = [
        ("link", {"page": None, "url": "https://example.org/legal", "label": "Legal notice"}),
        ("link", {"page": None, "url": "https://example.org/x", "label": ""}),
    ]
    nav.footer_text = "<p>Run by a public body.</p>"
    nav.save()
    html = client.get("/ar/").content.decode()
    assert 'href="/ar/about/" lang="en" dir="ltr">About the platform</a>' in html
    assert 'href="https://example.org/legal" lang="en" dir="ltr">Legal notice</a>' in html
    assert 'href="https://example.org/x" dir="ltr">https://example.org/x</a>' in html
    assert '<div class="footer-text" lang="en" dir="ltr">' in html
    # In the editors' own language nothing is added.
    html = client.get("/").content.decode()
    assert '<div class="footer-text">' in html and 'lang="en" dir="ltr">Legal' not in html


def test_questions_of_an_untranslated_page_are_marked_with_their_own_language(
    client, arabic_home, consultation, user
):
    """On /ar/, the steps of an English-only consultation: the interface in Arabic, each
    question's label and help, the step's heading and the editors' options marked English."""
    client.force_login(user)
    path = consultation.url
    started = client.post(
        f"/ar{path}respond/", {"organisation": "", "country": "FR", "language": "ar"}
    )
    html = client.get(started.url).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    labels = re.findall(r'<(?:legend|label for="[^"]+")><span([^>]*)>', html)
    assert labels and all(attrs == ' lang="en" dir="ltr"' for attrs in labels), labels
    assert "(مطلوب)" in html or "required" not in html  # "required" stays interface (Arabic)
    english = client.get(started.url.removeprefix("/ar")).content.decode()
    labels = re.findall(r'<(?:legend|label for="[^"]+")><span([^>]*)>', english)
    assert labels and not any(labels), labels  # in its own language nothing is added
