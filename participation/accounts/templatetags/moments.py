"""``{% load moments %}`` then ``{{ response.submitted_at|moment:page }}``: a moment in a call's
time zone, in the reader's language, the zone named (``participation.dates.format_moment``)."""

from django import template

from participation.dates import format_moment

register = template.Library()


@register.filter
def moment(value, where=None):
    """``where``: the call (its ``time_zone``) or a zone name."""
    return format_moment(value, where)
