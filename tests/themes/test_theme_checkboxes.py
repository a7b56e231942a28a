"""The page editor lists each theme once, named in the editor's language (it listed every
translation of every theme)."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from consultations.models import ConsultationIndexPage, ConsultationPage
from portal.demo_localise import read_translations
from themes.models import Theme
from themes.selectors import canonical_themes

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated_themes():
    for code in ("fr", "ar"):
        locale, _ = Locale.objects.get_or_create(language_code=code)
        for theme in canonical_themes():
            if not Theme.objects.filter(translation_key=theme.translation_key, locale=locale):
                copy = theme.copy_for_translation(locale)
                copy.name = read_translations(code)[theme.name]
                copy.save()


def _editor_client(client, make_user, language):
    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    client.force_login(editor)
    return client


@pytest.mark.parametrize("language, health", [("fr", "Santé"), ("ar", "الصحة"), ("en", "Health")])
def test_new_consultation_lists_each_theme_once_in_the_editors_language(
    client, make_user, home_page, translated_themes, language, health
):
    index = home_page.add_child(instance=ConsultationIndexPage(title="Consultations", slug="c"))
    client = _editor_client(client, make_user, language)
    url = reverse("wagtailadmin_pages:add", args=["consultations", "consultationpage", index.pk])
    html = client.get(url).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="themes" value="(\d+)"', html)
    canonical = {str(pk) for pk in canonical_themes().values_list("pk", flat=True)}
    assert Theme.objects.count() == 3 * len(canonical)  # en, fr, ar rows exist...
    assert sorted(boxes) == sorted(canonical)  # ...but each theme is offered once
    assert health in html


def test_saving_a_page_keeps_its_themes(client, make_user, home_page, translated_themes):
    index = home_page.add_child(instance=ConsultationIndexPage(title="Consultations", slug="c"))
    page = index.add_child(
        instance=ConsultationPage(title="Housing first", slug="housing", intro="Homes first.")
    )
    housing = Theme.objects.get(slug="housing", locale=Locale.get_default())
    page.themes.set([housing])
    page.save_revision()
    client = _editor_client(client, make_user, "fr")
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert re.search(rf'value="{housing.pk}"[^>]*checked', html)
