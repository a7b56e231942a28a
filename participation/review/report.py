"""The committee report: a tagged PDF of one phase's results and, optionally, a selection run.

Built in the background through the documents engine as the ``review.committee_report`` kind,
with params ``{process, phase, run (optional selection run id), lang}``:

- cover and contents;
- the ranking (``services.phase_results``: normalised and raw ranks, means, spread, disagreement,
  bootstrap rank interval), as editors see it on the admin results page (titles shown, whatever
  the blind mode: reviewers never get this document);
- charts: the distribution of review totals, each reviewer's mean against everyone's (leniency)
  and the spread of each reviewer's totals over the scale;
- the items whose reviewers disagree, the decisions that flip between the raw and the normalised
  ranking at the cut-off, and the reviews left out;
- with a run: the selected members and their replacements, the quota table, merit and the price
  of diversity, the reserve list; or, for an infeasible run, why and the proposed relaxation.

Special-category attributes (the plugin's quota attributes) appear only in aggregate, as the quota
table; never per member. Editors only, like the admin pages (``rules.can_manage``).
"""

import hashlib
import json
import math
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max, Q, Sum
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation.documents.charts import bar_chart
from participation.documents.registry import BuiltFile, DocumentKind, register

from . import algorithms, labels, reasons, services, visibility
from .models import (
    Assignment,
    ConflictDeclaration,
    Phase,
    Review,
    Reviewer,
    ReviewItem,
    ReviewProcess,
    SelectionRun,
    Waiver,
)

KIND = "review.committee_report"
TEMPLATE = "review/print/committee_report.html"
HISTOGRAM_BINS = 8
TOP_IN_CHART = 25
MAX_ID_DIGITS = 18


# --- parameters ---------------------------------------------------------------------------------


def _id(params, name, *, required):
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise ValidationError(_("Missing %(name)s.") % {"name": name})
        return None
    text = str(value).strip() if not isinstance(value, bool) else ""
    if not text.isdigit() or len(text) > MAX_ID_DIGITS:
        raise ValidationError(_("Invalid %(name)s.") % {"name": name})
    return int(text)


def _lang(params):
    lang = str(params.get("lang") or "").strip()
    available = {code for code, _name in settings.LANGUAGES}
    if lang in available:
        return lang
    short = lang.split("-")[0].lower()
    return short if short in available else settings.LANGUAGE_CODE


def clean_params(params):
    process = _id(params, "process", required=True)
    phase = _id(params, "phase", required=False)
    run = _id(params, "run", required=False)
    if not ReviewProcess.objects.filter(pk=process).exists():
        raise ValidationError(_("Unknown review process."))
    if run is not None:
        found = SelectionRun.objects.filter(pk=run, process_id=process).values("phase_id").first()
        if found is None:
            raise ValidationError(_("Unknown selection run."))
        if phase is None:
            phase = found["phase_id"]
        elif found["phase_id"] is not None and found["phase_id"] != phase:
            raise ValidationError(_("This selection run took its merit from another phase."))
    if phase is None:
        raise ValidationError(_("Choose a phase."))
    if not Phase.objects.filter(pk=phase, process_id=process).exists():
        raise ValidationError(_("Unknown phase."))
    return {"process": process, "phase": phase, "run": run, "lang": _lang(params)}


# --- fingerprint: same data, same document ------------------------------------------------------


def fingerprint(params):
    """Everything the report is made of: reviews, assignments, conflicts and waivers (they decide
    which reviews count), items, reviewers, criteria, the process's settings and the run."""
    process = ReviewProcess.objects.get(pk=params["process"])
    phase = Phase.objects.get(pk=params["phase"])
    reviews = Review.objects.filter(assignment__phase=phase).aggregate(
        n=Count("pk"),
        submitted=Count("pk", filter=Q(status=Review.Status.SUBMITTED)),
        versions=Sum("version"),
        last=Max("updated_at"),
    )
    assignments = Assignment.objects.filter(phase=phase).aggregate(
        n=Count("pk"),
        active=Count("pk", filter=Q(active=True)),
        created=Max("created_at"),
        removed=Max("removed_at"),
    )
    conflicts = ConflictDeclaration.objects.filter(item__process=process).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    waivers = Waiver.objects.filter(item__process=process).aggregate(
        n=Count("pk"), ids=Sum("pk"), last=Max("granted_at")
    )
    items = ReviewItem.objects.filter(process=process).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    reviewers = list(
        Reviewer.objects.filter(process=process)
        .order_by("pk")
        .values_list("pk", "active", "role", "user_id")
    )
    criteria = list(
        process.criteria.values_list(
            "key", "name", "weight", "scale_min", "scale_max", "counts_in_total", "position"
        )
    )
    run_state = None
    if params.get("run"):
        run = SelectionRun.objects.get(pk=params["run"])
        result = json.dumps(run.result, sort_keys=True, cls=DjangoJSONEncoder)
        run_state = [
            run.pk,
            run.created_at,
            run.applied_at,
            run.feasible,
            hashlib.sha256(result.encode()).hexdigest(),
        ]
    return {
        "process": [
            process.name,
            # The name as printed: a translation of its call published since changes it.
            str(labels.process_label(process, _lang(params))),
            process.item_noun,
            process.blind,
            process.disagreement_threshold,
            process.seats,
        ],
        "phase": [phase.name, phase.kind, phase.position],
        "reviews": reviews,
        "assignments": assignments,
        "conflicts": conflicts,
        "waivers": waivers,
        "items": items,
        "reviewers": reviewers,
        "criteria": criteria,
        "run": run_state,
    }


