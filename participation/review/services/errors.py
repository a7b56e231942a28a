"""The refusals of the review engine: the message is meant for the person who asked."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Review


class ReviewError(Exception):
    """A refused change; the message is meant for the person who asked."""


class NotAssigned(ReviewError):
    """The item does not exist for this person (not a reviewer, not assigned): a 404."""


class ConflictOfInterest(ReviewError):
    """The reviewer has a conflict with the item: a 403, whatever the URL."""


class PhaseClosed(ReviewError):
    pass


class ReviewEditConflict(ReviewError):
    """The review was saved elsewhere (another tab) since this form was loaded."""

    def __init__(self, current: Review):
        self.current = current
        super().__init__(
            _(
                "This review was saved in another window or tab while you were editing it. "
                "Nothing has been overwritten: what you typed is kept in the form below, and "
                "what is stored now is shown beside it. Compare them, then save again."
            )
        )


class ScoreError(ReviewError):
    """Scores refused by the scale or the criteria; ``errors`` maps criterion keys to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(errors.values()))
