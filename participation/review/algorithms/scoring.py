"""Per-review scoring: criteria, scale validation and the weighted total.

The total of a review is the *weighted sum* of its counted criteria (not a
weighted mean): a criterion with weight 2 on a 0-5 scale contributes up to 10
points. Dividing by the weight sum would hide the weights from the people who
read the totals, and rankings are the same either way.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

CriterionId = Hashable


@dataclass(frozen=True)
class Criterion:
    """One scoring criterion.

    ``counts_in_total=False`` marks criteria that are scored and stored (for
    example an eligibility check or a comment-only rating) but do not enter
    the total.
    """

    id: CriterionId
    weight: float = 1.0
    scale_min: float = 0.0
    scale_max: float = 10.0
    counts_in_total: bool = True

    def __post_init__(self) -> None:
        if not self.scale_min <= self.scale_max:
            raise ValueError(
                f"criterion {self.id!r}: scale_min {self.scale_min} > scale_max {self.scale_max}"
            )
        if not math.isfinite(self.weight):
            raise ValueError(f"criterion {self.id!r}: weight must be finite")


class ScoreOutOfScale(ValueError):
    """A score lies outside its criterion's scale (or is not a finite number)."""

    def __init__(self, criterion: Criterion, score: float) -> None:
        self.criterion_id = criterion.id
        self.score = score
        self.scale_min = criterion.scale_min
        self.scale_max = criterion.scale_max
        super().__init__(
            f"score {score!r} for criterion {criterion.id!r} is outside the allowed range "
            f"{criterion.scale_min:g} to {criterion.scale_max:g}"
        )


class MissingScore(ValueError):
    """A criterion that counts in the total has no score."""

    def __init__(self, criterion_id: CriterionId) -> None:
        self.criterion_id = criterion_id
        super().__init__(f"no score for criterion {criterion_id!r}, which counts in the total")


class UnknownCriterion(ValueError):
    """A score refers to a criterion that is not in the criteria list."""

    def __init__(self, criterion_id: CriterionId) -> None:
        self.criterion_id = criterion_id
        super().__init__(f"score given for unknown criterion {criterion_id!r}")


def check_score(criterion: Criterion, score: float) -> None:
    """Raise :class:`ScoreOutOfScale` unless ``scale_min <= score <= scale_max``.

    NaN and infinities fail the check, so they never reach a total.
    """
    if not (criterion.scale_min <= score <= criterion.scale_max):
        raise ScoreOutOfScale(criterion, score)


def validate_scores(
    scores: Mapping[CriterionId, float],
    criteria: Iterable[Criterion],
    *,
    require_counted: bool = True,
) -> None:
    """Check one review's scores against the criteria.

    Raises :class:`UnknownCriterion` for a score without a criterion,
    :class:`ScoreOutOfScale` for a score outside its scale and, when
    ``require_counted`` is true, :class:`MissingScore` for a counted criterion
    without a score. Scores of non-counted criteria are optional but, when
    present, must still be on their scale.
    """
    by_id = {criterion.id: criterion for criterion in criteria}
    for criterion_id, score in scores.items():
        criterion = by_id.get(criterion_id)
        if criterion is None:
            raise UnknownCriterion(criterion_id)
        check_score(criterion, score)
    if require_counted:
        for criterion in by_id.values():
            if criterion.counts_in_total and criterion.id not in scores:
                raise MissingScore(criterion.id)


def weighted_total(
    scores: Mapping[CriterionId, float],
    criteria: Iterable[Criterion],
    *,
    validate: bool = True,
) -> float:
    """Weighted sum of the scores of the criteria that count in the total.

    With ``validate`` (the default) the scores are checked first, see
    :func:`validate_scores`; without it, missing counted scores are an error
    all the same (a silent zero would rank a half-finished review as harsh).
    """
    criteria = tuple(criteria)
    if validate:
        validate_scores(scores, criteria)
    total = 0.0
    for criterion in criteria:
        if not criterion.counts_in_total:
            continue
        try:
            total += criterion.weight * scores[criterion.id]
        except KeyError:
            raise MissingScore(criterion.id) from None
    return total


def total_range(criteria: Iterable[Criterion]) -> tuple[float, float]:
    """Lowest and highest possible weighted total (for display and sanity checks)."""
    low = high = 0.0
    for criterion in criteria:
        if criterion.counts_in_total:
            ends = (criterion.weight * criterion.scale_min, criterion.weight * criterion.scale_max)
            low += min(ends)
            high += max(ends)
    return low, high
