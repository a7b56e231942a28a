"""Fifteen interface languages: which are offered, their direction, dates, locales, switcher."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import formats, translation
from wagtail.models import Locale

from portal.languages import KNOWN_LANGUAGES, offered_languages

ROOT = Path(__file__).resolve().parents[2]
ALL = list(KNOWN_LANGUAGES)


def compiled_catalogue(folder: Path, code: str, translations: dict[str, str]) -> Path:
    """A LOCALE_PATHS folder with a small compiled catalogue for ``code`` (a language whose
    real catalogues may not exist yet: Django serves a language prefix only when one does)."""
    messages = folder / code / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid, msgstr in translations.items():
        po += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    (messages / "django.po").write_text("\n".join(po), encoding="utf-8")
    subprocess.run(
        ["msgfmt", "-o", str(messages / "django.mo"), str(messages / "django.po")], check=True
    )
    return folder


@pytest.fixture
def pashto_catalogue(tmp_path):
    folder = compiled_catalogue(tmp_path, "ps", {"December": "دسمبر"})
    with override_settings(LOCALE_PATHS=[folder, *settings.LOCALE_PATHS]):
        yield


# --- The setting ---------------------------------------------------------------------------


def test_every_known_language_is_offered_by_default():
    assert [code for code, _ in offered_languages(None)] == ALL
    assert [code for code, _ in offered_languages("")] == ALL
    assert len(ALL) == 15
    assert dict(offered_languages(None))["ps"] == "پښتو"
    assert dict(offered_languages(None))["ti"] == "ትግርኛ"


def test_offered_languages_keep_the_switcher_order_and_always_english():
    expected = [("en", "English"), ("fa", "فارسی"), ("tr", "Türkçe")]
    assert offered_languages(" TR , fa,tr") == expected


def test_an_unknown_language_code_is_a_configuration_error_naming_it():
    with pytest.raises(ImproperlyConfigured, match=r"unknown language codes \(pt, xx\)"):
        offered_languages("fr,xx,pt")


def _settings_with(languages: str, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
            "PARTICIPATION_LANGUAGES": languages,
        },
    )


def test_the_environment_variable_sets_languages_and_content_languages():
    result = _settings_with(
        "en,fr,ps",
        "from django.conf import settings as s; "
        "print([c for c, _ in s.LANGUAGES], [c for c, _ in s.WAGTAIL_CONTENT_LANGUAGES])",
    )
    assert result.stdout.strip() == "['en', 'fr', 'ps'] ['en', 'fr', 'ps']", result.stderr


def test_an_unknown_code_in_the_environment_stops_manage_py_with_one_line():
    result = subprocess.run(
        [sys.executable, str(ROOT / "site" / "manage.py"), "check"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PARTICIPATION_LANGUAGES": "en,fr,klingon"},
    )
    assert result.returncode == 78
    assert result.stderr.startswith(
        "Configuration error: PARTICIPATION_LANGUAGES names unknown language codes (klingon)"
    )
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


# --- Locale data ----------------------------------------------------------------------------


def test_django_knows_every_language_and_which_are_right_to_left():
    for code in ALL:
        info = translation.get_language_info(code)
        assert info["bidi"] == (code in {"ar", "fa", "ps"}), code
        with translation.override(code):
            assert translation.get_language_bidi() == (code in {"ar", "fa", "ps"}), code


def test_django_own_formats_serve_the_languages_it_has_ours_the_others():
    for code in ["fa", "tr", "ru", "es", "it", "pl", "ro"]:
        modules = [module.__name__ for module in formats.get_format_modules(code)]
        assert modules == [f"django.conf.locale.{code}.formats"], code
    for code in ["ti", "so"]:
        assert Path(ROOT / "site" / "portal" / "formats" / code / "formats.py").exists()


DECEMBER_2 = datetime.datetime(2026, 12, 2, 14, 30)


@pytest.mark.parametrize(
    "code,date,short_date",
    [
        # Django's own formats and month names (capitalised in its it and ro catalogues).
        ("tr", "02 Aralık 2026", "02 Ara 2026"),
        ("pl", "2 grudnia 2026", "02-12-2026"),
        ("ru", "2 декабря 2026 г.", "02.12.2026"),
        ("es", "2 de diciembre de 2026", "02/12/2026"),
        ("it", "02 Dicembre 2026", "02/12/2026"),
        ("ro", "2 Decembrie 2026", "02.12.2026"),
        ("fa", "2 دسامبر 2026", "2026/12/2"),
    ],
)
def test_a_date_renders_in_the_languages_own_format(code, date, short_date):
    with translation.override(code):
        assert formats.date_format(DECEMBER_2, "DATE_FORMAT") == date
        assert formats.date_format(DECEMBER_2, "SHORT_DATE_FORMAT") == short_date


def test_a_pashto_date_uses_our_format_module_and_the_catalogues_month(pashto_catalogue):
    with translation.override("ps"):
        modules = [module.__name__ for module in formats.get_format_modules("ps")]
        assert modules == ["portal.formats.ps.formats"]
        assert formats.date_format(DECEMBER_2, "DATE_FORMAT") == "2 دسمبر 2026"
        assert formats.date_format(DECEMBER_2, "SHORT_DATE_FORMAT") == "2026/12/2"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 6


@pytest.mark.parametrize("code", ["ti", "so"])
def test_tigrinya_and_somali_dates_are_day_first_with_a_twelve_hour_clock(tmp_path, code):
    folder = compiled_catalogue(tmp_path, code, {"PM": "PM-" + code})
    with override_settings(LOCALE_PATHS=[folder]), translation.override(code):
        assert formats.date_format(DECEMBER_2, "SHORT_DATE_FORMAT") == "02/12/2026"
        assert formats.time_format(DECEMBER_2, "TIME_FORMAT") == f"2:30 PM-{code}"
        # 02/12/2026 typed in a form is the 2nd of December, never the 12th of February.
        assert formats.get_format("DATE_INPUT_FORMATS")[1] == "%d/%m/%Y"


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/xx/", "/zz/accounts/login/", "/pt/", "/fa-xx/accounts/login/"])
def test_a_language_prefix_that_is_not_offered_is_a_404(client, home_page, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_persian_and_pashto_pages_are_right_to_left(client, home_page, pashto_catalogue):
    html = client.get("/fa/").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    html = client.get("/ps/").content.decode()
    assert '<html lang="ps" dir="rtl">' in html
    html = client.get("/ps/accounts/login/").content.decode()
    assert '<html lang="ps" dir="rtl">' in html


@pytest.mark.django_db
def test_the_switcher_lists_every_offered_language_in_its_own_name_and_direction(client, home_page):
    html = client.get("/tr/").content.decode()
    switcher = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    assert "<details>" in switcher and "<summary>" in switcher
    # The summary names the current language in itself.
    assert '<span lang="tr">Türkçe</span></summary>' in switcher
    links = re.findall(r'<a href="([^"]*)" lang="([^"]*)" hreflang="[^"]*" dir="([^"]*)"', switcher)
    assert [code for _href, code, _dir in links] == [code for code, _ in settings.LANGUAGES]
    for href, code, direction in links:
        assert direction == ("rtl" if code in {"ar", "fa", "ps"} else "ltr")
        assert href == ("/" if code == "en" else f"/{code}/")
    assert ">فارسی</a>" in switcher and ">ትግርኛ</a>" in switcher and ">Română</a>" in switcher


HELD_BACK = [(code, name) for code, name in KNOWN_LANGUAGES.items() if code != "tr"]


@pytest.mark.django_db
@override_settings(LANGUAGES=HELD_BACK, WAGTAIL_CONTENT_LANGUAGES=HELD_BACK)
def test_a_held_back_language_has_no_prefix_and_no_switcher_entry(client, home_page):
    assert client.get("/tr/").status_code == 404
    assert client.get("/tr/accounts/login/").status_code == 404
    html = client.get("/fr/").content.decode()
    assert 'lang="tr"' not in html and "Türkçe" not in html
    assert 'lang="pl"' in html


@pytest.mark.django_db
def test_every_offered_language_has_a_wagtail_locale():
    codes = set(Locale.objects.values_list("language_code", flat=True))
    assert {code for code, _ in settings.LANGUAGES} <= codes


@pytest.mark.django_db
def test_an_offered_language_without_a_locale_still_serves_pages(client, home_page):
    Locale.objects.filter(language_code="tr").delete()
    for path in ["/tr/", "/tr/search/?q=housing", "/tr/themes/", "/tr/accounts/login/"]:
        assert client.get(path).status_code == 200, path
