"""The review engine's rules: every change goes through these functions; views and tests call them.

Sections: items (from plugins), reviewers, conflicts of interest and waivers, assignment, the
reviewer's access and the item view (blind mode is enforced here and nowhere else), reviews,
results (aggregation, bootstrap), phases (shortlists), selection under quotas.

Everything that matters is written to the audit trail with the process as its target, so one
query reads a process's whole history (``participation.audit.services.history(process)``).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participation.audit.services import record
from participation.organisations.models import Membership

from . import algorithms, labels, reasons
from .interface import ReviewField, adapter_for, optional
from .models import (
    Assignment,
    ConflictDeclaration,
    ItemStatus,
    Phase,
    Quota,
    Review,
    Reviewer,
    ReviewItem,
    ReviewProcess,
    SelectionRun,
    Waiver,
)


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


# --- items -------------------------------------------------------------------------------------


def first_phase(process: ReviewProcess) -> Phase | None:
    return process.phases.order_by("position", "opens_at", "pk").first()


def next_phase(phase: Phase) -> Phase | None:
    phases = list(phase.process.phases.order_by("position", "opens_at", "pk"))
    index = [p.pk for p in phases].index(phase.pk)
    return phases[index + 1] if index + 1 < len(phases) else None


def _people(adapter) -> list:
    people = []
    for person in adapter.review_people() or ():
        if person is not None and getattr(person, "pk", None) and person not in people:
            people.append(person)
    return people


@transaction.atomic
def sync_item(process: ReviewProcess, subject, actor=None) -> ReviewItem:
    """Create or refresh the review item of a plugin object (idempotent; numbers never change)."""
    adapter = adapter_for(subject)
    content_type = ContentType.objects.get_for_model(subject)
    people = _people(adapter)
    submitter = optional(adapter, "review_submitter", None) or (people[0] if people else None)
    values = {
        "title": str(adapter.review_title() or "")[:255],
        "organisation": adapter.review_organisation(),
        "submitter": submitter,
        "tags": sorted({str(tag) for tag in adapter.review_tags() or ()}),
        "languages": sorted({str(code) for code in optional(adapter, "review_languages", [])}),
    }
    ReviewProcess.objects.select_for_update().filter(pk=process.pk).first()  # numbering lock
    item = ReviewItem.objects.filter(
        process=process, subject_content_type=content_type, subject_object_id=str(subject.pk)
    ).first()
    if item is None:
        number = (process.items.aggregate(top=Max("number"))["top"] or 0) + 1
        item = ReviewItem.objects.create(
            process=process,
            number=number,
            subject_content_type=content_type,
            subject_object_id=str(subject.pk),
            phase=first_phase(process),
            **values,
        )
        record(process, actor, "item.added", item=item.number)
    else:
        changed = [name for name, value in values.items() if getattr(item, name) != value]
        if changed:
            for name, value in values.items():
                setattr(item, name, value)
            item.save()
            record(process, actor, "item.updated", item=item.number, fields=changed)
    item.people.set(people)
    return item


def import_items(process: ReviewProcess, actor=None) -> int:
    """Take in every object the process's owner offers (``owner.review_subjects(process)``)."""
    owner = process.owner
    subjects = getattr(owner, "review_subjects", None)
    if not callable(subjects):
        raise ReviewError(_("This process has no source of items to import from."))
    count = 0
    for subject in subjects(process):
        sync_item(process, subject, actor)
        count += 1
    return count


@transaction.atomic
def set_item_status(item: ReviewItem, status: str, actor=None, **data) -> ReviewItem:
    if status not in ItemStatus.values:
        raise ReviewError(_("Unknown status."))
    before = item.status
    item.status = status
    if status != ItemStatus.RESERVE:
        item.reserve_rank = None
    item.save(update_fields=["status", "reserve_rank", "updated_at"])
    record(
        item.process, actor, "item.status", item=item.number, before=before, after=status, **data
    )
    return item


def phase_items(phase: Phase):
    """Items being reviewed in ``phase``: they reached it and are still in the running."""
    return ReviewItem.objects.filter(phase=phase, status__in=ReviewItem.RUNNING).order_by("number")


# --- reviewers ---------------------------------------------------------------------------------


