from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from participation.admin_reports import listing_export

from .models import Theme

register_permission_policy(Theme)


class ThemeIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("locale")


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["name", "kind", "slug", "locale"]
    list_filter = ["kind", "locale"]
    search_fields = ["name", "summary"]
    index_view_class = ThemeIndexView
    list_export, export_headings = listing_export(
        Theme, ["name", "kind", "slug", "summary", "locale"]
    )
    export_filename = "themes"


register_snippet(ThemeViewSet)


@hooks.register("register_admin_urls")
def figures_report_urls():
    from .admin_reports import ParticipationFiguresReport

    return [
        path(
            "reports/participation-by-theme/",
            ParticipationFiguresReport.as_view(),
            name="themes_figures_report",
        ),
        path(
            "reports/participation-by-theme/results/",
            ParticipationFiguresReport.as_view(results_only=True),
            name="themes_figures_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def figures_report_menu_item():
    return MenuItem(
        _("Participation by theme"),
        reverse("themes_figures_report"),
        name="participation-by-theme",
        icon_name="tag",
        order=1300,
    )
