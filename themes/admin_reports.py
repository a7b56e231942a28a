"""The Reports menu's "Participation by theme": every plugin's participation figures (the
``register_participation_figures`` hook, as the monitoring board shows them) for the whole
action plan and for each theme, one row per figure, filterable by theme and downloadable as CSV
or XLSX. Themes meet the plugins only through the hook: none of them is imported here."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from .figures import participation_figures
from .models import Theme
from .selectors import canonical_themes, localized


class FiguresFilterSet(WagtailFilterSet):
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), method="one_theme", queryset=lambda request: canonical_themes()
    )

    class Meta:
        model = Theme
        fields = ["theme"]

    def one_theme(self, queryset, name, value):
        return queryset.filter(pk=value.pk) if value else queryset


class FigureRow:
    def __init__(self, theme, figure):
        self.theme = theme
        self.group = figure.group
        self.label = figure.label
        self.value = figure.value


class ParticipationFiguresReport(ReportView):
    page_title = _("Participation by theme")
    header_icon = "tag"
    index_url_name = "themes_figures_report"
    index_results_url_name = "themes_figures_report_results"
    filterset_class = FiguresFilterSet
    paginate_by = 100
    columns = [
        Column("theme", label=_("Theme")),
        Column("group", label=_("Group")),
        Column("label", label=_("Figure")),
        Column("value", label=_("Value")),
    ]
    list_export = ["theme", "group", "label", "value"]
    export_headings = {column.name: column.label for column in columns}
    export_filename = "participation-by-theme"

    def get_filtered_queryset(self):
        themes = localized(self.filter_queryset(canonical_themes()).order_by("sort_order", "pk"))
        rows = []
        if not self.is_filtering:
            rows += [FigureRow(_("Whole action plan"), f) for f in participation_figures(None)]
        for canonical, shown in themes:
            rows += [FigureRow(shown.name, f) for f in participation_figures(canonical)]
        return rows