@transaction.atomic
def add_reviewer(
    process, user, actor=None, *, role=Reviewer.Role.MEMBER, expertise=(), languages=None
) -> Reviewer:
    from .visibility import refuse_reviewer_who_sees_special_category

    refuse_reviewer_who_sees_special_category(process, user)
    languages = list(languages) if languages is not None else list(user.languages_spoken or [])
    reviewer = Reviewer.objects.select_for_update().filter(process=process, user=user).first()
    if reviewer is not None and reviewer.active:
        raise ReviewError(
            _("%(name)s is already a reviewer of this process.") % {"name": user.colleague_name}
        )
    if reviewer is None:
        reviewer = Reviewer(process=process, user=user)
    reviewer.role = role
    reviewer.expertise = list(expertise)
    reviewer.languages = languages
    reviewer.active, reviewer.removed_at, reviewer.removed_by = True, None, None
    reviewer.save()
    record(
        process,
        actor,
        "reviewer.added",
        reviewer=reviewer.pk,
        user=user.pk,
        name=user.colleague_name,
        role=role,
    )
    return reviewer


@transaction.atomic
def update_reviewer(reviewer: Reviewer, actor=None, **fields) -> Reviewer:
    changed = {}
    for name in ("role", "expertise", "languages"):
        if name in fields and getattr(reviewer, name) != fields[name]:
            changed[name] = [getattr(reviewer, name), fields[name]]
            setattr(reviewer, name, fields[name])
    if changed:
        reviewer.save()
        record(
            reviewer.process,
            actor,
            "reviewer.changed",
            reviewer=reviewer.pk,
            name=reviewer.name,
            changes=changed,
        )
    return reviewer


@transaction.atomic
def remove_reviewer(reviewer: Reviewer, actor=None) -> dict:
    """Take a reviewer off the process, mid-round if need be. They lose access at once; their
    submitted reviews stay and count; the items they had not finished can be reassigned."""
    reviewer = Reviewer.objects.select_for_update().get(pk=reviewer.pk)
    if not reviewer.active:
        raise ReviewError(_("%(name)s is no longer a reviewer.") % {"name": reviewer.name})
    assignments = list(reviewer.assignments.filter(active=True).select_related("review", "item"))
    submitted = [a for a in assignments if _submitted(a)]
    unfinished = [a for a in assignments if not _submitted(a)]
    now = timezone.now()
    reviewer.assignments.filter(active=True).update(active=False, removed_at=now)
    reviewer.active, reviewer.removed_at, reviewer.removed_by = False, now, actor
    reviewer.save()
    outcome = {
        "kept_submitted": len(submitted),
        "unfinished": sorted({a.item.number for a in unfinished}),
    }
    record(
        reviewer.process,
        actor,
        "reviewer.removed",
        reviewer=reviewer.pk,
        name=reviewer.name,
        **outcome,
    )
    return outcome


def _submitted(assignment: Assignment) -> bool:
    review = getattr(assignment, "review", None)
    return review is not None and review.is_submitted


# --- conflicts of interest ---------------------------------------------------------------------

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


# --- assignment --------------------------------------------------------------------------------


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


# --- a reviewer's access and the item view ----------------------------------------------------


@dataclass
class ItemAccess:
    item: ReviewItem
    reviewer: Reviewer
    assignment: Assignment
    declaration: ConflictDeclaration | None

    @property
    def phase(self) -> Phase:
        return self.assignment.phase

    @property
    def needs_declaration(self) -> bool:
        return self.declaration is None


def reviewer_of(user, process_id) -> Reviewer | None:
    if not user.is_authenticated:
        return None
    return (
        Reviewer.objects.select_related("process", "user")
        .filter(process_id=process_id, user=user, active=True)
        .first()
    )


def access(user, process_id, number, now=None) -> ItemAccess:
    """What ``user`` may do with item ``number`` of a process, or NotAssigned / ConflictOfInterest.

    The assignment used is the one of the open phase if there is one, else the latest phase's.
    """
    now = now or timezone.now()
    reviewer = reviewer_of(user, process_id)
    if reviewer is None:
        raise NotAssigned(_("There is no item here for you."))
    item = (
        ReviewItem.objects.select_related("process", "organisation")
        .filter(process_id=process_id, number=number)
        .first()
    )
    if item is None:
        raise NotAssigned(_("There is no item here for you."))
    conflicts = pair_conflict(item, reviewer)
    if conflicts.is_blocked(item.pk, reviewer.pk):
        raise ConflictOfInterest(
            _(
                "You have a conflict of interest with %(item)s, so you cannot open or score it. "
                "If this is wrong, contact the editors of the process."
            )
            % {"item": item.label}
        )
    assignments = list(
        Assignment.objects.filter(item=item, reviewer=reviewer, active=True)
        .select_related("phase", "phase__process", "review")
        .order_by("-phase__position", "-phase__opens_at")
    )
    if not assignments:
        raise NotAssigned(_("This item is not assigned to you."))
    chosen = next((a for a in assignments if a.phase.is_open(now)), assignments[0])
    return ItemAccess(
        item=item,
        reviewer=reviewer,
        assignment=chosen,
        declaration=conflicts.declared.get((item.pk, reviewer.pk)),
    )


