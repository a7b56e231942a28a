"""Conflicts of interest: declared, automatic (organisation, person) and waived."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.audit.services import record
from participation.organisations.models import Membership

from ..models import Assignment, ConflictDeclaration, Reviewer, ReviewItem, ReviewProcess, Waiver
from .errors import ConflictOfInterest, ReviewError

AUTOMATIC_ORGANISATION = "organisation"
AUTOMATIC_PERSON = "person"


def automatic_reason_label(reason: str) -> str:
    if reason == AUTOMATIC_ORGANISATION:
        return _("Member of the organisation it comes from")
    return _("Submitted it or is named in it")


@dataclass
class ConflictMap:
    """Conflicts of a process: ``blocked`` pairs (item id, reviewer id) bar the reviewer."""

    declared: dict[tuple[int, int], ConflictDeclaration] = field(default_factory=dict)
    automatic: dict[tuple[int, int], str] = field(default_factory=dict)
    waived: dict[tuple[int, int], Waiver] = field(default_factory=dict)

    @property
    def blocked(self) -> set[tuple[int, int]]:
        conflicted = {pair for pair, d in self.declared.items() if d.has_conflict}
        return (conflicted | set(self.automatic)) - set(self.waived)

    def is_blocked(self, item_id: int, reviewer_id: int) -> bool:
        pair = (item_id, reviewer_id)
        if pair in self.waived:
            return False
        declaration = self.declared.get(pair)
        return pair in self.automatic or bool(declaration and declaration.has_conflict)


def conflict_map(process: ReviewProcess, *, reviewer_ids=None, item_ids=None) -> ConflictMap:
    """All declared, automatic and waived conflicts of a process in a fixed number of queries."""
    declarations = ConflictDeclaration.objects.filter(item__process=process)
    waivers = Waiver.objects.filter(item__process=process)
    reviewers = Reviewer.objects.filter(process=process, user__isnull=False)
    items = ReviewItem.objects.filter(process=process)
    if reviewer_ids is not None:
        declarations = declarations.filter(reviewer_id__in=reviewer_ids)
        waivers = waivers.filter(reviewer_id__in=reviewer_ids)
        reviewers = reviewers.filter(pk__in=reviewer_ids)
    if item_ids is not None:
        declarations = declarations.filter(item_id__in=item_ids)
        waivers = waivers.filter(item_id__in=item_ids)
        items = items.filter(pk__in=item_ids)
    result = ConflictMap(
        declared={(d.item_id, d.reviewer_id): d for d in declarations},
        waived={(w.item_id, w.reviewer_id): w for w in waivers.select_related("granted_by")},
    )
    user_to_reviewers: dict[int, list[int]] = defaultdict(list)
    for reviewer_id, user_id in reviewers.values_list("pk", "user_id"):
        user_to_reviewers[user_id].append(reviewer_id)
    if not user_to_reviewers:
        return result
    item_rows = list(items.values_list("pk", "organisation_id", "submitter_id"))
    by_organisation: dict[int, list[int]] = defaultdict(list)
    for item_id, organisation_id, submitter_id in item_rows:
        if organisation_id:
            by_organisation[organisation_id].append(item_id)
        for reviewer_id in user_to_reviewers.get(submitter_id, ()):
            result.automatic[(item_id, reviewer_id)] = AUTOMATIC_PERSON
    people = ReviewItem.people.through.objects.filter(
        reviewitem_id__in=[row[0] for row in item_rows], user_id__in=list(user_to_reviewers)
    ).values_list("reviewitem_id", "user_id")
    for item_id, user_id in people:
        for reviewer_id in user_to_reviewers[user_id]:
            result.automatic[(item_id, reviewer_id)] = AUTOMATIC_PERSON
    memberships = Membership.objects.filter(
        user_id__in=list(user_to_reviewers), organisation_id__in=list(by_organisation)
    ).values_list("user_id", "organisation_id")
    for user_id, organisation_id in memberships:
        for item_id in by_organisation[organisation_id]:
            for reviewer_id in user_to_reviewers[user_id]:
                result.automatic.setdefault((item_id, reviewer_id), AUTOMATIC_ORGANISATION)
    return result


def pair_conflict(item: ReviewItem, reviewer: Reviewer) -> ConflictMap:
    return conflict_map(item.process, reviewer_ids=[reviewer.pk], item_ids=[item.pk])


def _assignment_for(item, reviewer, phase=None):
    assignments = Assignment.objects.filter(item=item, reviewer=reviewer)
    if phase is not None:
        assignments = assignments.filter(phase=phase)
    return assignments


@transaction.atomic
def declare_conflict(
    item: ReviewItem, reviewer: Reviewer, kind: str, details: str = "", actor=None
) -> ConflictDeclaration:
    """The reviewer's answer, asked before they see the item. A declared conflict bars them from
    the item (their assignment is withdrawn so the item can be reassigned); only an editor's
    waiver lifts it. “No conflict” may later become a conflict, never the other way round."""
    details = (details or "").strip()
    if kind not in ConflictDeclaration.Kind.values:
        raise ReviewError(_("Choose one of the answers."))
    if kind == ConflictDeclaration.Kind.OTHER and not details:
        raise ReviewError(_("Say in a few words what the conflict is."))
    declaration = (
        ConflictDeclaration.objects.select_for_update().filter(item=item, reviewer=reviewer).first()
    )
    if declaration and declaration.has_conflict and kind == ConflictDeclaration.Kind.NONE:
        raise ConflictOfInterest(
            _(
                "You have declared a conflict of interest with this item. "
                "Only an editor can lift it."
            )
        )
    if declaration and declaration.kind == kind and declaration.details == details:
        return declaration
    if declaration is None:
        declaration = ConflictDeclaration(item=item, reviewer=reviewer)
    before = declaration.kind or None
    declaration.kind, declaration.details = kind, details
    declaration.save()
    record(
        item.process,
        actor,
        "conflict.declared",
        item=item.number,
        reviewer=reviewer.pk,
        name=reviewer.name,
        kind=kind,
        details=details,
        before=before,
    )
    if (
        declaration.has_conflict
        and not Waiver.objects.filter(item=item, reviewer=reviewer).exists()
    ):
        _assignment_for(item, reviewer).filter(active=True).update(
            active=False, removed_at=timezone.now()
        )
    return declaration


@transaction.atomic
def grant_waiver(item: ReviewItem, reviewer: Reviewer, reason: str, actor) -> Waiver:
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Give the reason for the waiver; it is kept in the audit trail."))
    if Waiver.objects.filter(item=item, reviewer=reviewer).exists():
        raise ReviewError(_("A waiver for this reviewer and item exists already."))
    waiver = Waiver.objects.create(item=item, reviewer=reviewer, reason=reason, granted_by=actor)
    record(
        item.process,
        actor,
        "conflict.waived",
        item=item.number,
        reviewer=reviewer.pk,
        name=reviewer.name,
        reason=reason,
    )
    return waiver


@transaction.atomic
def revoke_waiver(waiver: Waiver, actor) -> None:
    item, reviewer = waiver.item, waiver.reviewer
    waiver.delete()
    record(
        item.process,
        actor,
        "conflict.waiver_revoked",
        item=item.number,
        reviewer=reviewer.pk,
        name=reviewer.name,
    )
    if pair_conflict(item, reviewer).is_blocked(item.pk, reviewer.pk):
        _assignment_for(item, reviewer).filter(active=True).update(
            active=False, removed_at=timezone.now()
        )
