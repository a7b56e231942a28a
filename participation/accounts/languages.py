"""Languages people speak and write: every ISO 639-1 language, named in the reader's language."""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language

# Babel knows ~600 language codes; people pick from the ISO 639-1 two-letter ones, which cover
# every language our users write in (ar, fa, ps, ti, am, so, uk, tr, ...).
_ENGLISH = Locale("en")
LANGUAGE_CODES = sorted(code for code in _ENGLISH.languages if len(code) == 2 and code.isalpha())


@lru_cache(maxsize=32)
def _names(interface_language: str) -> dict[str, str]:
    try:
        locale = Locale.parse(interface_language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = _ENGLISH
    return {code: locale.languages.get(code) or _ENGLISH.languages[code] for code in LANGUAGE_CODES}


def language_name(code: str, interface_language: str | None = None) -> str:
    """The name of `code` in the interface language, falling back to English, then the code."""
    return _names(interface_language or get_language() or "en").get(code, code)


def language_choices(interface_language: str | None = None) -> list[tuple[str, str]]:
    names = _names(interface_language or get_language() or "en")
    return sorted(names.items(), key=lambda item: item[1].casefold())