@dataclass
class ItemView:
    """What a reviewer is shown of an item: built only by :func:`item_view`."""

    label: str
    blind: bool
    title: str = ""
    organisation: str = ""
    people: list[str] = field(default_factory=list)
    fields: list[ReviewField] = field(default_factory=list)
    hidden_fields: int = 0
    unavailable: bool = False


REDACTED = "[…]"


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(_as_text(v) for v in value)
    return str(value)


def _identifying_strings(item: ReviewItem) -> list[str]:
    strings = {item.title}
    if item.organisation_id:
        strings.add(item.organisation.name)
    people = list(item.people.all())
    if item.submitter_id:
        people.append(item.submitter)
    for person in people:
        strings.update(
            {person.public_name, person.get_full_name(), person.email, person.email.split("@")[0]}
        )
    return sorted((s for s in strings if s and len(s.strip()) >= 3), key=len, reverse=True)


def _redact(text: str, strings: list[str]) -> str:
    for secret in strings:
        text = re.sub(re.escape(secret.strip()), REDACTED, text, flags=re.IGNORECASE)
    return text


def subjects_of(items) -> dict[int, object]:
    """The plugin objects behind items (one query per content type, plus what the model's
    optional ``review_queryset`` prefetches for its review_* methods); None for an object that
    is gone or whose plugin is no longer installed."""
    by_type: dict[int, list[ReviewItem]] = defaultdict(list)
    for item in items:
        by_type[item.subject_content_type_id].append(item)
    found: dict[int, object] = {}
    for type_id, group in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        objects = {}
        if model is not None:
            ids = [item.subject_object_id for item in group]
            queryset = model._base_manager.filter(pk__in=ids)
            prepare = getattr(model, "review_queryset", None)
            if callable(prepare):
                queryset = prepare(queryset)
            objects = {str(obj.pk): obj for obj in queryset}
        for item in group:
            found[item.pk] = objects.get(item.subject_object_id)
    return found


def item_view(item: ReviewItem) -> ItemView:
    """THE function that builds what a reviewer sees of an item. In blind mode it drops the
    title, organisation, people, the fields the plugin marks identifying and those the process
    lists, and blanks any remaining mention of the organisation's or people's names. Quota
    attributes (``review_attributes``) are never read here."""
    process = item.process
    blind = process.blind
    subject = subjects_of([item])[item.pk]
    if subject is None:
        return ItemView(label=item.label, blind=blind, unavailable=True)
    adapter = adapter_for(subject)
    fields = [
        ReviewField(f.key, f.label, _as_text(f.value), f.identifying)
        for f in adapter.review_fields(blind)
    ]
    if not blind:
        people = [p.public_name for p in _people(adapter)]
        return ItemView(
            label=item.label,
            blind=False,
            title=item.title,
            organisation=item.organisation.name if item.organisation_id else "",
            people=people,
            fields=fields,
        )
    hidden_keys = set(process.identifying_fields)
    shown = [f for f in fields if not f.identifying and f.key not in hidden_keys]
    secrets = _identifying_strings(item)
    shown = [replace(f, value=_redact(f.value, secrets)) for f in shown]
    return ItemView(
        label=item.label, blind=True, fields=shown, hidden_fields=len(fields) - len(shown)
    )


def declaration_view(item: ReviewItem) -> ItemView:
    """What is shown while the conflict question is asked: in blind mode only the neutral
    number; in open mode the names a conflict is about (title, organisation, people), never the
    content."""
    if item.process.blind:
        return ItemView(label=item.label, blind=True)
    people = [p.public_name for p in item.people.all()]
    if item.submitter_id and item.submitter.public_name not in people:
        people.insert(0, item.submitter.public_name)
    return ItemView(
        label=item.label,
        blind=False,
        title=item.title,
        organisation=item.organisation.name if item.organisation_id else "",
        people=people,
    )


