"""Participation figures per theme, gathered from every plugin for the monitoring board.

A plugin registers a function with the ``register_participation_figures`` hook. It takes a
canonical theme (or ``None`` for the whole action plan) and returns an iterable of
:class:`Figure`; it must use a fixed number of queries whatever the amount of data, as the board
asserts that its query count does not grow.
"""

from dataclasses import dataclass

from wagtail import hooks

PARTICIPATION_FIGURES_HOOK = "register_participation_figures"


@dataclass(frozen=True)
class Figure:
    key: str  # stable, used as a column name in open data: "consultations.responses"
    label: str  # in the reader's language
    value: int | float
    group: str = ""  # heading the board shows it under, e.g. "Consultations"


def participation_figures(theme=None) -> list[Figure]:
    figures: list[Figure] = []
    for fn in hooks.get_hooks(PARTICIPATION_FIGURES_HOOK):
        figures.extend(fn(theme) or ())
    return figures
