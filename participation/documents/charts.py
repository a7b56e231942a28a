"""Bar and stacked-bar charts as SVG drawn on the server (pygal), for web pages and PDFs alike.

    chart = bar_chart(_("Answers by theme"), ["Health", "Housing"],
                      {"Yes": [12, 4], "No": [3, 9]}, stacked=True)
    chart.svg    # inline <svg role="img"> with <title> and <desc>
    chart.table  # the same data as an HTML table: the chart's text alternative
    {{ chart }}  # both, in a <figure> (template: documents/chart.html)
    line_chart(...).sparkline(description).svg  # the same line chart small (pygal's sparkline)

Labels are real SVG text: browsers shape them, and the PDF engine draws Arabic and Persian
labels joined and right to left (see svgtext.py).
"""

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .fonts import font_stack

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale print.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
# In a PDF our fonts for every script; on a web page the visitor's.
FONT_FAMILY = font_stack() + ', "Noto Sans", "Segoe UI", Roboto, Arial, sans-serif'
_ID_RE = re.compile(r'\bid="([^"]+)"')
# A sparkline tells its series apart by dashes as well as colour: the first solid, then these.
DASHES = ("", "6,3", "2,3", "8,3,2,3")
# pygal's CSS for a sparkline: what its lines and dots need, instead of 6 KB of theme and hover
# rules (pygal always adds its base.css, font sizes of text a sparkline does not draw).
SPARKLINE_CSS = Path(__file__).parent / "templates" / "documents" / "pygal_sparkline.css"


def _style(scale: float = 1):
    from pygal.style import Style

    return Style(
        font_family=FONT_FAMILY,
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1a1a1a",
        foreground_strong="#1a1a1a",
        foreground_subtle="#c8c8c8",
        colors=PALETTE,
        opacity="1",
        opacity_hover="0.85",
        transition="0ms",
        title_font_size=round(16 * scale),
        legend_font_size=round(13 * scale),
        label_font_size=round(12 * scale),
        major_label_font_size=round(12 * scale),
        guide_stroke_dasharray="2,3",
        major_guide_stroke_dasharray="2,3",
    )


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float | Decimal) and value != int(value):
        return formats.number_format(value, decimal_pos=1, use_l10n=True)
    return formats.number_format(int(value), use_l10n=True, force_grouping=True)


_ROOT_ID_RE = re.compile(r'<svg[^>]*?\bid="(chart-[0-9a-f-]{36})"')
# What only pygal's tooltip script reads (no script is sent): per point, its value and position.
_TOOLTIP_DESC_RE = re.compile(r'<desc class="(?:value|x[^"]*|y[^"]*|x_label|label)">[^<]*</desc>')
_LONG_DECIMAL_RE = re.compile(r"(\d\.\d)\d+")
_SCRIPT_ONLY = (
    # The tooltip box, the empty layer of printed values and each guide's hover title.
    (re.compile(r'<g [^>]*class="plot tooltip-overlay">.*?</g></g>', re.S), ""),
    (re.compile(r'<g [^>]*class="plot text-overlay">(?:<g class="[^"]*" />)*</g>'), ""),
    (re.compile(r"(</text>)<title>[^<]*</title>"), r"\1"),
    (re.compile(r" reactive| tooltip-trigger"), ""),
    (re.compile(r' class=""'), ""),
)
# CSS rules for hover, tooltips and transitions: nothing to apply without the script.
_CSS_RULE_RE = re.compile(r"[^{}]+\{[^{}]*\}")
_DEAD_CSS = (".tooltip", ".reactive", "transition", ".activate-serie", ":hover", ".text-overlay")


