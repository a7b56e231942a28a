"""The progress report of a theme (or of the whole action plan) as a PDF, built in the
background through the shared documents engine."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation.documents.registry import BuiltFile, DocumentKind, register
from themes.selectors import canonical_themes, localized

from . import board, services
from .models import Commitment


def _theme(slug):
    if not slug:
        return None
    theme = canonical_themes().filter(slug=str(slug)[:120]).first()
    if theme is None:
        raise ValidationError(_("Unknown theme."))
    return theme


def clean_report_params(params):
    theme = _theme(params.get("theme"))
    lang = str(params.get("lang") or "en")[:10]
    return {"theme": theme.slug if theme else "", "lang": lang if lang.isalpha() else "en"}


def report_fingerprint(params) -> str:
    theme = _theme(params["theme"])
    commitments = services.commitments_for(theme).aggregate(
        n=Count("pk", distinct=True),
        latest=Max("updated_at"),
        rows=Max("translations__updated_at"),  # an editor's translation, added or changed
    )
    indicators = (
        services.indicators_for(theme).order_by().aggregate(rows=Max("translations__updated_at"))
    )
    ids = list(services.indicators_for(theme).values_list("pk", flat=True))
    # Progress updates' translations: added, changed or removed, the report is rebuilt.
    updates = services.update_texts_version(services.commitments_for(theme))
    # Figures come from every plugin and have no version: a report is reused for a day at most.
    return "{}:{}:{}:{}:{}:{}:{}:{}".format(
        params["lang"],
        commitments["n"],
        commitments["latest"].isoformat() if commitments["latest"] else "",
        commitments["rows"].isoformat() if commitments["rows"] else "",
        indicators["rows"].isoformat() if indicators["rows"] else "",
        services.data_version(ids),
        updates,
        timezone.localdate().isoformat(),
    )


def build_report(params, progress):
    from participation.documents.pdf import render_pdf_document

    theme = _theme(params["theme"])
    with translation.override(params["lang"]):
        name = localized([theme])[0][1].name if theme else _("Whole action plan")
        data = board.board_data(theme, board.Filters())
        commitments = list(
            data["commitments"]
            .order_by("status", "-updated_at")
            .prefetch_related(services.update_prefetch())
        )
        progress(len(commitments), len(commitments))
        rendered = render_pdf_document(
            "monitoring/report_print.html",
            {
                **data,
                "theme": theme,
                "name": name,
                "commitments": commitments,
                "statuses": Commitment.Status,
                "document_cover": True,
                "document_subtitle": _("Progress report, %(date)s")
                % {"date": timezone.localdate().isoformat()},
                "document_toc": [
                    {"id": "participation", "title": _("Participation"), "level": 1},
                    {"id": "commitments", "title": _("Commitments"), "level": 1},
                    {"id": "indicators", "title": _("Indicators"), "level": 1},
                ],
            },
            title=_("Progress report: %(name)s") % {"name": name},
            lang=params["lang"],
            on_page=progress.pages,
        )
    slug = params["theme"] or "action-plan"
    return BuiltFile.pdf(rendered.content, f"progress-report-{slug}.pdf")


def board_page(params):
    """The public board the report copies: its view restrictions apply to the report."""
    from .models import MonitoringBoardPage

    return MonitoringBoardPage.objects.live().first()


register(
    DocumentKind(
        name="monitoring.progress_report",
        label=gettext_lazy("Progress report of a theme"),
        build=build_report,
        fingerprint=report_fingerprint,
        clean_params=clean_report_params,
        # The report holds what the public board shows, nothing more: the board page's view
        # restrictions apply to it (``page``).
        can_request=lambda user, params: bool(user.is_authenticated),
        can_view=lambda user, document: bool(user.is_authenticated),
        page=board_page,
        progress_unit="items",
        version="1",
    )
)
