"""A moment in a call, written for a reader: one function for pages, receipts and emails.

Before, the receipt said "2026-12-02 03:31 UTC" (read "UTC 03:31 2026-12-02" in an Arabic
layout), the email "CET" and the call's page its own zone's name. Now every place shows a moment
in the call's time zone, in the reader's language, with the zone named in that language:
"2 December 2026, 04:31 (Central European Standard Time)",
"2 ديسمبر 2026، 4:31 ص (توقيت وسط أوروبا الرسمي)".

Language and zone are explicit arguments, so that a background task sending an email (no
request, no active language) formats exactly as the page does.
"""

import zoneinfo
from datetime import UTC, datetime, tzinfo
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_timezone_name
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, to_locale


@lru_cache(maxsize=64)
def babel_locale(language: str) -> Locale:
    """Babel's locale for a Django language code ("pt-br" -> pt_BR), falling back to the base
    language, then English. Plain "en" is British English: day, month, year and a 24-hour
    clock, as the site wrote dates before and as European readers expect."""
    language = "en-gb" if language == "en" else language
    for code in (to_locale(language), language.split("-")[0]):
        try:
            return Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            continue
    return Locale("en", "GB")


@lru_cache(maxsize=256)
def _zone(name: str) -> tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def zone_of(where) -> tzinfo:
    """The time zone of a call (anything with ``time_zone``), a zone name, or a tzinfo; the
    site's zone when none is given or the name is unknown."""
    if isinstance(where, tzinfo):
        return where
    name = getattr(where, "time_zone", where)
    return _zone(name if isinstance(name, str) and name else settings.TIME_ZONE)


def format_moment(value, where=None, language: str | None = None, *, seconds=False) -> str:
    """``value`` (an aware datetime) in the zone of ``where`` (a call, a zone name or a tzinfo),
    written in ``language`` (the active one by default), the zone named:
    "2 December 2026, 04:31 (Central European Standard Time)". Empty for None."""
    if not isinstance(value, datetime):
        return ""
    zone = zone_of(where)
    locale = babel_locale(language or get_language() or settings.LANGUAGE_CODE)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone)
    date_text = format_date(local, "long", locale=locale)
    time_text = format_time(local, "medium" if seconds else "short", locale=locale)
    pattern = locale.datetime_formats.get("long") or "{1}, {0}"
    moment = str(pattern).replace("'", "").format(time_text, date_text)
    # The specific name ("Central European Summer Time" in July), which says which offset applies.
    return f"{moment} ({get_timezone_name(local, 'long', locale=locale)})"
