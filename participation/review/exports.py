"""The score sheet: one row per review, a column per criterion, as CSV or XLSX.

Built with the documents engine's spreadsheet helpers (formula injection neutralised, rows read
in chunks): downloaded at once from the admin (CSV streamed), or built in the background as the
``review.score_sheet`` document kind. Editors only; quota attributes are never in it.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from participation.documents.registry import BuiltFile, DocumentKind, register
from participation.documents.spreadsheets import Column, csv_response, iter_csv, write_xlsx
from participation.documents.spreadsheets import xlsx_response as _xlsx_response

from . import visibility
from .models import Phase, Review, ReviewProcess
from .services import review_total

FORMATS = ("csv", "xlsx")


def score_sheet_rows(process: ReviewProcess, phase: Phase | None = None):
    reviews = (
        Review.objects.filter(assignment__phase__process=process)
        .select_related(
            "assignment__phase",
            "assignment__item__process",
            "assignment__item__organisation",
            "assignment__reviewer__user",
        )
        .order_by(
            "assignment__phase__position", "assignment__item__number", "assignment__reviewer_id"
        )
    )
    if phase is not None:
        reviews = reviews.filter(assignment__phase=phase)
    return reviews


def score_sheet_columns(process: ReviewProcess) -> list[Column]:
    criteria = list(process.criteria.all())

    def eligible(review):
        return {True: _("yes"), False: _("no"), None: ""}[review.eligible]

    columns = [
        Column("phase", _("Phase"), lambda r: r.assignment.phase.label),
        Column("item", pgettext("identifier", "Number"), "assignment.item.number"),
        Column("title", _("Title"), "assignment.item.title"),
        Column("organisation", _("Organisation"), "assignment.item.organisation.name"),
        Column("reviewer", _("Reviewer"), lambda r: r.assignment.reviewer.name),
        Column("role", _("Role"), lambda r: r.assignment.reviewer.get_role_display()),
        Column("status", _("Status"), lambda r: r.get_status_display()),
        Column("submitted_at", _("Submitted"), "submitted_at"),
        Column("eligible", _("Eligible"), eligible),
    ]
    for criterion in criteria:
        columns.append(
            Column(
                f"score_{criterion.key}",
                criterion.name,
                lambda r, key=criterion.key: r.scores.get(key),
            )
        )
    columns += [
        Column("total", _("Weighted total"), lambda r: review_total(r, criteria)),
        Column("comments", _("Comments"), "comments"),
    ]
    return columns


def _filename(process, phase, fmt):
    base = f"scores-{process.pk}" + (f"-phase-{phase.pk}" if phase else "")
    return f"{base}.{fmt}"


def score_sheet_response(process, phase, fmt, user=None):
    if fmt not in FORMATS:
        raise ValueError(fmt)
    rows, columns = score_sheet_rows(process, phase), score_sheet_columns(process)
    filename = _filename(process, phase, fmt)
    if user is not None:
        from participation.audit.services import record

        record(process, user, "export.score_sheet", format=fmt, phase=phase.pk if phase else None)
    if fmt == "csv":
        return csv_response(rows, columns, filename)
    return _xlsx_response(rows, columns, filename, sheet_title=_("Scores"))


# --- background document kind ------------------------------------------------------------------


def clean_params(params):
    try:
        process = int(params.get("process"))
        phase = int(params["phase"]) if params.get("phase") not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationError(_("Invalid process or phase.")) from None
    fmt = str(params.get("format") or "xlsx")
    if fmt not in FORMATS:
        raise ValidationError(_("Choose CSV or XLSX."))
    if not ReviewProcess.objects.filter(pk=process).exists():
        raise ValidationError(_("Unknown review process."))
    if phase is not None and not Phase.objects.filter(pk=phase, process_id=process).exists():
        raise ValidationError(_("Unknown phase."))
    return {"process": process, "phase": phase, "format": fmt}


def fingerprint(params):
    reviews = Review.objects.filter(assignment__phase__process_id=params["process"])
    if params["phase"]:
        reviews = reviews.filter(assignment__phase_id=params["phase"])
    state = reviews.aggregate(n=Count("pk"), last=Max("updated_at"))
    process = ReviewProcess.objects.get(pk=params["process"])
    criteria = list(process.criteria.values_list("key", "name", "weight", "counts_in_total"))
    return [state["n"], state["last"], criteria]


def build(params, progress):
    process = ReviewProcess.objects.get(pk=params["process"])
    phase = Phase.objects.get(pk=params["phase"]) if params["phase"] else None
    rows, columns = score_sheet_rows(process, phase), score_sheet_columns(process)
    total = rows.count()
    fmt = params["format"]
    path = BuiltFile.temporary_path("." + fmt)
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            for done, line in enumerate(iter_csv(rows, columns)):
                handle.write(line)
                if done and done % 1000 == 0:
                    progress(done, total)
        content_type = "text/csv"
    else:
        write_xlsx(
            rows,
            columns,
            path,
            sheet_title=_("Scores"),
            progress=lambda done: progress(done, total),
        )
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    progress(total, total)
    return BuiltFile(filename=_filename(process, phase, fmt), content_type=content_type, path=path)


def _process(params):
    return ReviewProcess.objects.filter(pk=params.get("process")).first()


def can_request(user, params):
    """Editors who do not review this process (it shows every item and every reviewer)."""
    return visibility.manages(user, _process(params))


def can_view(user, document):
    return can_request(user, document.params)


SCORE_SHEET = register(
    DocumentKind(
        name="review.score_sheet",
        label=gettext_lazy("Score sheet"),
        build=build,
        fingerprint=fingerprint,
        clean_params=clean_params,
        can_request=can_request,
        can_view=can_view,
        can_serve=can_view,
        progress_unit="items",
    )
)
