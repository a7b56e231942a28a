"""Reviews: criteria, scores on the scale, drafts and submissions."""

from __future__ import annotations

import math
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participation.audit.services import record

from .. import algorithms
from ..models import Assignment, Review, ReviewProcess
from .conflicts import pair_conflict
from .errors import ConflictOfInterest, NotAssigned, PhaseClosed, ReviewEditConflict, ScoreError


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