def _compact(svg: str, uid: str) -> str:
    """pygal's SVG without what no reader of a page or PDF uses: the tooltip data of every
    point, the CSS of hover and tooltips, coordinates to 15 decimals, and the 36-character id
    repeated in every CSS rule (the chart's short uid instead). A chart weighs about half."""
    match = _ROOT_ID_RE.search(svg)
    if match:
        svg = svg.replace(match.group(1), uid)
    svg = _TOOLTIP_DESC_RE.sub("", svg)
    svg = _LONG_DECIMAL_RE.sub(r"\1", svg)
    for pattern, replacement in _SCRIPT_ONLY:
        svg = pattern.sub(replacement, svg)
    style_start = svg.find("<style")
    if style_start != -1:
        body_start = svg.index(">", style_start) + 1
        body_end = svg.index("</style>", body_start)
        css = _CSS_RULE_RE.sub(
            lambda rule: "" if any(dead in rule.group(0) for dead in _DEAD_CSS) else rule.group(0),
            svg[body_start:body_end].replace("\n", ""),
        )
        svg = svg[:body_start] + css + svg[body_end:]
    return svg


def _accessible(svg: str, uid: str, title: str, summary: str) -> str:
    """pygal's SVG compacted, with ids unique to the chart, no script, and an accessible root:
    role="img" named by a <title> and a <desc> of our own."""
    svg = _compact(svg, uid)

    # Ids unique per chart (pygal repeats "activate-serie-0" in every chart of a page).
    def unique(match):
        name = match.group(1)
        return match.group(0) if name.startswith("chart-") else f'id="{uid}-{name}"'

    svg = _ID_RE.sub(unique, svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    # pygal writes its configuration (labels included) into a <script>: none wanted.
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.S | re.I)
    # A style attribute would be blocked by the Content Security Policy; the SVG
    # presentation attribute does the same and is allowed.
    svg = svg.replace('style="opacity: 0"', 'opacity="0"')
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    head = (
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(summary)}</desc>'
    )
    root_end = svg.index(">") + 1
    root = svg[: root_end - 1]
    root += f' role="img" aria-labelledby="{title_id} {desc_id}" focusable="false">'
    return root + head + svg[root_end:]


