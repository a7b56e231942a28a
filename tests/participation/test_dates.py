"""participation.dates.format_moment: a moment in a call's zone, in the reader's language, the
zone named."""

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from participation.dates import format_moment

WINTER = datetime(2026, 12, 2, 3, 31, tzinfo=UTC)
SUMMER = datetime(2026, 7, 2, 3, 31, tzinfo=UTC)


def test_in_the_calls_zone_with_the_zone_named_in_each_language():
    brussels = SimpleNamespace(time_zone="Europe/Brussels")
    assert format_moment(WINTER, brussels, "en") == (
        "2 December 2026, 04:31 (Central European Standard Time)"
    )
    assert format_moment(SUMMER, brussels, "en") == (
        "2 July 2026, 05:31 (Central European Summer Time)"
    )
    arabic = format_moment(WINTER, brussels, "ar")
    assert arabic.startswith("2 ديسمبر 2026") and "4:31" in arabic
    assert arabic.endswith("(توقيت وسط أوروبا الرسمي)")
    assert "UTC" not in arabic and "CET" not in arabic
    assert format_moment(WINTER, "America/New_York", "fr") == (
        "1 décembre 2026, 22:31 (heure normale de l’Est nord-américain)"
    )
    assert format_moment(WINTER, ZoneInfo("Asia/Tokyo"), "de").startswith("2. Dezember 2026, 12:31")


def test_language_defaults_to_the_active_one_and_unknown_values_fall_back():
    with translation.override("uk"):
        assert format_moment(WINTER, "Europe/Kyiv").startswith("2 грудня 2026")
    # An unknown zone: the site's (Europe/Brussels); an unknown language: English.
    assert format_moment(WINTER, "Mars/Olympus", "xx") == format_moment(
        WINTER, "Europe/Brussels", "en"
    )
    assert format_moment(None, "Europe/Brussels", "en") == ""
    assert format_moment("not a date", "Europe/Brussels", "en") == ""


def test_template_filter_uses_the_call_and_the_active_language():
    template = Template("{% load moments %}{{ when|moment:call }}")
    call = SimpleNamespace(time_zone="America/New_York")
    with translation.override("en"):
        text = template.render(Context({"when": WINTER, "call": call}))
    assert text == "1 December 2026, 22:31 (Eastern Standard Time)"
