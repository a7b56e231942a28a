"""Admin wiring of the expert call, and its contributions to the site's shared hooks."""

from django.db.models import Count, Q
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from participation.i18n import in_reader_language, with_submissions_pages
from themes.figures import PARTICIPATION_FIGURES_HOOK, Figure, versioned
from themes.selectors import ThemedItem, ThemedSection

from . import admin_urls, figures, rules
from .models import Application, Decision, ExpertCallPage, LetterTemplate
from .permissions import ApplicationPermissionPolicy

register_permission_policy(LetterTemplate)
register_permission_policy(Application, ApplicationPermissionPolicy(Application))


class LetterTemplateViewSet(SnippetViewSet):
    model = LetterTemplate
    icon = "mail"
    menu_label = _("Letters to applicants")
    add_to_admin_menu = False
    list_display = ["kind", "subject", "locale"]
    list_filter = ["kind", "locale"]


register_snippet(LetterTemplateViewSet)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("expertgroup/", include(admin_urls, namespace="expertgroup_admin"))]


class ExpertCallsMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(request.user.is_staff)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return ExpertCallsMenuItem(
        _("Expert calls"), reverse("expertgroup_admin:index"), icon_name="group", order=250
    )


@hooks.register("register_page_header_buttons")
def call_buttons(page, user, view_name=None, next_url=None):
    from wagtail.admin.widgets import Button

    if not isinstance(page.specific_deferred, ExpertCallPage) or not rules.can_manage_call(
        user, page
    ):
        return []
    # A translation's applications are its original's (participation.i18n).
    source = page.specific_deferred.submissions_page()
    return [
        Button(
            _("Applications (on the original page)") if source.pk != page.pk else _("Applications"),
            reverse("expertgroup_admin:call", args=[source.pk]),
            icon_name="group",
            priority=60,
        )
    ]


@hooks.register("register_themed_content")
def themed_calls(theme, request):
    """Open expert calls on a theme's page."""
    # One card per call, in the reader's language where it is translated.
    calls = in_reader_language(ExpertCallPage.objects.live().public().filter(themes=theme))
    every = list(with_submissions_pages(calls.order_by("closes_at")))
    pages = [page for page in every if page.is_open]
    # The list changes when a call opens or closes: the theme's page keeps it until then.
    now = timezone.now()
    ends = [t for p in every for t in (p.opens_at, p.closes_at) if t is not None and t > now]
    return ThemedSection(
        until=min(ends, default=None),
        heading=_("Open calls for experts"),
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


@hooks.register(PARTICIPATION_FIGURES_HOOK)
@versioned(figures.KEY)
def expert_figures(theme):
    """Applicants and experts (selected members), for one theme or for all: one query."""
    submitted = Application.objects.exclude(status=Application.Status.DRAFT).exclude(
        status=Application.Status.WITHDRAWN
    )
    if theme is not None:
        submitted = submitted.filter(expertise=theme)
    totals = submitted.aggregate(
        applicants=Count("user", distinct=True),
        experts=Count("user", filter=Q(decision=Decision.SELECTED), distinct=True),
    )
    group = str(_("Migrant Expert Group"))
    return [
        Figure("expertgroup.applicants", str(_("Applicants")), totals["applicants"], group),
        Figure("expertgroup.experts", str(_("Experts selected")), totals["experts"], group),
    ]


@hooks.register("participation_personal_data")
def applications_data(user):
    """A person's own applications, with their own special-category declarations."""
    applications = (
        Application.objects.filter(user=user)
        .select_related("call", "organisation", "sensitive")
        .prefetch_related("expertise")
    )
    rows = []
    for a in applications:
        sensitive = getattr(a, "sensitive", None) if a.sensitive_erased_at is None else None
        rows.append(
            {
                "call": a.call.title,
                "status": a.status,
                "receipt_number": a.receipt_number,
                "on_behalf_of": a.organisation.name if a.organisation else None,
                "full_name": a.full_name,
                "profile_type": a.profile_type,
                "expertise": [t.slug for t in a.expertise.all()],
                "languages": a.languages,
                "country_of_residence": a.country.code or None,
                "motivation": a.motivation,
                "experience": a.experience,
                "answers": a.answers,
                "cv": bool(a.cv),
                "public_profile_consent": a.public_profile_consent,
                "decision": a.decision or None,
                "special_category_data": {
                    "migrant_background": sensitive.migrant_background,
                    "gender": sensitive.gender,
                    "gender_self_described": sensitive.gender_self_described,
                    "nationalities": sensitive.nationalities,
                }
                if sensitive
                else None,
                "started": a.created_at.isoformat(),
                "submitted": a.submitted_at.isoformat() if a.submitted_at else None,
            }
        )
    return "expertgroup_applications", rows


@hooks.register("participation_account_deletion_blockers")
def membership_blocks_deletion(user):
    """A selected member is asked to step down first, so the reserve list takes the seat."""
    return [
        _("You are a member of “%(call)s”. Ask its secretariat to let you step down first.")
        % {"call": a.call.title}
        for a in Application.objects.filter(user=user, decision=Decision.SELECTED).select_related(
            "call"
        )
    ]


@hooks.register("participation_before_account_delete")
def erase_applications(user):
    """Applications outlive the account only as anonymous statistics: personal text, files and
    special-category data go."""
    from .services import erase_application

    for application in Application.objects.filter(user=user):
        erase_application(application)


@hooks.register("register_periodic_jobs")
def expertgroup_periodic_jobs():
    from datetime import timedelta

    from participation.operations.periodic import PeriodicJob

    return [PeriodicJob("erase_expertgroup_data", timedelta(days=1))]