@dataclass
class Chart:
    """A bar chart: ``.svg`` for the eye, ``.table`` as its text alternative."""

    title: str
    categories: list[str]
    series: list[tuple[str, list]]
    stacked: bool = False
    horizontal: bool = False
    description: str = ""
    line: bool = False  # a line chart (values over time) instead of bars
    uid: str = field(default_factory=lambda: f"chart-{uuid.uuid4().hex[:12]}")
    # The class of the SVG's root: a web page sends each distinct stylesheet once, scoped to it.
    css_scope = "pygal-chart"

    @property
    def summary(self) -> str:
        if self.description:
            return self.description
        if self.line:
            kind = _("Line chart")
        else:
            kind = _("Stacked bar chart") if self.stacked else _("Bar chart")
        return "{}: {}, {}. {}".format(
            kind,
            ngettext("%(count)d category", "%(count)d categories", len(self.categories))
            % {"count": len(self.categories)},
            ngettext("%(count)d series", "%(count)d series", len(self.series))
            % {"count": len(self.series)},
            _("The data are in the table that follows."),
        )

    @cached_property
    def svg(self) -> SafeString:
        import pygal

        if self.line:
            cls = pygal.Line
        elif self.horizontal:
            cls = pygal.HorizontalStackedBar if self.stacked else pygal.HorizontalBar
        else:
            cls = pygal.StackedBar if self.stacked else pygal.Bar
        categories, series = list(self.categories), self.series
        # pygal draws the first category at the bottom; read top-down
        if self.horizontal and not self.line:
            categories = categories[::-1]
            series = [(name, list(values)[::-1]) for name, values in series]
        chart = cls(**self._config(categories, series))
        chart.x_labels = [self._label(str(category)) for category in categories]
        for name, values in series:
            chart.add(str(name), [None if v is None else float(v) for v in values])
        svg = chart.render(is_unicode=True)
        return mark_safe(self._accessible(svg))  # noqa: S308 - built by pygal's XML writer

    def _config(self, categories, series) -> dict:
        height = (
            max(280, 110 + 34 * len(categories) * (1 if self.stacked else max(1, len(series))))
            if self.horizontal and not self.line
            else 420
        )
        return dict(
            style=_style(),
            width=800,
            height=min(height, 1400),
            title=str(self.title),
            disable_xml_declaration=True,
            js=[],
            legend_at_bottom=True,
            show_legend=len(series) > 1,
            legend_at_bottom_columns=min(max(len(series), 1), 4),
            print_values=False,
            margin=12,
            max_scale=6,  # a few round ticks: readable on a phone, and lighter
            spacing=14,
            x_label_rotation=0,
            truncate_label=28,
            truncate_legend=32,
            value_formatter=_number,
            no_data_text=_("No data"),
        )

    def _accessible(self, svg: str) -> str:
        return _accessible(svg, self.uid, self.title, self.summary)

    def _label(self, label: str) -> str:
        return label

    def narrow(self) -> "NarrowChart":
        """This chart drawn for a narrow screen (see ``NarrowChart``)."""
        return NarrowChart(
            title=self.title,
            categories=self.categories,
            series=self.series,
            stacked=self.stacked,
            horizontal=not self.line,
            description=self.description,
            line=self.line,
            uid=f"{self.uid}-n",
        )

    def sparkline(self, description: str = "") -> "Sparkline":
        """This line chart small, for a list of many (see ``Sparkline``); ``description``: its
        text alternative (by default the chart's summary)."""
        return Sparkline(
            title=self.title,
            description=description or self.summary,
            series=self.series,
            uid=f"{self.uid}-spark",
        )

    @cached_property
    def table(self) -> SafeString:
        return mark_safe(  # noqa: S308 - template output, autoescaped
            render_to_string("documents/chart_table.html", {"chart": self, "rows": self.rows})
        )

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        return [
            (category, [_number(values[i]) for _, values in self.series])
            for i, category in enumerate(self.categories)
        ]

    def __html__(self) -> str:
        return render_to_string("documents/chart.html", {"chart": self})

    def __str__(self) -> str:
        return self.__html__()


class NarrowChart(Chart):
    """A chart for a phone (320 px and up): an 800-unit wide chart shrunk to a 290 px column
    draws its 12-unit labels 4 px high. This one is drawn 360 units wide, its bars always
    horizontal (a label per row, not squeezed under the bars), its text larger, one legend
    entry a line and no title inside (the page's heading says it; the SVG's <title> stays):
    at 320 px its labels are about 12 px. Its legend is the page's (``legend``: names and
    colours), where long names wrap instead of running off the drawing; its own class keeps
    its stylesheet apart from the wide charts'."""

    css_scope = "pygal-chart-narrow"

    def _config(self, categories, series) -> dict:
        config = super()._config(categories, series)
        rows = len(categories) * (1 if self.stacked or self.line else max(1, len(series)))
        config.update(
            style=_style(scale=15 / 12),
            width=360,
            height=min(1400, 320 if self.line else max(140, 60 + 34 * rows)),
            title=None,
            show_legend=False,
            margin=6,
            max_scale=4,
            classes=[self.css_scope],
        )
        return config

    LABEL = 16  # characters of a bar's label: pygal does not cut those of horizontal bars

    def _label(self, label: str) -> str:
        # The whole label is in the table beside the chart.
        return label if len(label) <= self.LABEL else label[: self.LABEL - 1].rstrip() + "…"

    @property
    def legend(self) -> list[tuple[str, str]]:
        """(series name, its colour), for the page to show when there are several series."""
        if len(self.series) < 2:
            return []
        return [(name, PALETTE[n % len(PALETTE)]) for n, (name, _v) in enumerate(self.series)]


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence] | Sequence[tuple[str, Sequence]],
    *,
    stacked: bool = False,
    horizontal: bool | None = None,
    description: str = "",
) -> Chart:
    """A bar chart (``stacked=True``: stacked bars) of ``series`` over ``categories``.

    ``series``: {"Yes": [3, 4], "No": [1, 0]} or [("Yes", [3, 4]), ...], one value per category
    (None for none). ``horizontal=None`` chooses horizontal bars for many or long labels.
    """
    categories = [str(category) for category in categories]
    items = list(series.items()) if isinstance(series, Mapping) else list(series)
    normalised = []
    for name, values in items:
        values = list(values)
        if len(values) != len(categories):
            raise ValueError(
                f"series {name!r} has {len(values)} values for {len(categories)} categories"
            )
        normalised.append((str(name), values))
    if horizontal is None:
        horizontal = len(categories) > 6 or any(len(c) > 14 for c in categories)
    return Chart(
        title=str(title),
        categories=categories,
        series=normalised,
        stacked=stacked,
        horizontal=horizontal,
        description=description,
    )


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence] | Sequence[tuple[str, Sequence]],
    *,
    description: str = "",
) -> Chart:
    """A line chart of ``series`` over ``categories`` (for example years), one value per
    category (None where there is none: the line has a gap). Same ``.svg`` and ``.table``."""
    chart = bar_chart(title, categories, series, horizontal=False, description=description)
    chart.line = True
    return chart


