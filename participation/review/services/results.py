"""Results of a phase (aggregation, bootstrap) and moving a shortlist on to the next phase."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from participation.audit.services import record

from .. import algorithms
from ..models import ItemStatus, Phase, Review, Reviewer, ReviewItem
from .conflicts import conflict_map
from .errors import ReviewError
from .items import next_phase, phase_items
from .scoring import check_scores, criteria_of

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
    from ..visibility import for_viewer

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
