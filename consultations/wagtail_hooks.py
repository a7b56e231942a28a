from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from participation.fragments import digest
from participation.i18n import in_reader_language, originals_only, with_submissions_pages
from participation.pages_access import can_edit
from themes.figures import Figure
from themes.selectors import ThemedItem, ThemedSection

from .admin_views import ResponseViewSet
from .models import ConsultationPage, Response


@hooks.register("register_admin_viewset")
def register_response_viewset():
    return ResponseViewSet("consultation_responses", url_prefix="consultations/responses")


@hooks.register("register_themed_content")
def themed_consultations(theme, request):
    # One card per consultation, in the reader's language where it is translated.
    pages = with_submissions_pages(
        in_reader_language(ConsultationPage.objects.live().public().filter(themes=theme)).order_by(
            "-opens_at"
        )
    )
    return ThemedSection(
        heading=_("Consultations"),
        items=[
            ThemedItem(
                title=page.title,
                url=page.get_url(request),
                summary=page.intro,
                kind=str(page.get_state_display()),
            )
            for page in pages
        ],
    )


@hooks.register("participation_before_account_delete")
def anonymise_answers(user):
    from .services import anonymise_answers_of

    anonymise_answers_of(user)


@hooks.register("participation_personal_data")
def responses_data(user):
    from .models import Response

    responses = Response.objects.filter(user=user).select_related("consultation", "organisation")
    return "consultation_responses", [
        {
            "consultation": r.consultation.title,
            "on_behalf_of": r.organisation.name if r.organisation else None,
            "status": r.status,
            "receipt_number": r.receipt_number,
            "language": r.language,
            "country": r.country.code or None,
            "answers": r.answers,
            "started": r.created_at.isoformat(),
            "submitted": r.submitted_at.isoformat() if r.submitted_at else None,
        }
        for r in responses
    ]


@hooks.register("register_admin_urls")
def export_urls():
    from django.urls import path

    from .admin_views import DetectCampaignsView, PrintableQuestionnaireView, export_responses

    return [
        path(
            "consultations/<int:page_id>/responses.<str:fmt>",
            export_responses,
            name="consultations_export",
        ),
        path(
            "consultations/<int:page_id>/campaigns/",
            DetectCampaignsView.as_view(),
            name="consultations_detect_campaigns",
        ),
        path(
            "consultations/<int:page_id>/printable/",
            PrintableQuestionnaireView.as_view(),
            name="consultations_printable",
        ),
    ]


@hooks.register("register_page_header_visible_buttons")
def visible_export_buttons(page, user):
    """CSV and XLSX as plain buttons in the consultation's admin header (participation.documents
    draws them): the exports editors use most are not hidden in the "..." menu."""
    from .admin_views import export_header_buttons

    specific = page.specific_deferred
    if not isinstance(specific, ConsultationPage):
        return []
    return export_header_buttons(specific, user)


@hooks.register("register_page_header_buttons")
def export_buttons(page, user, view_name=None, next_url=None):
    from django.urls import reverse
    from wagtail.admin.widgets import Button

    if not isinstance(page.specific_deferred, ConsultationPage) or not can_edit(
        user, page.specific_deferred.submissions_page()
    ):
        return []
    # A translation collects no answers of its own: they are the original page's, and so are
    # the moderation list and exports reached from here.
    source = page.specific_deferred.submissions_page()
    return (
        [
            Button(
                _("Responses (on the original page)") if source.pk != page.pk else _("Responses"),
                f"{reverse('consultation_responses:index')}?consultation={source.pk}",
                icon_name="form",
                priority=59,
            )
        ]
        + [
            Button(
                _("Responses (%(fmt)s)") % {"fmt": fmt.upper()},
                reverse("consultations_export", args=[page.pk, fmt]),
                icon_name="download",
                priority=60 + n,
            )
            for n, fmt in enumerate(["csv", "xlsx"])
        ]
        + [
            Button(
                _("Detect campaigns"),
                reverse("consultations_detect_campaigns", args=[page.pk]),
                icon_name="group",
                priority=70,
            ),
            Button(
                _("Printable questionnaire"),
                reverse("consultations_printable", args=[page.pk]),
                icon_name="doc-full",
                priority=71,
            ),
        ]
    )


@hooks.register("register_participation_figures")
def consultation_figures(theme):
    """Consultations held, answers and organisations involved, for a theme or overall. One
    query on a warm cache whatever the volume (the monitoring board asserts a fixed count): the
    totals are kept under the held consultations' answers versions, which every change of a
    counted answer bumps in its transaction, so a new answer shows at once."""
    # A consultation and its translations are one consultation (participation.i18n).
    held = originals_only(ConsultationPage.objects.live().filter(opens_at__lte=timezone.now()))
    if theme is not None:
        held = held.filter(themes=theme)
    versions = sorted(held.values_list("pk", "answers_version"))
    key = "consultations:figures:" + digest(versions)
    totals = cache.get(key)
    if totals is None:
        # Counting the answers grows with them (0.1 s at 100,000): once per version.
        totals = Response.objects.filter(
            consultation__in=[pk for pk, _version in versions],
            status=Response.Status.SUBMITTED,
            spam=False,
        ).aggregate(responses=Count("pk"), organisations=Count("organisation", distinct=True))
        cache.set(key, totals, 60 * 60)
    group = _("Consultations")
    return [
        Figure("consultations.held", _("Consultations held"), len(versions), group),
        Figure("consultations.responses", _("Answers"), totals["responses"], group),
        Figure(
            "consultations.organisations",
            _("Organisations involved"),
            totals["organisations"],
            group,
        ),
    ]


@hooks.register("register_periodic_jobs")
def consultation_periodic_jobs():
    from datetime import timedelta

    from participation.operations.periodic import PeriodicJob

    from .languages import queue_detection

    return [
        PeriodicJob("send_deadline_reminders", timedelta(hours=1)),
        PeriodicJob("erase_expired_personal_data", timedelta(days=1)),
        PeriodicJob("detect_answer_languages", timedelta(minutes=1), func=queue_detection),
    ]


@hooks.register("register_participation_api")
def api_endpoints():
    """Consultations, their published answers, what we heard and their outcome (/api/v2/)."""
    from .api import ConsultationsAPIViewSet

    return [("consultations", ConsultationsAPIViewSet)]