@dataclass
class Sparkline:
    """A line chart small (pygal's sparkline), for a page that lists many: no axes, labels,
    legend, tooltips or script, and a minimal stylesheet. Years without a value leave a gap;
    each series has its colour and its dashes (``DASHES``), so the page's legend tells them
    apart without colour; a dot marks each value standing alone and each series' latest. The
    page writes the extremes and years around it; ``.svg`` is an ``<svg role="img">`` whose
    title and description are its text alternative, as a ``Chart``'s."""

    title: str
    description: str
    series: list[tuple[str, list]]
    uid: str
    width: int = 320
    height: int = 64
    css_scope = "pygal-sparkline"

    @cached_property
    def svg(self) -> SafeString:
        import pygal
        from pygal.style import Style

        # pygal's style gives one colour per pygal series: a line, then its dots, alike.
        colours = [PALETTE[n % len(PALETTE)] for n in range(len(self.series)) for _twice in "ld"]
        chart = pygal.Line(
            # A sparkline draws no text: the font is the page's.
            style=Style(colors=tuple(colours) or PALETTE[:1], font_family="inherit"),
            css=[f"file://{SPARKLINE_CSS}"],
            allow_interruptions=True,
            disable_xml_declaration=True,
            dots_size=3,
        )
        for number, (name, values) in enumerate(self.series):
            values = [None if v is None else float(v) for v in values]
            stroke = {"width": 2, "linejoin": "round", "linecap": "round"}
            if DASHES[number % len(DASHES)]:
                stroke["dasharray"] = DASHES[number % len(DASHES)]
            chart.add(str(name), values, show_dots=False, stroke_style=stroke)
            chart.add(str(name), _dots(values), show_dots=True, stroke=False)
        svg = chart.render_sparkline(
            width=self.width,
            height=self.height,
            margin=4,  # room for the dots at the edges
            classes=[self.css_scope],
            is_unicode=True,
        )
        # pygal names a chart without a title "Pygal"; ours is the first element.
        svg = svg.replace("<title>Pygal</title>", "")
        return mark_safe(  # noqa: S308 - built by pygal's XML writer
            _accessible(svg, self.uid, self.title, self.description)
        )


def _dots(values: list) -> list:
    """The values a line cannot show (those standing alone between gaps) and the latest."""
    shown = [None] * len(values)
    present = [i for i, value in enumerate(values) if value is not None]
    for i in present:
        before = i > 0 and values[i - 1] is not None
        after = i + 1 < len(values) and values[i + 1] is not None
        if not (before or after) or i == present[-1]:
            shown[i] = values[i]
    return shown
