"""The signed-in reviewer's workspace: their assignments grouped by phase."""

from __future__ import annotations

from dataclasses import dataclass

from participation.organisations.models import Membership

from .. import labels
from ..models import Assignment, ConflictDeclaration, Phase, ReviewItem, Waiver


@dataclass
class WorkspaceRow:
    assignment: Assignment
    declared: str | None  # None: not asked yet; "none": no conflict
    conflicted: bool

    @property
    def item(self):
        return self.assignment.item

    @property
    def review(self):
        return getattr(self.assignment, "review", None)

    @property
    def done(self) -> bool:
        return bool(self.review and self.review.is_submitted)


@dataclass
class WorkspacePhase:
    phase: Phase
    rows: list[WorkspaceRow]

    @property
    def total(self) -> int:
        return sum(1 for row in self.rows if not row.conflicted)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.done and not row.conflicted)


def workspace(user) -> list[WorkspacePhase]:
    """The signed-in reviewer's assignments grouped by phase, in a constant number of queries."""
    assignments = list(
        Assignment.objects.filter(reviewer__user=user, reviewer__active=True, active=True)
        .select_related("item", "phase", "phase__process", "reviewer", "review")
        .order_by("phase__process__name", "phase__process_id", "phase__position", "item__number")
    )
    reviewer_ids = {a.reviewer_id for a in assignments}
    item_ids = {a.item_id for a in assignments}
    declared = dict(
        ((item_id, reviewer_id), kind)
        for item_id, reviewer_id, kind in ConflictDeclaration.objects.filter(
            reviewer_id__in=reviewer_ids
        ).values_list("item_id", "reviewer_id", "kind")
    )
    waived = set(
        Waiver.objects.filter(reviewer_id__in=reviewer_ids).values_list("item_id", "reviewer_id")
    )
    organisations = set(
        Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    )
    named = set(
        ReviewItem.people.through.objects.filter(
            user_id=user.pk, reviewitem_id__in=item_ids
        ).values_list("reviewitem_id", flat=True)
    )
    labels.share_processes(a.phase for a in assignments)
    groups: dict[int, WorkspacePhase] = {}
    for a in assignments:
        pair = (a.item_id, a.reviewer_id)
        kind = declared.get(pair)
        automatic = (
            a.item.organisation_id in organisations
            or a.item.submitter_id == user.pk
            or a.item_id in named
        )
        conflicted = pair not in waived and (automatic or (kind is not None and kind != "none"))
        a.item.process = a.phase.process  # shared instance, no query per row for labels
        groups.setdefault(a.phase_id, WorkspacePhase(a.phase, [])).rows.append(
            WorkspaceRow(a, kind, conflicted)
        )
    return list(groups.values())
