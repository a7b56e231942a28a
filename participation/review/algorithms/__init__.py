"""Pure algorithms of the review and selection engine: no Django, plain data in and out.

* :mod:`.scoring` - criteria, scale checks, the weighted total of a review.
* :mod:`.assignment` - who reviews what (balanced, conflict-free, expertise-aware).
* :mod:`.aggregation` - per-item means, leniency normalisation, ranks, bootstrap intervals.
* :mod:`.selection` - choosing n under quotas, price of diversity, conflicts, reserves.

Optimisation uses HiGHS through SciPy. Every function is deterministic: the
same inputs (in the same order) and seed give the same result.
"""

from .aggregation import (
    AggregationResult,
    BootstrapResult,
    Flip,
    ItemAggregate,
    RankInterval,
    Review,
    ReviewerStats,
    aggregate,
    bootstrap_rank_intervals,
)
from .assignment import (
    AssignmentInfeasible,
    AssignmentResult,
    Item,
    Reviewer,
    assign,
    tag_affinity,
)
from .scoring import (
    Criterion,
    MissingScore,
    ScoreOutOfScale,
    UnknownCriterion,
    check_score,
    total_range,
    validate_scores,
    weighted_total,
)
from .selection import (
    BoundChange,
    Candidate,
    ConflictingBound,
    Quota,
    QuotaReport,
    ReserveEntry,
    SelectionResult,
    select,
)

__all__ = [
    "AggregationResult",
    "AssignmentInfeasible",
    "AssignmentResult",
    "BootstrapResult",
    "BoundChange",
    "Candidate",
    "ConflictingBound",
    "Criterion",
    "Flip",
    "Item",
    "ItemAggregate",
    "MissingScore",
    "Quota",
    "QuotaReport",
    "RankInterval",
    "ReserveEntry",
    "Review",
    "Reviewer",
    "ReviewerStats",
    "ScoreOutOfScale",
    "SelectionResult",
    "UnknownCriterion",
    "aggregate",
    "assign",
    "bootstrap_rank_intervals",
    "check_score",
    "select",
    "tag_affinity",
    "total_range",
    "validate_scores",
    "weighted_total",
]
