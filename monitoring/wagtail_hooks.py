from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import HeaderButton, ListingButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from participation.admin_reports import listing_export
from participation.permissions import allowed

from . import admin_views, services
from .models import Commitment, Indicator

MENU_HOOK = "register_monitoring_menu_item"

# One policy per model (Wagtail's model permissions); the snippet views and the hand-built
# pages (admin_views) ask it through ``participation.permissions.allowed``.
register_permission_policy(Commitment)
register_permission_policy(Indicator)


class CommitmentIndexView(IndexView):
    def get_base_queryset(self):
        # The listing's export names the consultation and the organisation: one query.
        return super().get_base_queryset().select_related("consultation", "owner_organisation")

    @property
    def header_buttons(self):
        buttons = super().header_buttons
        if allowed(self.request.user, Commitment, "add"):
            buttons.append(
                HeaderButton(
                    _("From consultations' outcomes"),
                    url=reverse("monitoring_outcomes"),
                    icon_name="list-ul",
                )
            )
        return buttons


class CommitmentViewSet(SnippetViewSet):
    model = Commitment
    icon = "list-ul"
    menu_label = _("Commitments")
    index_view_class = CommitmentIndexView
    list_display = ["title", "status", "progress", "due_on", "updated_at"]
    list_filter = ["status", "themes"]
    search_fields = ["title", "description"]
    list_export, export_headings = listing_export(
        Commitment,
        [
            "title",
            "status",
            "progress",
            "starts_on",
            "due_on",
            "consultation",
            "owner_organisation",
            "owner_department",
            "updated_at",
        ],
    )
    export_filename = "commitments"


class IndicatorIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("theme")

    @property
    def header_buttons(self):
        buttons = super().header_buttons
        if allowed(self.request.user, Indicator, "change"):
            buttons.append(
                HeaderButton(
                    _("Upload values (CSV)"), url=reverse("monitoring_upload"), icon_name="upload"
                )
            )
        return buttons


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "view"
    menu_label = _("Indicators")
    index_view_class = IndicatorIndexView
    list_display = ["name", "theme", "unit", "slug"]
    list_filter = ["theme"]
    search_fields = ["name", "definition"]
    list_export, export_headings = listing_export(
        Indicator, ["name", "slug", "theme", "unit", "source", "source_url", "higher_is_better"]
    )
    export_filename = "indicators"


class MonitoringGroup(SnippetViewSetGroup):
    items = (CommitmentViewSet, IndicatorViewSet)
    menu_icon = "view"
    menu_label = _("Monitoring")
    menu_name = "monitoring"
    menu_order = 280
    submenu_hook = MENU_HOOK


register_snippet(MonitoringGroup)


@hooks.register("register_admin_urls")
def monitoring_admin_urls():
    return [
        path(
            "monitoring/outcomes/", admin_views.OutcomesView.as_view(), name="monitoring_outcomes"
        ),
        path(
            "monitoring/commitments/<int:pk>/update/",
            admin_views.UpdateView.as_view(),
            name="monitoring_update",
        ),
        path(
            "monitoring/updates/<int:pk>/translations/",
            admin_views.UpdateTranslationsView.as_view(),
            name="monitoring_update_translations",
        ),
        path("monitoring/upload/", admin_views.UploadView.as_view(), name="monitoring_upload"),
    ]


class PermittedMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return allowed(request.user, *self.permission)


@hooks.register(MENU_HOOK)
def outcomes_menu_item():
    return PermittedMenuItem(
        _("Outcomes to track"),
        reverse("monitoring_outcomes"),
        icon_name="tick",
        order=300,
        permission=(Commitment, "add"),
    )


@hooks.register(MENU_HOOK)
def upload_menu_item():
    return PermittedMenuItem(
        _("Upload indicator values"),
        reverse("monitoring_upload"),
        icon_name="upload",
        order=310,
        permission=(Indicator, "change"),
    )


@hooks.register("register_snippet_listing_buttons")
def progress_update_button(snippet, user, next_url=None):
    if not isinstance(snippet, Commitment) or not allowed(user, Commitment, "change"):
        return []
    return [
        ListingButton(
            _("Progress update"),
            reverse("monitoring_update", args=[snippet.pk]),
            icon_name="edit",
            priority=5,
        )
    ]


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def commitment_saved(request, instance):
    # An editor's change to status, progress or dates reaches followers as an update would.
    if isinstance(instance, Commitment):
        services.changed(instance)


@hooks.register("register_themed_content")
def themed_board(theme, request):
    from themes.selectors import ThemedItem, ThemedSection

    from .models import MonitoringBoardPage

    board = MonitoringBoardPage.objects.live().public().first()
    url = board.get_url(request) if board is not None else None
    if not url:
        return None
    return ThemedSection(
        heading=_("Progress"),
        items=[
            ThemedItem(
                title=str(_("Progress board: %(theme)s") % {"theme": theme.name}),
                url=url + board.reverse_subpage("theme_board", args=[theme.slug]),
            )
        ],
    )


@hooks.register("participation_personal_data")
def follows_data(user):
    from .models import CommitmentFollow

    follows = CommitmentFollow.objects.filter(user=user).select_related("commitment")
    return "followed_commitments", [
        {"commitment": f.commitment.title, "since": f.created_at.isoformat()} for f in follows
    ]


@hooks.register("register_participation_api")
def api_endpoints():
    """The progress board's commitments (/api/v2/commitments/)."""
    from .api import CommitmentsAPIViewSet

    return [("commitments", CommitmentsAPIViewSet)]
