"""What the board, the open data and the progress report show, gathered in one place.

A fixed number of queries whatever the number of commitments, indicator values or responses:
aggregates in SQL, charts cached until a value changes (the key holds the data version).
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from participation.documents.charts import DASHES, PALETTE, bar_chart, line_chart
from participation.translation_rows import Localised, fingerprint, localised
from themes.figures import participation_figures
from themes.selectors import canonical_themes, localized

from . import services

CACHE_SECONDS = 60 * 60
INDICATOR_TEXTS = ("name", "definition", "unit", "source")


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
    trend: object = None  # Trend: the whole plan's board draws this instead of over_time
    theme_name: str = ""  # the indicator's theme in the reader's language, set by the view
    # Its texts in the reader's language (or the original's, with its language), read once:
    # the cached copy needs no query to show them.
    name: Localised | None = None
    definition: Localised | None = None
    unit: Localised | None = None
    source: Localised | None = None

    def __post_init__(self):
        for name in INDICATOR_TEXTS:
            if getattr(self, name) is None:
                setattr(self, name, localised(self.indicator, name))


@dataclass
class Trend:
    """An indicator over the years as a small line chart, for the whole plan's board: pygal's
    sparkline (``Sparkline``: about 1 KB where the full chart weighs 3.5 KB), so that twenty
    indicators stay light on a phone. Its title and description are its text alternative; the
    page writes the highest and lowest values and the first and last years around it, and its
    legend; the table of the values follows, and the theme's board has the full chart and the
    values by place."""

    sparkline: object  # participation.documents.charts.Sparkline
    description: str
    high: str  # the highest and lowest value drawn, the first and last year, as shown
    low: str
    first: str
    last: str
    legend: list = field(default_factory=list)  # (colour, dashes, name) with two series or more


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
    name = localised(indicator, "name").text
    unit = localised(indicator, "unit").text
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


def trend(chart) -> Trend:
    """The small version of a line ``Chart`` (same categories, series and formatted values) and
    the words around it: the extremes and years it spans, its legend, and a description that
    gives each series' first and last value."""
    numbers = [float(v) for _name, values in chart.series for v in values if v is not None]
    count = len(chart.categories)
    rows = chart.rows  # the values as the table shows them
    shown = {}  # the formatted text of each value, for the labels of the extremes
    legend, ends = [], []
    for number, (name, values) in enumerate(chart.series):
        dashes = DASHES[number % len(DASHES)].replace(",", " ")
        legend.append((PALETTE[number % len(PALETTE)], dashes, name))
        drawn = [i for i, v in enumerate(values) if v is not None]
        for i in drawn:
            shown.setdefault(float(values[i]), rows[i][1][number])
        if not drawn:
            continue
        i, j = drawn[0], drawn[-1]
        if i == j:
            text = _("%(series)s: %(value)s in %(year)s.") % {
                "series": name,
                "value": rows[i][1][number],
                "year": chart.categories[i],
            }
        else:
            text = _("%(series)s: %(start)s in %(first)s, %(end)s in %(last)s.") % {
                "series": name,
                "start": rows[i][1][number],
                "first": chart.categories[i],
                "end": rows[j][1][number],
                "last": chart.categories[j],
            }
        ends.append(text)
    description = " ".join([*ends, _("The data are in the table that follows.")])
    return Trend(
        sparkline=chart.sparkline(description),
        description=description,
        high=shown[max(numbers)] if numbers else "",
        low=shown[min(numbers)] if numbers else "",
        first=chart.categories[0] if count else "",
        last=chart.categories[-1] if count > 1 else "",
        legend=legend if len(legend) > 1 else [],
    )


def indicators_key(theme, filters: Filters, indicators=None) -> str:
    """What the indicators of a board show: the theme, the filters, the language, the values'
    version and the texts (an editor's change of a name, a unit or a translation shows at
    once). Three queries."""
    if indicators is None:
        indicators = list(services.indicators_for(theme))
    ids = [i.pk for i in indicators]
    version = services.data_version(ids) if ids else "-"
    texts = fingerprint(indicators, (*INDICATOR_TEXTS, "higher_is_better"))
    return "monitoring:indicators:{}:{}:{}:{}:{}:{}".format(
        theme.pk if theme else "all",
        filters.country or "-",
        filters.year or "-",
        translation.get_language() or "",
        version,
        texts,
    )


def indicator_views(theme, filters: Filters) -> list[IndicatorView]:
    indicators = list(services.indicators_for(theme))
    if not indicators:
        return []
    ids = [i.pk for i in indicators]
    key = indicators_key(theme, filters, indicators)
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
            # Render now, so the cached copy holds the SVG and the table, not the work. The
            # whole plan's board draws the small trend (a PDF still draws the full chart).
            if theme is None:
                view.trend = trend(view.over_time)
                view.trend.sparkline.svg  # noqa: B018
                view.over_time.table  # noqa: B018
            else:
                for chart in (view.over_time, view.by_place):
                    if chart is not None:
                        chart.svg  # noqa: B018
                        chart.table  # noqa: B018
        views.append(view)
    cache.set(key, views, CACHE_SECONDS)
    return views


def board_data(
    theme, filters: Filters, *, commitments_status: str = "", with_indicators: bool = True
) -> dict:
    return {
        "figures": grouped_figures(theme),
        "status_counts": services.status_counts(theme),
        "commitments": services.commitment_list(theme, commitments_status),
        # The web board renders them from its cached fragment (views.board) when it can.
        "indicators": indicator_views(theme, filters) if with_indicators else None,
    }
