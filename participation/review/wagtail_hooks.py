"""Admin wiring of the review engine, and its reason to require two-factor authentication."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from participation.accounts.rules import MFA_REQUIRED_HOOK
from participation.admin_reports import listing_export
from participation.permissions import allowed

from . import admin_urls, labels, rules
from .models import ReviewProcess
from .permissions import MANAGE, ReviewProcessPermissionPolicy

register_permission_policy(ReviewProcess, ReviewProcessPermissionPolicy(ReviewProcess))


@hooks.register(MFA_REQUIRED_HOOK)
def reviewer_must_use_mfa(user):
    return rules.reviewer_must_use_mfa(user)


class ReviewProcessViewSet(ModelViewSet):
    """Create and edit processes, with their phases and criteria inline. Running the process
    (reviewers, assignment, results, selection) happens on its dashboard (Review menu)."""

    model = ReviewProcess
    icon = "tasks"
    add_to_admin_menu = False
    menu_label = _("Review processes")
    list_display = ["name", "blind", "reviews_per_item", "created_at"]
    search_fields = ["name"]
    list_export, export_headings = listing_export(
        ReviewProcess,
        [
            "name",
            "item_noun",
            "blind",
            "reviews_per_item",
            "disagreement_threshold",
            "seats",
            "created_at",
        ],
    )
    export_filename = "review-processes"
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("item_noun"),
            MultiFieldPanel(
                [FieldPanel("blind"), FieldPanel("identifying_fields")], heading=_("Blind review")
            ),
            FieldRowPanel(
                [
                    FieldPanel("reviews_per_item"),
                    FieldPanel("disagreement_threshold"),
                    FieldPanel("seats"),
                ]
            ),
            InlinePanel(
                "phases",
                heading=_("Phases"),
                label=_("Phase"),
                panels=[
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("name"), FieldPanel("position")]),
                    FieldRowPanel(
                        [
                            FieldPanel("opens_at"),
                            FieldPanel("closes_at"),
                            FieldPanel("reviews_per_item"),
                        ]
                    ),
                    FieldPanel("reviews_visible_to_reviewers"),
                    FieldPanel("results_visible_to_reviewers"),
                ],
            ),
            InlinePanel(
                "criteria",
                heading=_("Criteria"),
                label=_("Criterion"),
                panels=[
                    FieldRowPanel([FieldPanel("key"), FieldPanel("name"), FieldPanel("position")]),
                    FieldPanel("guidance"),
                    FieldRowPanel(
                        [
                            FieldPanel("scale_min"),
                            FieldPanel("scale_max"),
                            FieldPanel("weight"),
                            FieldPanel("counts_in_total"),
                        ]
                    ),
                ],
            ),
        ]
    )


@hooks.register("register_admin_viewset")
def register_review_process_viewset():
    return ReviewProcessViewSet("review_processes", url_prefix="review/processes")


@hooks.register("register_admin_urls")
def register_review_admin_urls():
    return [path("review/", include(admin_urls, namespace="review_admin"))]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return allowed(request.user, ReviewProcess, MANAGE)


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return ReviewMenuItem(_("Review"), reverse("review_admin:index"), icon_name="tasks", order=260)


@hooks.register("participation_account_deletion_blockers")
def reviewing_blocks_deletion(user):
    reviewers = list(rules.reviews_in_progress(user))
    labels.share_processes(reviewers)  # names in the reader's language, a fixed cost
    return [
        _(
            "You are a reviewer in “%(process)s”, which has a phase still running. Ask its editors "
            "to remove you first."
        )
        % {"process": reviewer.process.label}
        for reviewer in reviewers
    ]


@hooks.register("participation_personal_data")
def review_personal_data(user):
    from .models import ConflictDeclaration, Review

    roles = list(user.review_roles.select_related("process"))
    return "review", {
        "roles": [
            {
                "process": r.process.name,
                "role": r.role,
                "expertise": r.expertise,
                "languages": r.languages,
                "active": r.active,
                "added_at": r.added_at.isoformat(),
            }
            for r in roles
        ],
        "conflict_declarations": [
            {
                "process": d.item.process.name,
                "item": d.item.number,
                "kind": d.kind,
                "details": d.details,
                "declared_at": d.declared_at.isoformat(),
            }
            for d in ConflictDeclaration.objects.filter(reviewer__user=user).select_related(
                "item__process"
            )
        ],
        "reviews": [
            {
                "process": r.assignment.phase.process.name,
                "phase": r.assignment.phase.label,
                "item": r.assignment.item.number,
                "scores": r.scores,
                "eligible": r.eligible,
                "comments": r.comments,
                "status": r.status,
            }
            for r in Review.objects.filter(assignment__reviewer__user=user).select_related(
                "assignment__phase__process", "assignment__item"
            )
        ],
    }