def other_reviews(access_: ItemAccess) -> list[Review] | None:
    """Other submitted reviews of the item in this phase, if the phase shows them and the
    reviewer has submitted their own; None when they are not to be shown."""
    phase = access_.phase
    own = getattr(access_.assignment, "review", None)
    if not phase.reviews_visible_to_reviewers or own is None or not own.is_submitted:
        return None
    conflicts = conflict_map(phase.process, item_ids=[access_.item.pk])
    reviews = (
        Review.objects.filter(
            assignment__phase=phase, assignment__item=access_.item, status=Review.Status.SUBMITTED
        )
        .exclude(assignment=access_.assignment)
        .select_related("assignment")
        .order_by("submitted_at", "pk")
    )
    return [
        r
        for r in reviews
        if not conflicts.is_blocked(r.assignment.item_id, r.assignment.reviewer_id)
    ]


# --- reviews -----------------------------------------------------------------------------------


def criteria_of(process: ReviewProcess) -> list:
    return list(process.criteria.all())


def parse_score(value) -> float | int | None:
    """'4' -> 4, '3,5' -> 3.5, '' -> None; ValueError for anything else (NaN included)."""
    if value is None:
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip().replace(",", ".")
        if not text:
            return None
        number = float(text)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return int(number) if number.is_integer() else number


def check_scores(scores: dict, criteria, *, complete: bool) -> dict[str, str]:
    """Messages per criterion key for scores off the scale, unknown or (if ``complete``) missing."""
    errors = {}
    by_key = {c.key: c for c in criteria}
    for key, value in scores.items():
        criterion = by_key.get(key)
        if criterion is None:
            errors[key] = _("There is no criterion “%(key)s”.") % {"key": key}
            continue
        try:
            algorithms.check_score(criterion.as_algorithm(), value)
        except (algorithms.ScoreOutOfScale, TypeError):
            errors[key] = _(
                "The score for “%(name)s” must be between %(min)s and %(max)s; "
                "you entered %(value)s."
            ) % {
                "name": criterion.label,
                "min": criterion.scale_min,
                "max": criterion.scale_max,
                "value": value,
            }
    if complete:
        for criterion in criteria:
            if criterion.counts_in_total and scores.get(criterion.key) is None:
                errors.setdefault(
                    criterion.key,
                    _("Give a score for “%(name)s” to submit, or save a draft.")
                    % {"name": criterion.label},
                )
    return errors


def review_total(review: Review, criteria) -> float | None:
    try:
        return algorithms.weighted_total(review.scores, [c.as_algorithm() for c in criteria])
    except ValueError:
        return None


