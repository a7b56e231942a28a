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
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation.documents.registry import BuiltFile, DocumentKind, register

from . import algorithms, labels, services, visibility
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
from .report_content import (
    charts_for,
    counted_totals,
    disagreement_rows,
    flip_rows,
    item_label,
    ranking_rows,
    selection_context,
)

KIND = "review.committee_report"
TEMPLATE = "review/print/committee_report.html"
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
            item_label(items.get(item_id))
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
