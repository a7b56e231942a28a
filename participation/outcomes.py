"""Outcomes ("you said, we did") that one plugin offers and another tracks, through the core.

A plugin whose pages record what was decided registers, with the
``register_participation_outcomes`` hook, a function returning an :class:`OutcomeSource`
(consultations does, for its outcome items). Monitoring tracks such outcomes as commitments
through :func:`outcome_source` only, so neither plugin imports the other and either can be left
out of ``INSTALLED_APPS``; with no source registered, commitments simply stand alone.

One source at a time: a commitment keeps the outcome's id (an integer), not a foreign key into
the other plugin. Every method runs a fixed number of queries whatever the amount of data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _
from wagtail import hooks

OUTCOMES_HOOK = "register_participation_outcomes"


@dataclass(frozen=True)
class Outcome:
    """One outcome as a tracker sees it: plain data, nothing of the plugin's models."""

    pk: int
    title: str
    text: str  # plain text, no markup
    page_id: int  # the page it belongs to (the original of a translated page)
    theme_ids: list[int] = field(default_factory=list)


class OutcomeSource:
    """What a plugin implements to offer its outcomes. ``pages`` arguments are querysets of
    pages (or of their ids)."""

    def offered(self):
        """A queryset of outcomes to choose from, each with ``pk``, ``title`` and
        ``page.title`` (originals only: a translation's outcomes are copies), ordered."""
        raise NotImplementedError

    def get(self, pk) -> Outcome | None:
        """The outcome ``pk``, or None when it is gone."""
        raise NotImplementedError

    def on_pages(self, pages):
        """A queryset of the ids of the outcomes that belong to ``pages``."""
        raise NotImplementedError

    def may_follow(self, user, page_id) -> bool:
        """Whether ``user`` took part in ``page_id`` (a commitment's followers must have)."""
        raise NotImplementedError

    def behind(self, pk, page) -> dict | None:
        """What lies behind the outcome on a live ``page``: ``questions`` (labels), ``answers``
        (a count) and ``published_receipts``; None when it is gone."""
        raise NotImplementedError


def outcome_source() -> OutcomeSource | None:
    """The registered source of outcomes, or None when no plugin offers any."""
    for fn in hooks.get_hooks(OUTCOMES_HOOK):
        source = fn()
        if source is not None:
            return source
    return None


class OutcomeSelect(forms.Select):
    """Chooses an outcome of the registered source by its id; the choices are read when the form
    is shown (one query), the current one kept even when it is no longer offered."""

    def get_context(self, name, value, attrs):
        source = outcome_source()
        offered = source.offered() if source is not None else ()
        choices = [("", "---------")]
        choices += [(str(o.pk), f"{o.page.title}: {o.title}") for o in offered]
        if value not in (None, "") and str(value) not in {c[0] for c in choices}:
            choices.append((str(value), _("Outcome %(id)s") % {"id": value}))
        self.choices = choices
        return super().get_context(name, value, attrs)
