"""The interface languages the site knows, and which of them it offers.

Every known language has catalogues (``make messages`` keeps all of them up to date); a site
offers the ones named in ``PARTICIPATION_LANGUAGES`` (settings: comma-separated codes, from the
environment variable of the same name), so a language can be held back until a native speaker
has reviewed its translation. Plain data and functions: the settings import this module.
"""

from django.core.exceptions import ImproperlyConfigured

DEFAULT_LANGUAGE = "en"

# code -> the language's name in itself, in the order the language switcher lists them.
KNOWN_LANGUAGES = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "ar": "العربية",
    "uk": "Українська",
    "fa": "فارسی",
    "ps": "پښتو",
    "ti": "ትግርኛ",
    "so": "Soomaali",
    "tr": "Türkçe",
    "ru": "Русский",
    "es": "Español",
    "it": "Italiano",
    "pl": "Polski",
    "ro": "Română",
}

# Languages Django has no locale data for (django.conf.locale.LANG_INFO): their direction and
# names, added at start-up (``register_locale_data``). Their date formats are in portal/formats.
EXTRA_LANG_INFO = {
    "ps": {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"},
    "ti": {"bidi": False, "code": "ti", "name": "Tigrinya", "name_local": "ትግርኛ"},
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
}

# Languages for which Django, django-allauth and Wagtail ship no catalogue: the libraries'
# messages readers meet are translated in our own catalogue, portal/library_strings.
LIBRARY_GAP_LANGUAGES = ("ps", "ti", "so")


def offered_languages(value: str | None) -> list[tuple[str, str]]:
    """``LANGUAGES`` for the codes in ``value`` ("en,fr,fa"; empty or unset: every known
    language), in the switcher's order. English, the language pages are written in, is always
    offered. An unknown code is a configuration error naming it and the known ones."""
    codes = {code.strip().lower() for code in (value or "").split(",") if code.strip()}
    unknown = sorted(codes - KNOWN_LANGUAGES.keys())
    if unknown:
        raise ImproperlyConfigured(
            f"PARTICIPATION_LANGUAGES names unknown language codes ({', '.join(unknown)}): "
            f"use comma-separated codes among {', '.join(KNOWN_LANGUAGES)}."
        )
    if not codes:
        codes = set(KNOWN_LANGUAGES)
    codes.add(DEFAULT_LANGUAGE)
    return [(code, name) for code, name in KNOWN_LANGUAGES.items() if code in codes]


def register_locale_data() -> None:
    """Teach Django the languages it has no data for (get_language_info, get_language_bidi)."""
    from django.conf.locale import LANG_INFO

    for code, info in EXTRA_LANG_INFO.items():
        LANG_INFO.setdefault(code, info)
