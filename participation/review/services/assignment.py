"""Who reviews what: the automatic assignment (HiGHS) and editors' manual pairs."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.audit.services import record

from .. import algorithms, reasons
from ..models import Assignment, Phase, Review, Reviewer, ReviewItem
from .conflicts import conflict_map, pair_conflict
from .errors import ReviewError
from .items import _submitted, phase_items


@dataclass
class AssignmentOutcome:
    mode: str  # "full" or "top_up"
    created: int
    loads: dict[str, int]
    expertise_matches: int
    connected: bool
    untouched: int = 0


def _pure_item(item: ReviewItem) -> algorithms.Item:
    return algorithms.Item(id=item.label, tags=item.match_tags())


def _reviewer_key(reviewer: Reviewer) -> str:
    return f"{reviewer.name} [{reviewer.pk}]"


def _reviewer_name(reviewer_by_key):
    """The algorithm's reviewer ids ("Name [pk]") as the names editors know."""
    return lambda key: reviewer_by_key[key].name if key in reviewer_by_key else str(key)


@transaction.atomic
def assign_reviewers(phase: Phase, actor=None, *, seed: int = 0) -> AssignmentOutcome:
    """Assign ``k`` reviewers to every item of the phase: balanced loads, no conflicts,
    expertise preferred (HiGHS via ``algorithms.assign``).

    Before any review is started, automatic assignments are recomputed from scratch (editors'
    manual pairs are kept, pairs they removed are never re-added). Once reviewing has begun,
    only the gaps are filled: items short of ``k`` counted reviews (a reviewer removed, a conflict
    declared, an item added late) get new reviewers, the new work spread evenly.
    """
    phase = Phase.objects.select_for_update().select_related("process").get(pk=phase.pk)
    process = phase.process
    items = list(phase_items(phase).select_related("process"))
    reviewers = list(
        process.reviewers.filter(active=True, user__isnull=False).select_related("user")
    )
    if not reviewers:
        raise ReviewError(_("There are no reviewers in this process yet. Add reviewers first."))
    if not items:
        raise ReviewError(_("There are no items to review in this phase."))
    conflicts = conflict_map(process)
    existing = list(phase.assignments.select_related("review"))
    started = Review.objects.filter(assignment__phase=phase).exists()
    item_by_label = {item.label: item for item in items}
    reviewer_by_key = {_reviewer_key(r): r for r in reviewers}
    label_of = {item.pk: item.label for item in items}
    key_of = {r.pk: _reviewer_key(r) for r in reviewers}
    blocked = [
        (label_of[i], key_of[r]) for i, r in conflicts.blocked if i in label_of and r in key_of
    ]
    forbidden = [
        (label_of[a.item_id], key_of[a.reviewer_id])
        for a in existing
        if a.item_id in label_of and a.reviewer_id in key_of and (started or not a.active)
    ]
    if not started:
        mode = "full"
        fixed = [
            (label_of[a.item_id], key_of[a.reviewer_id])
            for a in existing
            if a.active
            and a.source == Assignment.Source.MANUAL
            and a.item_id in label_of
            and a.reviewer_id in key_of
        ]
        phase.assignments.filter(active=True, source=Assignment.Source.AUTO).delete()
        groups = {phase.k: items}
        fixed_pairs = set(fixed)
    else:
        mode = "top_up"
        fixed_pairs = set()
        counted = Counter()
        for a in existing:
            if a.active or (_submitted(a) and not conflicts.is_blocked(a.item_id, a.reviewer_id)):
                counted[a.item_id] += 1
        groups = defaultdict(list)
        for item in items:
            missing = phase.k - counted[item.pk]
            if missing > 0:
                groups[missing].append(item)
    pure_reviewers = [algorithms.Reviewer(id=key_of[r.pk], tags=r.match_tags()) for r in reviewers]
    created, matches, connected, loads = 0, 0, True, Counter()
    for k, group in sorted(groups.items()):
        pure_items = [_pure_item(item) for item in group]
        group_labels = {item.label for item in group}
        try:
            result = algorithms.assign(
                pure_items,
                pure_reviewers,
                k,
                conflicts=blocked,
                fixed=[pair for pair in fixed_pairs if pair[0] in group_labels],
                forbidden=[pair for pair in forbidden if pair[0] in group_labels],
                seed=seed,
                require_connected=(mode == "full"),
            )
        except algorithms.AssignmentInfeasible as error:
            message = _("No assignment meets the rules: %(reason)s.") % {
                "reason": reasons.assignment_reason(error, _reviewer_name(reviewer_by_key))
            }
            transaction.set_rollback(True)
            raise ReviewError(message) from None
        new_rows = []
        for item_label, reviewer_key in result.pairs:
            if (item_label, reviewer_key) in fixed_pairs:
                continue
            new_rows.append(
                Assignment(
                    phase=phase,
                    item=item_by_label[item_label],
                    reviewer=reviewer_by_key[reviewer_key],
                    source=Assignment.Source.AUTO,
                    created_by=actor,
                )
            )
        Assignment.objects.bulk_create(new_rows)
        created += len(new_rows)
        matches += result.expertise_matches
        connected = connected and result.connected
        for reviewer_key, load in result.loads.items():
            loads[reviewer_key] += load
    outcome = AssignmentOutcome(
        mode=mode,
        created=created,
        loads={reviewer_by_key[key].name: load for key, load in loads.items()},
        expertise_matches=matches,
        connected=connected,
        untouched=len(items) - sum(len(g) for g in groups.values()),
    )
    record(
        process,
        actor,
        "assignment.run",
        phase=phase.pk,
        phase_name=phase.label,
        mode=mode,
        created=created,
        seed=seed,
        expertise_matches=matches,
        connected=connected,
        loads={reviewer_by_key[key].name: load for key, load in loads.items()},
    )
    return outcome


