from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from participation.accounts.rules import MFA_REQUIRED_HOOK
from participation.fragments import digest
from participation.i18n import in_reader_language, originals_only, with_submissions_pages
from participation.pages_access import can_edit
from themes.figures import Figure
from themes.selectors import ThemedItem, ThemedSection

from .admin_views import ResponseViewSet
from .models import ConsultationPage, Response

FIGURES_SECONDS = 60 * 60  # a bound on memory; versions and time keep the figures exact


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

    from .admin_views import (
        CrossTabView,
        DecideListedView,
        DetectCampaignsView,
        ImportBatchView,
        ImportView,
        PrintableQuestionnaireView,
        export_responses,
        import_template,
    )
    from .topics_admin import TopicsView

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
        path(
            "consultations/<int:page_id>/crosstab/",
            CrossTabView.as_view(),
            name="consultations_crosstab",
        ),
        path(
            "consultations/<int:page_id>/decide/",
            DecideListedView.as_view(),
            name="consultations_decide_listed",
        ),
        path(
            "consultations/<int:page_id>/import/",
            ImportView.as_view(),
            name="consultations_import",
        ),
        path(
            "consultations/<int:page_id>/import/template.<str:fmt>",
            import_template,
            name="consultations_import_template",
        ),
        path(
            "consultations/<int:page_id>/import/<int:batch_id>/",
            ImportBatchView.as_view(),
            name="consultations_import_batch",
        ),
        path(
            "consultations/<int:page_id>/topics/",
            TopicsView.as_view(),
            name="consultations_topics",
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
            Button(label, reverse(url_name, args=[page.pk]), icon_name=icon, priority=priority)
            for label, url_name, icon, priority in ANALYSIS_BUTTONS
        ]
    )


# The consultation's own admin pages, in its page header's "..." menu: (label, URL name, icon,
# priority).
ANALYSIS_BUTTONS = [
    (_("Detect campaigns"), "consultations_detect_campaigns", "group", 70),
    (_("Printable questionnaire"), "consultations_printable", "doc-full", 71),
    (_("Tags by group"), "consultations_crosstab", "table", 72),
    (_("Import answers"), "consultations_import", "upload", 73),
    (_("Topics"), "consultations_topics", "tag", 74),
]


def _figures_version() -> tuple:
    """What the figures count, named in one query by two numbers that only grow: the version of
    the pages (themes/versions.py: every page published, unpublished, moved or deleted) and the
    sum of every consultation's answers version (every change of a counted answer bumps its
    consultation's in its transaction). Time moves the rest: see ``until``."""
    from themes.models import PagesVersion

    pages, consultations = PagesVersion._meta.db_table, ConsultationPage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT version FROM {pages} WHERE id = 1), "  # noqa: S608 - table names
            f"(SELECT SUM(answers_version) FROM {consultations})"
        )
        return tuple(cursor.fetchone())


def _consultations(theme):
    # A consultation and its translations are one consultation (participation.i18n).
    pages = originals_only(ConsultationPage.objects.live())
    return pages if theme is None else pages.filter(themes=theme)


@hooks.register("register_participation_figures")
def consultation_figures(theme):
    """Consultations held, answers and organisations involved, for a theme or overall. One
    query on a warm cache whatever the volume (the monitoring board asserts a fixed count): the
    figures are kept under ``_figures_version`` and until the next consultation opens, so a new
    answer shows at once."""
    now = timezone.now()
    key = "consultations:figures:" + digest(
        theme.pk if theme is not None else None, translation.get_language(), _figures_version()
    )
    kept = cache.get(key)
    if kept is not None and (kept["until"] is None or now < kept["until"]):
        return kept["figures"]
    held = _consultations(theme).filter(opens_at__lte=now)
    versions = sorted(held.values_list("pk", "answers_version"))
    totals_key = "consultations:figures:totals:" + digest(versions)
    totals = cache.get(totals_key)
    if totals is None:
        # Counting the answers grows with them (0.1 s at 100,000): once per version.
        totals = Response.objects.filter(
            consultation__in=[pk for pk, _version in versions],
            status=Response.Status.SUBMITTED,
            spam=False,
        ).aggregate(responses=Count("pk"), organisations=Count("organisation", distinct=True))
        cache.set(totals_key, totals, FIGURES_SECONDS)
    group = str(_("Consultations"))
    figures = [
        Figure("consultations.held", str(_("Consultations held")), len(versions), group),
        Figure("consultations.responses", str(_("Answers")), totals["responses"], group),
        Figure(
            "consultations.organisations",
            str(_("Organisations involved")),
            totals["organisations"],
            group,
        ),
    ]
    until = (
        _consultations(theme)
        .filter(opens_at__gt=now)
        .order_by("opens_at")
        .values_list("opens_at", flat=True)
        .first()
    )
    cache.set(key, {"figures": figures, "until": until}, FIGURES_SECONDS)
    return figures


@hooks.register("register_periodic_jobs")
def consultation_periodic_jobs():
    from datetime import timedelta

    from participation.operations.periodic import PeriodicJob

    from .languages import queue_detection
    from .machine_translation import queue_translation

    return [
        PeriodicJob("send_deadline_reminders", timedelta(hours=1)),
        PeriodicJob("erase_expired_personal_data", timedelta(days=1)),
        PeriodicJob("detect_answer_languages", timedelta(minutes=1), func=queue_detection),
        # After detection (the source language); nothing with the backend "none".
        PeriodicJob("translate_answers", timedelta(minutes=1), func=queue_translation),
    ]


@hooks.register("register_machine_translation_sources")
def answers_to_keep_translated():
    from .machine_translation import live_texts

    return live_texts()


@hooks.register("register_participation_api")
def api_endpoints():
    """Consultations, their published answers, what we heard and their outcome (/api/v2/)."""
    from .api import ConsultationsAPIViewSet

    return [("consultations", ConsultationsAPIViewSet)]


@hooks.register(MFA_REQUIRED_HOOK)
def facilitators_use_mfa(user):
    """Facilitators type in other people's answers (consultations.assisted): like editors, they
    protect their account with a second factor."""
    from .assisted import is_facilitator_anywhere

    return is_facilitator_anywhere(user)


@hooks.register("register_participation_outcomes")
def outcome_source():
    """The outcome items, for the progress board to track (participation/outcomes.py)."""
    from .outcomes import ConsultationOutcomes

    return ConsultationOutcomes()