@transaction.atomic
def save_review(
    assignment: Assignment,
    user,
    *,
    scores: dict,
    comments: str = "",
    eligible: bool | None = None,
    expected_version: int,
    submit: bool = False,
    now=None,
) -> Review:
    """Save a draft or submit. Refused (nothing stored, the caller keeps what was typed) when the
    phase is closed, the reviewer lost access or has a conflict, the scores are off the scale,
    or someone saved the same review since ``expected_version`` (another tab)."""
    now = now or timezone.now()
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("phase__process", "reviewer", "item")
        .get(pk=assignment.pk)
    )
    phase, reviewer, item = assignment.phase, assignment.reviewer, assignment.item
    if not (assignment.active and reviewer.active and reviewer.user_id == user.pk):
        raise NotAssigned(_("This item is no longer assigned to you."))
    if pair_conflict(item, reviewer).is_blocked(item.pk, reviewer.pk):
        raise ConflictOfInterest(
            _("You have a conflict of interest with %(item)s.") % {"item": item.label}
        )
    if not phase.is_open(now):
        when = date_format(timezone.localtime(phase.closes_at), "DATETIME_FORMAT")
        if now < phase.opens_at:
            raise PhaseClosed(_("This phase has not opened yet. Nothing was saved."))
        raise PhaseClosed(
            _(
                "This phase closed on %(when)s, so reviews can no longer be changed. Nothing was "
                "saved; what you typed is still shown below."
            )
            % {"when": when}
        )
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    if review.version != expected_version:
        raise ReviewEditConflict(review)
    scores = {key: value for key, value in scores.items() if value is not None}
    complete = submit or review.is_submitted
    if phase.uses_criteria:
        errors = check_scores(scores, criteria_of(phase.process), complete=complete)
        if errors:
            raise ScoreError(errors)
    else:
        scores = {}
        if complete and eligible is None:
            raise ScoreError(
                {"eligible": _("Say whether it is eligible to submit, or save a draft.")}
            )
    before = {
        "scores": dict(review.scores),
        "eligible": review.eligible,
        "comments": review.comments,
    }
    was_submitted = review.is_submitted
    review.scores, review.eligible, review.comments = scores, eligible, comments or ""
    if submit and not was_submitted:
        review.status, review.submitted_at = Review.Status.SUBMITTED, now
    review.version += 1
    review.save()
    changed_scores = {
        key: [before["scores"].get(key), scores.get(key)]
        for key in sorted(set(before["scores"]) | set(scores))
        if before["scores"].get(key) != scores.get(key)
    }
    common = {
        "phase": phase.pk,
        "item": item.number,
        "reviewer": reviewer.pk,
        "name": reviewer.name,
    }
    if submit and not was_submitted:
        record(phase.process, user, "review.submitted", scores=scores, eligible=eligible, **common)
    elif was_submitted:
        if (
            changed_scores
            or before["eligible"] != eligible
            or before["comments"] != review.comments
        ):
            record(
                phase.process,
                user,
                "review.changed",
                changes=changed_scores,
                eligible=[before["eligible"], eligible],
                comments_changed=before["comments"] != review.comments,
                **common,
            )
    elif changed_scores or before["eligible"] != eligible or before["comments"] != review.comments:
        record(phase.process, user, "review.draft_saved", criteria=sorted(changed_scores), **common)
    return review


# --- workspace ---------------------------------------------------------------------------------


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


# --- results -----------------------------------------------------------------------------------


@dataclass
class ResultRow:
    item: ReviewItem
    aggregate: algorithms.ItemAggregate | None = None
    interval: algorithms.RankInterval | None = None
    eligible_yes: int = 0
    eligible_no: int = 0
    reviews: int = 0


@dataclass
class PhaseResults:
    phase: Phase
    rows: list[ResultRow]
    criteria: list
    aggregation: algorithms.AggregationResult | None = None
    bootstrap: algorithms.BootstrapResult | None = None
    excluded: list[tuple[str, str, str]] = field(default_factory=list)  # item, reviewer, why
    reviewer_names: dict[int, str] = field(default_factory=dict)
    cutoff: int | None = None
    message: str = ""

    def merits(self, basis: str = "normalised") -> dict[int, float]:
        if self.aggregation is None:
            return {}
        attribute = "normalised_mean" if basis == "normalised" else "raw_mean"
        return {a.item: getattr(a, attribute) for a in self.aggregation.items}

    @property
    def flips(self) -> dict[int, algorithms.Flip]:
        return {f.item: f for f in self.aggregation.flips} if self.aggregation else {}