@transaction.atomic
def add_assignment(phase: Phase, item: ReviewItem, reviewer: Reviewer, actor) -> Assignment:
    """An editor's manual pair. Refused on a conflict without a waiver."""
    if item.process_id != phase.process_id or reviewer.process_id != phase.process_id:
        raise ReviewError(_("That item or reviewer belongs to another process."))
    if not reviewer.active or reviewer.user_id is None:
        raise ReviewError(_("%(name)s is no longer a reviewer.") % {"name": reviewer.name})
    if item.phase_id != phase.pk or not item.is_running:
        raise ReviewError(_("%(item)s is not in this phase.") % {"item": item.label})
    if pair_conflict(item, reviewer).is_blocked(item.pk, reviewer.pk):
        raise ReviewError(
            _(
                "%(name)s has a conflict of interest with %(item)s. Grant a waiver first if "
                "the conflict does not matter."
            )
            % {"name": reviewer.name, "item": item.label}
        )
    assignment = Assignment.objects.filter(phase=phase, item=item, reviewer=reviewer).first()
    if assignment is not None and assignment.active:
        raise ReviewError(
            _("%(name)s already reviews %(item)s.") % {"name": reviewer.name, "item": item.label}
        )
    if assignment is None:
        assignment = Assignment(phase=phase, item=item, reviewer=reviewer)
    assignment.source, assignment.active, assignment.removed_at = (
        Assignment.Source.MANUAL,
        True,
        None,
    )
    assignment.created_by = actor
    assignment.save()
    record(
        phase.process,
        actor,
        "assignment.added",
        phase=phase.pk,
        item=item.number,
        reviewer=reviewer.pk,
        name=reviewer.name,
    )
    return assignment


@transaction.atomic
def remove_assignment(assignment: Assignment, actor) -> Assignment:
    """Take an item away from a reviewer. A review they submitted is kept and still counts."""
    if not assignment.active:
        raise ReviewError(_("This assignment was already removed."))
    assignment.active, assignment.removed_at = False, timezone.now()
    assignment.save(update_fields=["active", "removed_at"])
    record(
        assignment.phase.process,
        actor,
        "assignment.removed",
        phase=assignment.phase_id,
        item=assignment.item.number,
        reviewer=assignment.reviewer_id,
        name=assignment.reviewer.name,
        review_submitted=_submitted(assignment),
    )
    return assignment
