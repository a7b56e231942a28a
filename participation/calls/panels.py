"""The call window's time zone in the Wagtail page editor: a text box with suggestions.

A <select> of every zone (about 600 options, 35 KB) was the heaviest field of a call's editor,
and Wagtail sends each field twice (the form, and its JSON copy for the client side). The zone
is typed as its IANA name instead, with the likely ones (Europe's, and the current value) as
the browser's suggestions; the form still accepts every zone the model's choices hold, and
says clearly when a name is none.

    FieldRowPanel([TimeZonePanel(), FieldPanel("grace_minutes")])
"""

import zoneinfo
from functools import lru_cache

from django import forms
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

# European zones whose names do not start with "Europe/": EU and EEA islands.
ATLANTIC_EUROPE = (
    "Atlantic/Azores",
    "Atlantic/Canary",
    "Atlantic/Faroe",
    "Atlantic/Madeira",
    "Atlantic/Reykjavik",
)
INVALID_ZONE = _(
    "This is not the name of a time zone. Type it as Region/City, for example "
    "Europe/Brussels, or choose one of the suggestions."
)


@lru_cache(maxsize=1)
def likely_time_zones() -> tuple[str, ...]:
    """The zones suggested: Europe's, UTC and the site's own, as the system names them."""
    known = zoneinfo.available_timezones()
    likely = {name for name in known if name.startswith("Europe/")}
    likely.update(ATLANTIC_EUROPE, ("UTC", settings.TIME_ZONE))
    return tuple(sorted(likely & known))


class TimeZoneInput(forms.TextInput):
    """An IANA time zone name typed, with ``likely_time_zones()`` and the current value as
    suggestions (a <datalist> the browser filters as one types). Left to right in every
    language, as the names are written; spaces around a name are dropped."""

    def __init__(self, attrs=None):
        defaults = {"autocomplete": "off", "spellcheck": "false", "dir": "ltr", "maxlength": "64"}
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field_id = context["widget"]["attrs"].get("id")
        if field_id:
            context["widget"]["attrs"]["list"] = f"{field_id}-zones"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        html = self._render(self.template_name, context, renderer)
        list_id = context["widget"]["attrs"].get("list")
        if not list_id:
            return html
        zones = likely_time_zones()
        if value and str(value) not in zones:
            zones = (str(value), *zones)
        options = format_html_join("", '<option value="{}">', ((zone,) for zone in zones))
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.strip() if isinstance(value, str) else value


class TimeZonePanel(FieldPanel):
    """The call's ``time_zone`` with ``TimeZoneInput`` and, for a name that is no zone, a
    message that says what to type (instead of "Select a valid choice"). Required on every
    save, drafts too: a text box can be emptied, a select could not, and a draft without a
    zone could not show its dates."""

    def __init__(self, field_name="time_zone", **kwargs):
        kwargs.setdefault("widget", TimeZoneInput())
        kwargs.setdefault("required_on_save", True)
        super().__init__(field_name, **kwargs)

    def get_form_options(self):
        options = super().get_form_options()
        if options:  # nothing for a read-only panel
            options["error_messages"] = {self.field_name: {"invalid_choice": INVALID_ZONE}}
        return options