def phase_results(
    phase: Phase, *, cutoff: int | None = None, n_resamples: int = 200, seed: int = 0
) -> PhaseResults:
    """Aggregate the phase's submitted reviews: raw and weighted means, normalised means, both
    rankings, flips at ``cutoff``, disagreement and bootstrap rank intervals. Reviews are read in
    one query; reviews of conflicted pairs and reviews that no longer fit the criteria (edited
    since) are left out and listed in ``excluded``."""
    process = phase.process
    criteria = criteria_of(process)
    pure_criteria = [c.as_algorithm() for c in criteria]
    rows = list(
        Review.objects.filter(assignment__phase=phase, status=Review.Status.SUBMITTED)
        .order_by("assignment__item__number", "assignment__reviewer_id")
        .values_list("assignment__item_id", "assignment__reviewer_id", "scores", "eligible")
    )
    conflicts = conflict_map(process)
    reviewer_names = {
        r.pk: r.name for r in Reviewer.objects.filter(process=process).select_related("user")
    }
    items = {
        item.pk: item
        for item in ReviewItem.objects.filter(
            Q(pk__in={row[0] for row in rows}) | Q(phase=phase, status__in=ReviewItem.RUNNING)
        ).select_related("process")
    }
    excluded = []
    reviews = []
    eligibility = defaultdict(lambda: [0, 0])
    for item_id, reviewer_id, scores, eligible in rows:
        label, name = items[item_id].label, reviewer_names.get(reviewer_id, "?")
        if conflicts.is_blocked(item_id, reviewer_id):
            excluded.append((label, name, _("conflict of interest")))
            continue
        if not phase.uses_criteria:
            eligibility[item_id][0 if eligible else 1] += 1
            continue
        if check_scores(scores, criteria, complete=True):
            excluded.append((label, name, _("does not fit the current criteria")))
            continue
        reviews.append(algorithms.Review(item=item_id, reviewer=reviewer_id, scores=scores))
    result = PhaseResults(
        phase=phase,
        rows=[],
        criteria=criteria,
        excluded=excluded,
        reviewer_names=reviewer_names,
        cutoff=cutoff,
    )
    if not phase.uses_criteria:
        result.rows = [
            ResultRow(
                item=item,
                eligible_yes=eligibility[item.pk][0],
                eligible_no=eligibility[item.pk][1],
                reviews=sum(eligibility[item.pk]),
            )
            for item in sorted(items.values(), key=lambda i: i.number)
        ]
        return result
    if not reviews:
        result.rows = [
            ResultRow(item=item) for item in sorted(items.values(), key=lambda i: i.number)
        ]
        result.message = _("No submitted reviews in this phase yet.")
        return result
    count = Counter(review.item for review in reviews)
    if cutoff is not None:
        cutoff = max(1, min(cutoff, len(count)))
        result.cutoff = cutoff
    aggregation = algorithms.aggregate(
        reviews, pure_criteria, disagreement_threshold=process.disagreement_threshold, cutoff=cutoff
    )
    bootstrap = algorithms.bootstrap_rank_intervals(
        reviews, pure_criteria, cutoff=cutoff, n_resamples=n_resamples, seed=seed
    )
    result.aggregation, result.bootstrap = aggregation, bootstrap
    by_item, intervals = aggregation.by_item(), bootstrap.by_item()
    ranked = sorted(
        items.values(),
        key=lambda i: (
            by_item[i.pk].normalised_rank if i.pk in by_item else len(items) + 1,
            i.number,
        ),
    )
    result.rows = [
        ResultRow(
            item=item,
            aggregate=by_item.get(item.pk),
            interval=intervals.get(item.pk),
            reviews=count[item.pk],
        )
        for item in ranked
    ]
    return result


def results_for_reviewer(phase: Phase, reviewer: Reviewer) -> PhaseResults | None:
    """The phase's results as a reviewer may see them (if the phase shows them): items they have a
    conflict with are withheld, and nothing identifying is added to the neutral labels."""
    if not phase.results_visible_to_reviewers:
        return None
    from .visibility import for_viewer

    results = phase_results(phase, n_resamples=50)
    seen = for_viewer(phase.process, reviewer.pk)
    results.rows = [row for row in results.rows if seen.may_see(row.item)]
    results.excluded = []
    results.reviewer_names = {}
    return results


# --- phases ------------------------------------------------------------------------------------


@transaction.atomic
def advance(phase: Phase, keep_item_ids, actor) -> tuple[list[int], list[int]]:
    """Close the list of a phase: the kept items move on to the next phase, the others are
    screened out (eligibility) or not shortlisted. Returns the item numbers kept and dropped."""
    following = next_phase(phase)
    if following is None:
        raise ReviewError(_("This is the last phase: choose the final list with the selection."))
    keep = {int(pk) for pk in keep_item_ids}
    items = list(phase_items(phase).filter(status=ItemStatus.IN_REVIEW).select_for_update())
    if not items:
        raise ReviewError(_("There are no items left in this phase to move on."))
    kept = [item for item in items if item.pk in keep]
    dropped = [item for item in items if item.pk not in keep]
    out_status = (
        ItemStatus.SCREENED_OUT
        if phase.kind == Phase.Kind.ELIGIBILITY
        else ItemStatus.NOT_SHORTLISTED
    )
    ReviewItem.objects.filter(pk__in=[i.pk for i in kept]).update(phase=following)
    ReviewItem.objects.filter(pk__in=[i.pk for i in dropped]).update(status=out_status)
    numbers = ([i.number for i in kept], [i.number for i in dropped])
    record(
        phase.process,
        actor,
        "phase.advanced",
        phase=phase.pk,
        phase_name=phase.label,
        next_phase=following.pk,
        kept=numbers[0],
        dropped=numbers[1],
        status=out_status,
    )
    return numbers


