"""Admin wiring of the award, and its contributions to themes, figures and personal data."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from participation.i18n import in_reader_language, with_submissions_pages
from themes.figures import PARTICIPATION_FIGURES_HOOK, Figure, versioned
from themes.selectors import THEMED_CONTENT_HOOK, ThemedItem, ThemedSection

from . import admin_urls, figures
from .models import AwardEditionPage
from .rules import edition_editor


@hooks.register("register_admin_urls")
def register_award_admin_urls():
    return [path("awards/", include(admin_urls, namespace="awards_admin"))]


@hooks.register("register_page_header_buttons")
def award_buttons(page, user, view_name=None, next_url=None):
    from wagtail.admin.widgets import Button

    if not isinstance(page.specific_deferred, AwardEditionPage) or not edition_editor(
        user, page.specific_deferred
    ):
        return []
    # A translation's nominations, juries and results are its original's (participation.i18n).
    source = page.specific_deferred.submissions_page()
    return [
        Button(
            _("Juries and results (on the original page)")
            if source.pk != page.pk
            else _("Juries and results"),
            reverse("awards_admin:edition", args=[source.pk]),
            icon_name="tasks",
            priority=60,
        )
    ]


@hooks.register(THEMED_CONTENT_HOOK)
def themed_editions(theme, request):
    # One card per edition, in the reader's language where it is translated.
    pages = with_submissions_pages(
        in_reader_language(AwardEditionPage.objects.live().public().filter(themes=theme)).order_by(
            "-opens_at"
        )
    )
    return ThemedSection(
        heading=_("Integration award"),
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
def award_figures(theme):
    counts = figures.counts(theme)
    group = str(_("Integration award"))
    return [
        Figure("awards.nominations", str(_("Nominations")), counts["nominations"], group),
        Figure("awards.winners", str(_("Winners")), counts["winners"], group),
    ]


@hooks.register("participation_personal_data")
def award_personal_data(user):
    from .models import AudienceVote, Nomination

    nominations = (
        Nomination.objects.filter(user=user)
        .select_related("edition", "category", "organisation")
        .prefetch_related("files")
    )
    return "award_nominations", {
        "nominations": [
            {
                "edition": n.edition.title,
                "category": n.category.name,
                "kind": n.kind,
                "on_behalf_of": n.organisation.name if n.organisation else None,
                "status": n.status,
                "receipt_number": n.receipt_number,
                "nominee": n.nominee_name,
                "nominee_contact": {"name": n.contact_name, "email": n.contact_email},
                "project_title": n.project_title,
                "description": n.description,
                "results": n.results,
                "evidence_links": n.evidence_links,
                "files": [f.original_name for f in n.files.all()],
                "started": n.created_at.isoformat(),
                "submitted": n.submitted_at.isoformat() if n.submitted_at else None,
            }
            for n in nominations
        ],
        "audience_votes": [
            {
                "edition": v.edition.title,
                "for": v.nomination.nominee_name,
                "at": v.created_at.isoformat(),
            }
            for v in AudienceVote.objects.filter(user=user).select_related("edition", "nomination")
        ],
    }


@hooks.register("participation_before_account_delete")
def forget_award_drafts(user):
    """Drafts nobody else can finish go with the account; submitted nominations stay (the
    award's record) and lose their link to the person (the foreign key is set to null)."""
    from .models import Nomination

    for draft in Nomination.objects.filter(
        user=user, organisation__isnull=True, status=Nomination.Status.DRAFT
    ):
        for stored in draft.files.all():
            stored.file.delete(save=False)
        draft.delete()
