"""The committee report's content: totals, charts, ranking, disagreement, flips and the
selection, computed from a phase's results (``report`` builds the document from them)."""

import math
from collections import defaultdict

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from participation.documents.charts import bar_chart

from . import algorithms, reasons, services
from .models import (
    Review,
    ReviewItem,
)

HISTOGRAM_BINS = 8
TOP_IN_CHART = 25


def item_label(item, with_title=True):
    if item is None:
        return "?"
    if with_title and item.title:
        return f"{item.label} · {Truncator(item.title).chars(60)}"
    return item.label


def counted_totals(phase, criteria):
    """(item id, reviewer id, total) of the reviews ``phase_results`` counts: submitted, no
    blocked conflict, scores that fit the current criteria."""
    pure = [c.as_algorithm() for c in criteria]
    conflicts = services.conflict_map(phase.process)
    rows = (
        Review.objects.filter(assignment__phase=phase, status=Review.Status.SUBMITTED)
        .order_by("assignment__item__number", "assignment__reviewer_id")
        .values_list("assignment__item_id", "assignment__reviewer_id", "scores")
    )
    totals = []
    for item_id, reviewer_id, scores in rows:
        if conflicts.is_blocked(item_id, reviewer_id):
            continue
        if services.check_scores(scores, criteria, complete=True):
            continue
        try:
            totals.append((item_id, reviewer_id, algorithms.weighted_total(scores, pure)))
        except ValueError:
            continue
    return totals


def _number(value):
    return f"{value:g}" if float(value) != int(value) else str(int(value))


def total_bins(criteria, bins=HISTOGRAM_BINS):
    """[(low, high, label)] covering the possible totals; the last bin includes its top."""
    low, high = algorithms.total_range([c.as_algorithm() for c in criteria])
    if high <= low:
        return [(low, high, _number(low))]
    if high - low >= bins:
        width = math.ceil((high - low) / bins)
    else:  # a short scale: one bin per point
        width = (high - low) / max(1, math.ceil(high - low))
    edges = []
    start = low
    while start < high - 1e-9:
        end = min(start + width, high)
        edges.append((start, end, f"{_number(start)}–{_number(end)}"))
        start = end
    return edges


def _bin_of(value, edges):
    for index, (_low, high, _label) in enumerate(edges):
        if value < high:
            return index
    return len(edges) - 1


