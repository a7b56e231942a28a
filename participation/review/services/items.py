"""Items (taken in from the plugins) and reviewers: who and what a process reviews."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.audit.services import record

from ..interface import adapter_for, optional
from ..models import Assignment, ItemStatus, Phase, Reviewer, ReviewItem, ReviewProcess
from .errors import ReviewError

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
    from ..visibility import refuse_reviewer_who_sees_special_category

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
