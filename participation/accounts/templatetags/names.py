"""Names shown to others, isolated from the text around them (issue: bidi controls in names).

``{% load names %}`` then ``{{ person.public_name|bdi }}`` in HTML (pages, admin, PDFs) and
``{{ person.public_name|isolate }}`` in plain-text emails."""

from django import template
from django.utils.html import format_html

from participation.text import isolate_text, strip_bidi_controls

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