def charts_for(results, totals, criteria):
    """The distribution of totals, leniency per reviewer and each reviewer's totals by band."""
    charts = []
    if not totals or results.aggregation is None:
        return charts
    edges = total_bins(criteria)
    counts = [0] * len(edges)
    for _item, _reviewer, total in totals:
        counts[_bin_of(total, edges)] += 1
    charts.append(
        bar_chart(
            _("Distribution of review totals"),
            [label for _low, _high, label in edges],
            {_("Reviews"): counts},
            horizontal=False,
            description=_(
                "Bar chart: how many counted reviews gave a weighted total in each range of the "
                "scale (a range includes its lower end; the last one also its upper end). The "
                "data are in the table that follows."
            ),
        )
    )
    names = results.reviewer_names
    stats = results.aggregation.reviewers
    ordered = sorted(stats, key=lambda s: (-s.mean, names.get(s.reviewer, "?")))
    labels = [names.get(s.reviewer, "?") for s in ordered]
    charts.append(
        bar_chart(
            _("Leniency: each reviewer's mean total"),
            labels,
            [
                (_("Their mean total"), [round(s.mean, 2) for s in ordered]),
                (_("Mean of all totals"), [round(results.aggregation.pool_mean, 2)] * len(ordered)),
            ],
            description=_(
                "Bar chart: each reviewer's mean total beside the mean of all totals; above it "
                "means more generous than the others, below it stricter. The data are in the "
                "table that follows."
            ),
        )
    )
    low, high = algorithms.total_range([c.as_algorithm() for c in criteria])
    bands = [_("Lowest third of the scale"), _("Middle third"), _("Highest third")]
    per_reviewer = defaultdict(lambda: [0, 0, 0])
    third = (high - low) / 3 if high > low else 1
    for _item, reviewer, total in totals:
        band = min(2, max(0, int((total - low) // third))) if high > low else 1
        per_reviewer[reviewer][band] += 1
    charts.append(
        bar_chart(
            _("Each reviewer's totals over the scale"),
            labels,
            [
                (band, [per_reviewer[s.reviewer][index] for s in ordered])
                for index, band in enumerate(bands)
            ],
            stacked=True,
            description=_(
                "Stacked bar chart: for each reviewer, how many of their totals fell in the "
                "lowest, middle and highest third of the scale. The data are in the table that "
                "follows."
            ),
        )
    )
    top = [row for row in results.rows if row.aggregate][:TOP_IN_CHART]
    if len(top) > 1:
        charts.append(
            bar_chart(
                _("Raw and normalised mean of the best-ranked items"),
                [row.item.label for row in top],
                [
                    (_("Raw mean"), [round(row.aggregate.raw_mean, 2) for row in top]),
                    (
                        _("Normalised mean"),
                        [round(row.aggregate.normalised_mean, 2) for row in top],
                    ),
                ],
                horizontal=True,
            )
        )
    return charts


def ranking_rows(results):
    flips, undecided = results.flips, set(results.bootstrap.undecided if results.bootstrap else ())
    rows = []
    for row in results.rows:
        a, flags = row.aggregate, []
        if a is not None and a.disagreement:
            flags.append(_("reviewers disagree"))
        flip = flips.get(row.item.pk)
        if flip is not None:
            flags.append(
                _("in the top only by raw mean")
                if flip.selected_by == "raw"
                else _("in the top only after normalisation")
            )
        if row.item.pk in undecided:
            flags.append(_("uncertain at the cut-off"))
        rows.append(
            {
                "item": row.item,
                "title": Truncator(row.item.title).chars(70),
                "aggregate": a,
                "interval": row.interval,
                "reviews": row.reviews,
                "eligible_yes": row.eligible_yes,
                "eligible_no": row.eligible_no,
                "flags": flags,
                "moved_on": row.item.phase_id != results.phase.pk,
            }
        )
    return rows


def disagreement_rows(results, totals):
    by_item = defaultdict(list)
    for item_id, _reviewer, total in totals:
        by_item[item_id].append(total)
    rows = []
    for row in results.rows:
        a = row.aggregate
        if a is None or not a.disagreement:
            continue
        values = sorted(by_item.get(row.item.pk, []))
        rows.append(
            {
                "item": row.item,
                "title": Truncator(row.item.title).chars(70),
                "aggregate": a,
                "lowest": values[0] if values else None,
                "highest": values[-1] if values else None,
                "totals": ", ".join(_number(v) for v in values),
            }
        )
    return rows


def flip_rows(results, items):
    if results.aggregation is None:
        return []
    return [
        {
            "label": item_label(items.get(flip.item)),
            "raw_rank": flip.raw_rank,
            "normalised_rank": flip.normalised_rank,
            "by": _("raw mean")
            if flip.selected_by == "raw"
            else _("normalised mean (leniency corrected)"),
        }
        for flip in results.aggregation.flips
    ]


def selection_context(run):
    """What the run page shows, without any member's attributes: the quota table is the only
    place quota attributes appear, and only as counts."""
    result, inputs = run.result, run.inputs
    candidates = {c["id"]: c for c in inputs.get("candidates", [])}
    items = {
        item.pk: item
        for item in ReviewItem.objects.filter(pk__in=list(candidates)).select_related("process")
    }

    def label(item_id):
        return item_label(items.get(item_id)) if item_id in items else f"#{item_id}"

    replacements = {member: replacement for member, replacement in result.get("replacements", [])}
    selected = [
        {
            "label": label(item_id),
            "merit": candidates.get(item_id, {}).get("merit"),
            "replacement": label(replacements[item_id]) if replacements.get(item_id) else None,
        }
        for item_id in result.get("selected", [])
    ]
    reserve = [
        {
            "label": label(entry["candidate"]),
            "merit": entry["merit"],
            "can_replace": [label(member) for member in entry["can_replace"]],
        }
        for entry in result.get("reserve", [])
    ]
    words = services.attribute_labels_of(run.process)  # the plugin's, for the stored keys

    def quota_label(row):
        shown = services.shown_attribute(words, row["attribute"], [row["value"]])
        return f"{shown.label} = {shown.values[0][1]}"

    quota_table = [
        {
            "label": quota_label(row),
            "min": row["min"],
            "max": row["max"],
            "achieved": row["achieved"],
            "in_unconstrained_top": row["in_unconstrained_top"],
            "available": row["available"],
            "satisfied": row.get("satisfied"),
        }
        for row in result.get("quota_table", [])
    ]
    changed_since = Review.objects.filter(
        assignment__phase_id=run.phase_id, updated_at__gt=run.created_at
    ).exists()
    return {
        "run": run,
        "feasible": result.get("feasible", False),
        "result": reasons.described(result, words),
        "selected": selected,
        "reserve": reserve,
        "quota_table": quota_table,
        "top": [label(item_id) for item_id in result.get("unconstrained_top", [])],
        "relative_price_percent": 100 * (result.get("relative_price_of_diversity") or 0),
        "left_out": inputs.get("left_out", []),
        "unreplaceable": [label(item_id) for item_id in result.get("unreplaceable", [])],
        "reviews_changed_since": changed_since,
        "candidate_count": len(candidates),
    }
