"""Names shown to others, isolated from the text around them (issue: bidi controls in names).

``{% load names %}`` then ``{{ person.public_name|bdi }}`` in HTML (pages, admin, PDFs) and
``{{ person.public_name|isolate }}`` in plain-text emails; identifiers (receipt numbers, email
addresses, URLs) with ``|ltr`` in HTML and ``|isolate_ltr`` in plain text."""

from django import template
from django.utils.html import format_html

from participation.text import isolate_ltr_text, isolate_text, ltr_html, strip_bidi_controls

register = template.Library()


@register.filter
def bdi(value):
    """``<bdi>`` around the escaped name: its direction is its own, and leftover controls from
    before names were cleaned on input are dropped."""
    text = strip_bidi_controls(str(value if value is not None else ""))
    return format_html("<bdi>{}</bdi>", text) if text else ""


@register.filter
def isolate(value):
    return isolate_text(value)


@register.simple_tag
def site_name():
    """The site's name, for emails written in background tasks (no request)."""
    from participation.emails import site_name as name

    return name()


@register.simple_tag
def site_url():
    from participation.emails import site_url as url

    return url()


@register.filter
def ltr(value):
    """An identifier (receipt number, email address, URL, number with a unit) kept in one piece,
    left to right, wherever it stands: ``<bdi dir="ltr">``. In an Arabic sentence
    "C-AWD-2026-5JMB" stays as typed instead of breaking at its hyphens."""
    return ltr_html(value)


@register.filter
def isolate_ltr(value):
    """For plain-text emails: LRI identifier PDI (see ``ltr``)."""
    return isolate_ltr_text(value)
