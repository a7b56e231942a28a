"""Participation figures per theme, gathered from every plugin for the monitoring board.

A plugin registers a function with the ``register_participation_figures`` hook. It takes a
canonical theme (or ``None`` for the whole action plan) and returns an iterable of
:class:`Figure`; it must use a fixed number of queries whatever the amount of data, as the board
asserts that its query count does not grow.

A plugin whose figures change only with its own rows marks its function with
:func:`versioned` and calls :func:`bump` in the transaction of every change that alters them:
the board then keeps its figures (per theme and language) until the next change, and reads the
versions of all such plugins in one query instead of running their counts on every request.
A plugin that keeps versions of its own (consultations: one per consultation, bumped by every
answer) caches inside its function and is not marked.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils import translation
from wagtail import hooks

from participation import versions

PARTICIPATION_FIGURES_HOOK = "register_participation_figures"
CACHE_SECONDS = 60 * 60  # a bound on memory; the versions, not the time, keep figures exact


@dataclass(frozen=True)
class Figure:
    key: str  # stable, used as a column name in open data: "consultations.responses"
    label: str  # in the reader's language
    value: int | float
    group: str = ""  # heading the board shows it under, e.g. "Consultations"


def versioned(key: str):
    """Mark a figures function as kept until ``bump(key)``; ``key`` is the plugin's label."""

    def mark(fn):
        fn.figures_version_key = key
        return fn

    return mark


def bump(key: str, **_kwargs) -> None:
    """In the transaction of a change: the figures of plugin ``key`` are to be counted again."""
    from .models import FiguresVersion

    versions.bump(FiguresVersion, key)


def _cache_keys(functions, theme) -> dict:
    from .models import FiguresVersion

    numbers = dict(FiguresVersion.objects.values_list("key", "version"))  # one query
    scope = f"{theme.pk if theme is not None else 'all'}:{translation.get_language() or ''}"
    return {
        fn: f"themes:figures:{fn.__module__}.{fn.__qualname__}:{scope}:"
        f"{numbers.get(fn.figures_version_key, 0)}"
        for fn in functions
    }


def participation_figures(theme=None) -> list[Figure]:
    functions = hooks.get_hooks(PARTICIPATION_FIGURES_HOOK)
    keys = _cache_keys([fn for fn in functions if hasattr(fn, "figures_version_key")], theme)
    kept = cache.get_many(keys.values()) if keys else {}
    counted = {}
    figures: list[Figure] = []
    for fn in functions:
        key = keys.get(fn)
        if key in kept:
            figures.extend(kept[key])
            continue
        found = [*(fn(theme) or ())]
        if key is not None:
            counted[key] = found
        figures.extend(found)
    if counted:
        cache.set_many(counted, CACHE_SECONDS)
    return figures