# --- selection ---------------------------------------------------------------------------------


def _attribute_value(value):
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ShownAttribute:
    """An attribute as editors read it: the stored ``key`` (what quotas name) and its label,
    with its values as (stored value, label) pairs."""

    key: str
    label: object
    values: tuple = ()

    @property
    def labelled(self) -> bool:
        return str(self.label) != self.key


def attribute_labels_of(process) -> dict:
    """The plugin's labels for the attributes of ``process``'s items (one query: the items'
    model), in the active language when shown."""
    from .interface import attribute_labels

    type_id = (
        ReviewItem.objects.filter(process=process)
        .values_list("subject_content_type_id", flat=True)
        .first()
    )
    if type_id is None:
        return {}
    return attribute_labels(ContentType.objects.get_for_id(type_id).model_class())


def shown_attribute(labels: dict, key: str, values=()) -> ShownAttribute:
    """``key`` and its ``values`` (a stored value, a list of them, or (value, count) pairs)
    with the plugin's words for them; what it has no word for stays as stored."""
    found = labels.get(key)
    if isinstance(values, str):
        values = [values]

    def word(value):
        return found.value_label(value) if found is not None else value

    pairs = tuple(
        (v[0], word(v[0]), *v[1:]) if isinstance(v, tuple | list) else (v, word(v)) for v in values
    )
    return ShownAttribute(key, found.label if found is not None else key, pairs)


def selection_candidates(phase: Phase, basis: str) -> tuple[list[dict], list[str]]:
    """Candidates (items of the phase with a merit) with their plugin attributes; and the labels
    of items left out because they have no counted review. The attributes keep the stored keys
    and values (quotas name them, runs are re-computed from them); pages show them through
    ``attribute_labels_of`` and ``shown_attribute``."""
    results = phase_results(phase, n_resamples=1)
    merits = results.merits(basis)
    items = list(phase_items(phase).select_related("process"))
    subjects = subjects_of(items)
    candidates, missing = [], []
    for item in items:
        if item.pk not in merits:
            missing.append(item.label)
            continue
        attributes = {}
        if subjects[item.pk] is not None:
            raw = adapter_for(subjects[item.pk]).review_attributes() or {}
            attributes = {
                str(k): _attribute_value(v)
                for k, v in raw.items()
                if _attribute_value(v) is not None
            }
        candidates.append(
            {
                "id": item.pk,
                "number": item.number,
                "merit": float(merits[item.pk]),
                "attributes": attributes,
            }
        )
    return candidates, missing


def compute_selection(inputs: dict) -> dict:
    """The pure part of a run: stored inputs in, JSON-ready result out (re-runnable)."""
    candidates = [
        algorithms.Candidate(id=c["id"], merit=c["merit"], attributes=c["attributes"])
        for c in inputs["candidates"]
    ]
    quotas = [
        algorithms.Quota(attribute=q["attribute"], value=q["value"], min=q["min"], max=q["max"])
        for q in inputs["quotas"]
    ]
    result = algorithms.select(candidates, inputs["n"], quotas, seed=inputs["seed"])

    def quota_json(quota):
        return {
            "attribute": quota.attribute,
            "value": quota.value,
            "min": quota.min,
            "max": quota.max,
        }

    return {
        "feasible": result.feasible,
        "n": result.n,
        "selected": list(result.selected),
        "merit": result.merit,
        "unconstrained_top": list(result.unconstrained_top),
        "unconstrained_merit": result.unconstrained_merit,
        "price_of_diversity": result.price_of_diversity,
        "relative_price_of_diversity": result.relative_price_of_diversity,
        "quota_table": [
            {
                **quota_json(row.quota),
                "achieved": row.achieved,
                "in_unconstrained_top": row.in_unconstrained_top,
                "available": row.available,
                "satisfied": row.satisfied,
            }
            for row in result.quota_table
        ],
        "reserve": [
            {
                "candidate": entry.candidate,
                "merit": entry.merit,
                "can_replace": list(entry.can_replace),
            }
            for entry in result.reserve
        ],
        "replacements": [
            [member, replacement] for member, replacement in result.replacements.items()
        ],
        "unreplaceable": list(result.unreplaceable),
        "conflicting": [
            {
                "kind": bound.kind,
                "quota": quota_json(bound.quota) if bound.quota else None,
                "value": bound.value,
                "description": bound.describe(),
            }
            for bound in result.conflicting
        ],
        "relaxation": [
            {
                "quota": quota_json(change.quota),
                "kind": change.kind,
                "current": change.current,
                "proposed": change.proposed,
                "description": change.describe(),
            }
            for change in result.relaxation
        ],
        "explanation": result.explanation,
    }


