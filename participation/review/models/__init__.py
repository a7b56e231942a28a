"""The review and selection engine's data. Thin models: the rules live in ``services``.

One :class:`ReviewProcess` per expert call or award category; its :class:`Phase` list (eligibility
screening, scoring, shortlist, final) is walked in order, the items kept in one phase being the
items of the next. Plugins feed :class:`ReviewItem` rows through ``services.sync_item``.
"""

from .items import Assignment, ConflictDeclaration, ItemStatus, Review, Reviewer, ReviewItem, Waiver
from .process import Criterion, Phase, ReviewProcess
from .selection import Quota, SelectionRun

__all__ = [
    "Assignment",
    "ConflictDeclaration",
    "Criterion",
    "ItemStatus",
    "Phase",
    "Quota",
    "Review",
    "ReviewItem",
    "ReviewProcess",
    "Reviewer",
    "SelectionRun",
    "Waiver",
]
