"""What the board, the open data and the progress report show, gathered in one place.

A fixed number of queries whatever the number of commitments, indicator values or responses:
aggregates in SQL, charts cached until a value changes (the key holds the data version).
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from participation.documents.charts import bar_chart, line_chart
from themes.figures import participation_figures
from themes.selectors import canonical_themes, localized

from . import services

CACHE_SECONDS = 60 * 60


@dataclass
class Filters:
    country: str = ""
    year: int | None = None


@dataclass
class IndicatorView:
    indicator: object
    latest_year: int | None
    latest_mean: object
    places: int
    over_time: object = None  # Chart
    by_place: object = None  # Chart
    rows_over_time: list = field(default_factory=list)


def grouped_figures(theme) -> list[tuple[str, list]]:
    """Figures from every plugin, grouped under their headings in the order they came."""
    groups: dict[str, list] = {}
    for figure in participation_figures(theme):
        groups.setdefault(figure.group or _("Participation"), []).append(figure)
    return list(groups.items())


def theme_pairs():
    return localized(canonical_themes())


def _place_label(code: str, city: str) -> str:
    name = str(country_names.name(code) or code)
    return f"{city} ({name})" if city else name


def _charts(indicator, data, filters: Filters, country_means: dict | None, with_places: bool):
    years = list(data["by_year"])
    name = indicator.name
    unit = indicator.unit
    series = [(_("Average of countries with data"), [data["by_year"][y][0] for y in years])]
    if filters.country and country_means is not None:
        label = str(country_names.name(filters.country) or filters.country)
        series.append((label, [country_means.get(y) for y in years]))
    over_time = line_chart(
        _("%(name)s over time (%(unit)s)") % {"name": name, "unit": unit},
        [str(y) for y in years],
        series,
    )
    places = sorted(
        data["by_place"].items(),
        key=lambda item: item[1],
        reverse=indicator.higher_is_better,
    )
    by_place = None
    if places and with_places:
        by_place = bar_chart(
            _("%(name)s by place, %(year)s (%(unit)s)")
            % {"name": name, "year": data["year"], "unit": unit},
            [_place_label(code, city) for (code, city), _value in places],
            {unit or _("Value"): [value for _place, value in places]},
            horizontal=True,
        )
    return over_time, by_place


def indicator_views(theme, filters: Filters) -> list[IndicatorView]:
    indicators = list(services.indicators_for(theme))
    if not indicators:
        return []
    ids = [i.pk for i in indicators]
    version = services.data_version(ids)
    key = "monitoring:indicators:{}:{}:{}:{}:{}".format(
        theme.pk if theme else "all",
        filters.country or "-",
        filters.year or "-",
        translation.get_language() or "",
        version,
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    # National values by year; the chosen country's beside the average.
    data = services.values_by_indicator(ids, year=filters.year)
    chosen = (
        services.values_by_indicator(ids, country=filters.country, year=filters.year)
        if filters.country
        else {}
    )
    views = []
    for indicator in indicators:
        found = data[indicator.pk]
        if filters.country:
            mine = chosen[indicator.pk]
            country_means = {y: mean for y, (mean, _n) in mine["by_year"].items()}
            found = {**found, "by_place": mine["by_place"], "year": mine["year"] or found["year"]}
        else:
            country_means = None
        latest_year = max(found["by_year"]) if found["by_year"] else None
        view = IndicatorView(
            indicator=indicator,
            latest_year=latest_year,
            latest_mean=found["by_year"][latest_year][0] if latest_year else None,
            places=found["by_year"][latest_year][1] if latest_year else 0,
        )
        if found["by_year"]:
            # The whole plan's board keeps to trends; each theme's board adds places.
            view.over_time, view.by_place = _charts(
                indicator, found, filters, country_means, with_places=theme is not None
            )
            # Render now, so the cached copy holds the SVG and the table, not the work.
            for chart in (view.over_time, view.by_place):
                if chart is not None:
                    chart.svg  # noqa: B018
                    chart.table  # noqa: B018
        views.append(view)
    cache.set(key, views, CACHE_SECONDS)
    return views


def board_data(theme, filters: Filters, *, commitments_status: str = "") -> dict:
    return {
        "figures": grouped_figures(theme),
        "status_counts": services.status_counts(theme),
        "commitments": services.commitment_list(theme, commitments_status),
        "indicators": indicator_views(theme, filters),
    }