@transaction.atomic
def run_selection(
    phase: Phase,
    n: int,
    actor,
    *,
    seed: int | None = None,
    basis: str = SelectionRun.Basis.NORMALISED,
) -> SelectionRun:
    """Select ``n`` items of the phase by merit under the process's quotas; store every input
    and the result, so the run can be shown, re-checked and applied later."""
    process = phase.process
    if n < 1:
        raise ReviewError(_("Select at least one."))
    candidates, missing = selection_candidates(phase, basis)
    if not candidates:
        raise ReviewError(_("No item of this phase has a submitted review yet; nothing to select."))
    quotas = [
        {"attribute": q.attribute, "value": q.value, "min": q.min, "max": q.max}
        for q in process.quotas.all()
    ]
    inputs = {
        "phase": phase.pk,
        "basis": basis,
        "n": n,
        "seed": seed,
        "candidates": candidates,
        "quotas": quotas,
        "left_out": missing,
    }
    result = compute_selection(inputs)
    run = SelectionRun.objects.create(
        process=process,
        phase=phase,
        n=n,
        seed=seed,
        basis=basis,
        inputs=inputs,
        result=result,
        feasible=result["feasible"],
        created_by=actor,
    )
    numbers = {c["id"]: c["number"] for c in candidates}
    record(
        process,
        actor,
        "selection.run",
        run=run.pk,
        phase=phase.pk,
        n=n,
        seed=seed,
        basis=basis,
        feasible=result["feasible"],
        quotas=quotas,
        selected=[numbers[i] for i in result["selected"]],
        price_of_diversity=result["price_of_diversity"],
    )
    return run


def rerun_matches(run: SelectionRun) -> bool:
    """Whether computing the run again from its stored inputs gives the stored result."""
    return compute_selection(run.inputs) == run.result


@transaction.atomic
def apply_selection(run: SelectionRun, actor) -> None:
    """Mark the run's selected items Selected, its reserve list Reserve (in order), the other
    candidates Not selected."""
    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    if not run.feasible:
        raise ReviewError(_("This run found no selection that meets the quotas; nothing to apply."))
    if not rerun_matches(run):
        raise ReviewError(_("Re-computing this run gives a different result; run it again."))
    selected = set(run.result["selected"])
    reserve = [entry["candidate"] for entry in run.result["reserve"]]
    ids = [c["id"] for c in run.inputs["candidates"]]
    items = {item.pk: item for item in ReviewItem.objects.select_for_update().filter(pk__in=ids)}
    for item_id, item in items.items():
        if not item.is_running:
            continue
        if item_id in selected:
            item.status, item.reserve_rank = ItemStatus.SELECTED, None
        elif item_id in reserve:
            item.status, item.reserve_rank = ItemStatus.RESERVE, reserve.index(item_id) + 1
        else:
            item.status, item.reserve_rank = ItemStatus.NOT_SELECTED, None
    ReviewItem.objects.bulk_update(items.values(), ["status", "reserve_rank"])
    run.applied_at, run.applied_by = timezone.now(), actor
    run.save(update_fields=["applied_at", "applied_by"])
    record(
        run.process,
        actor,
        "selection.applied",
        run=run.pk,
        selected=sorted(items[i].number for i in selected if i in items),
        reserve=[items[i].number for i in reserve if i in items],
    )


@transaction.atomic
def apply_relaxation(run: SelectionRun, actor) -> int:
    """Change the process's quota bounds as the run's proposed relaxation says."""
    changed = 0
    for change in run.result.get("relaxation", []):
        quota = change["quota"]
        rows = Quota.objects.filter(
            process=run.process, attribute=quota["attribute"], value=quota["value"]
        )
        changed += rows.update(**{change["kind"]: change["proposed"]})
    record(
        run.process,
        actor,
        "selection.quotas_relaxed",
        run=run.pk,
        changes=[c["description"] for c in run.result.get("relaxation", [])],
    )
    return changed
