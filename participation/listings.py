"""Wagtail admin listings: names and identifiers isolated in their cells.

A listing cell shows whatever the model holds: an Arabic organisation name before a Latin
country, or a receipt number in an Arabic admin, reordered the row ("-AWD-2026 / 5JMB-SKBU").
Index views list the columns to isolate; the cells render ``<bdi>`` (a name, its own direction)
or ``<bdi dir="ltr">`` (an identifier, left to right), as templates do with ``|bdi``/``|ltr``.
"""

from django.utils.functional import cached_property
from django.utils.html import format_html

from participation.text import ltr_html, strip_bidi_controls


def bdi_html(value):
    text = strip_bidi_controls(str(value if value is not None else ""))
    return format_html("<bdi>{}</bdi>", text) if text else value


def _wrap(column, render):
    original = column.get_value

    def get_value(instance):
        value = original(instance)
        return value if value in (None, "") else render(value)

    column.get_value = get_value


class IsolatedColumnsMixin:
    """For a Wagtail ``IndexView``: ``name_columns`` (names people typed) and ``ltr_columns``
    (identifiers) by column name, i.e. by their ``list_display`` entry."""

    name_columns: tuple[str, ...] = ()
    ltr_columns: tuple[str, ...] = ()

    @cached_property
    def columns(self):
        columns = super().columns
        for column in columns:
            name = getattr(column, "name", None)
            if name in self.ltr_columns:
                _wrap(column, ltr_html)
            elif name in self.name_columns:
                _wrap(column, bdi_html)
        return columns