# --- the report's content ----------------------------------------------------------------------


def _item_label(item, with_title=True):
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
            "label": _item_label(items.get(flip.item)),
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
        return _item_label(items.get(item_id)) if item_id in items else f"#{item_id}"

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


def report_context(params, progress=None):
    def step(done):
        if progress is not None:
            progress(done, 4)

    process = ReviewProcess.objects.get(pk=params["process"])
    phase = Phase.objects.select_related("process").get(pk=params["phase"])
    run = None
    if params.get("run"):
        run = SelectionRun.objects.select_related("phase", "created_by", "applied_by").get(
            pk=params["run"]
        )
    cutoff = run.n if run is not None else process.seats
    results = services.phase_results(phase, cutoff=cutoff)
    step(1)
    criteria = results.criteria
    totals = counted_totals(phase, criteria) if phase.uses_criteria else []
    items = {row.item.pk: row.item for row in results.rows}
    charts = charts_for(results, totals, criteria) if phase.uses_criteria else []
    step(2)
    leniency = []
    if results.aggregation is not None:
        leniency = sorted(
            (
                {"name": results.reviewer_names.get(s.reviewer, "?"), "stats": s}
                for s in results.aggregation.reviewers
            ),
            key=lambda entry: entry["name"],
        )
    selection = selection_context(run) if run is not None else None
    step(3)

    toc = [
        {"id": "about", "title": _("About this report"), "level": 1},
        {"id": "ranking", "title": _("Ranking"), "level": 1},
    ]
    if phase.uses_criteria:
        toc += [
            {"id": "distributions", "title": _("Distributions"), "level": 1},
            {"id": "leniency", "title": _("Reviewers' leniency"), "level": 1},
            {"id": "disagreement", "title": _("Disagreement"), "level": 1},
            {"id": "flips", "title": _("Decisions that flip"), "level": 1},
        ]
    if results.excluded:
        toc.append({"id": "left-out", "title": _("Reviews left out"), "level": 1})
    if selection is not None:
        toc.append({"id": "selection", "title": _("Selection"), "level": 1})
        if selection["feasible"]:
            toc += [
                {"id": "selected", "title": _("Selected"), "level": 2},
                {"id": "price", "title": _("Merit and price of diversity"), "level": 2},
                {"id": "quotas", "title": _("Quotas"), "level": 2},
                {"id": "reserve", "title": _("Reserve list"), "level": 2},
            ]
        else:
            toc += [
                {"id": "infeasible", "title": _("Why no selection meets the quotas"), "level": 2},
                {"id": "quotas", "title": _("Quotas"), "level": 2},
            ]
    reviewers_counted = len({reviewer for _item, reviewer, _total in totals})
    subtitle = _("%(phase)s · %(count)s items") % {"phase": phase.label, "count": len(results.rows)}
    if run is not None:
        subtitle += " · " + _("selection run %(n)s") % {"n": run.pk}
    context = {
        "process": process,
        "phase": phase,
        "results": results,
        "ranking": ranking_rows(results),
        "charts": charts,
        "leniency": leniency,
        "disagreement": disagreement_rows(results, totals),
        "flips": flip_rows(results, items),
        "undecided": [
            _item_label(items.get(item_id))
            for item_id in (results.bootstrap.undecided if results.bootstrap else ())
        ],
        "selection": selection,
        "cutoff": results.cutoff,
        "reviews_counted": len(totals)
        if phase.uses_criteria
        else sum(row.reviews for row in results.rows),
        "reviewers_counted": reviewers_counted,
        "item_count": len(results.rows),
        "disagreement_count": sum(
            1 for row in results.rows if row.aggregate and row.aggregate.disagreement
        ),
        "reviews_per_item": Counter(row.reviews for row in results.rows),
        "total_range": algorithms.total_range([c.as_algorithm() for c in criteria]),
        "document_cover": True,
        "document_toc": toc,
        "document_subtitle": subtitle,
    }
    return context


def build(params, progress):
    from participation.documents.pdf import render_pdf_document

    with translation.override(params["lang"]):
        context = report_context(params, progress)
        process, phase = context["process"], context["phase"]
        rendered = render_pdf_document(
            TEMPLATE,
            context,
            title=_("Committee report: %(name)s") % {"name": process.label},
            author=str(process.owner) if process.owner is not None else "",
            lang=params["lang"],
            on_page=progress.pages,
        )
    suffix = f"-run-{params['run']}" if params.get("run") else ""
    filename = f"committee-report-{process.pk}-phase-{phase.pk}{suffix}.pdf"
    return BuiltFile.pdf(rendered.content, filename)


def _process(params):
    return ReviewProcess.objects.filter(pk=params.get("process")).first()


def can_request(user, params):
    """Editors who do not review this process (it shows every item and every reviewer)."""
    return visibility.manages(user, _process(params))


def can_view(user, document):
    return can_request(user, document.params)


COMMITTEE_REPORT = register(
    DocumentKind(
        name=KIND,
        label=gettext_lazy("Committee report"),
        build=build,
        fingerprint=fingerprint,
        clean_params=clean_params,
        can_request=can_request,
        can_view=can_view,
        can_serve=can_view,
        progress_unit="items",
        version="1",
    )
)
