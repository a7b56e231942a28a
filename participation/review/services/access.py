"""A reviewer's access to an item and what they are shown of it (blind mode is enforced here
and nowhere else)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from ..interface import ReviewField, adapter_for
from ..models import Assignment, ConflictDeclaration, Phase, Review, Reviewer, ReviewItem
from .conflicts import conflict_map, pair_conflict
from .errors import ConflictOfInterest, NotAssigned
from .items import _people


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
