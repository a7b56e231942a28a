"""Bar charts as server-side SVG, the same object in web pages and PDFs, with a data table."""

import re

import pytest
from django.template import engines

from participation.documents import pdf, svgtext
from participation.documents.charts import PALETTE, bar_chart

THEMES = ["Освіта", "التعليم", "ትምህርቲ", "Sağlık"]


def chart(**kwargs):
    return bar_chart(
        "Answers by theme",
        THEMES,
        {"Yes": [12, 9, 4, 7], "لا": [3, 5, 2, 4]},
        **kwargs,
    )


def test_svg_is_an_accessible_image_with_title_and_description():
    svg = str(chart().svg)
    assert svg.startswith("<svg")
    root = svg[: svg.index(">")]
    assert 'role="img"' in root
    title_id, desc_id = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', root).groups()
    assert f'<title id="{title_id}">Answers by theme</title>' in svg
    assert f'<desc id="{desc_id}">Bar chart: 4 categories, 2 series.' in svg
    for label in THEMES + ["Yes", "لا"]:
        assert label in svg
    assert "<script" not in svg


def test_two_charts_on_one_page_have_distinct_ids():
    ids_a = set(re.findall(r'id="([^"]+)"', str(chart().svg)))
    ids_b = set(re.findall(r'id="([^"]+)"', str(chart().svg)))
    assert ids_a and not ids_a & ids_b


def test_data_table_is_the_text_alternative():
    table = str(chart(stacked=True).table)
    assert "<caption>Answers by theme</caption>" in table
    assert '<th scope="col">Yes</th>' in table and '<th scope="col">لا</th>' in table
    assert '<th scope="row">التعليم</th><td class="number">9</td><td class="number">5</td>' in (
        table.replace("\n", "")
    )


def test_stacked_and_horizontal_variants():
    stacked = chart(stacked=True)
    assert stacked.stacked and "Stacked bar chart" in stacked.summary
    many = bar_chart("Many", [f"Category {i}" for i in range(10)], {"n": list(range(10))})
    assert many.horizontal
    assert "Category 9" in str(many.svg)


def test_labels_are_escaped():
    evil = bar_chart("<b>Title</b>", ["<script>alert(1)</script>"], {"<img src=x>": [1]})
    svg, table = str(evil.svg), str(evil.table)
    for markup in ("<script>alert", "<img src=x>", "<b>Title"):
        assert markup not in svg and markup not in table
    assert "&lt;script&gt;" in svg and "&lt;script&gt;" in table


def test_series_must_match_the_categories():
    with pytest.raises(ValueError):
        bar_chart("Bad", ["a", "b"], {"x": [1]})


def test_same_chart_in_a_web_page():
    template = engines["django"].from_string("<main>{{ chart }}</main>")
    html = template.render({"chart": chart()})
    assert '<figure class="chart"' in html and 'role="img"' in html
    assert "<details" in html and "<table" in html


@pytest.mark.django_db
def test_same_chart_in_a_pdf_with_shaped_arabic_labels(pdfcheck):
    the_chart = chart(stacked=True)
    html = pdf.render_html(
        "documents/summary.html",
        {"charts": [the_chart], "submissions": []},
        title="Charts",
        author="",
        lang="en",
    )
    rendered = pdf.html_to_pdf(html)
    text = pdfcheck.text(rendered.content)
    # Labels drawn as text (not outlines), extracted in logical order, with their own fonts.
    assert "التعليم" in text and "Освіта" in text and "ትምህርቲ" in text
    fonts = {font for run, font in pdfcheck.runs(rendered.content) if "التعليم" in run}
    assert fonts and all(font.startswith("Participation-Naskh") for font in fonts)
    assert pdfcheck.notdef(rendered.content) == []


def test_svg_text_shaping_is_installed_for_weasyprint():
    import importlib

    pdf.warm_up()
    svg_module = importlib.import_module("weasyprint.svg")
    assert svg_module.TAGS["text"] is svg_module.text
    assert hasattr(svg_module.text, "original")
    assert svgtext.needs_shaping("التعليم") and svgtext.needs_shaping("पानी")
    assert not svgtext.needs_shaping("Освіта ትምህርቲ Health")


def test_svg_leaves_out_what_only_pygal_tooltips_used():
    from participation.documents.charts import line_chart

    line = line_chart("Over time", ["2019", "2020", "2021"], {"Mean": [38.123456, 40.5, 41.25]})
    svg = str(line.svg)
    assert "tooltip" not in svg and '<desc class="value">' not in svg
    assert not re.search(r"\d\.\d{2,}", svg)  # coordinates to one decimal
    assert not re.search(r'id="chart-[0-9a-f]{8}-', svg)  # pygal's long id is gone everywhere
    assert svg.count("<circle") == 3 and "2021" in svg  # every point and label is still drawn


CHARTS_TEMPLATE = "{% load documents_tags %}{% for c in charts %}{% chart_svg c %}{% endfor %}"


def test_charts_of_one_web_page_share_one_stylesheet_with_the_nonce():
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.csp_nonce = "abc123"
    template = engines["django"].from_string(CHARTS_TEMPLATE)
    charts = [chart(), chart(), chart(stacked=True)]
    html = template.render({"charts": charts, "request": request})
    styles = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S)
    # Each distinct stylesheet once (the two plain bar charts share theirs).
    assert 1 <= len(styles) < 3 and len(set(styles)) == len(styles)
    assert html.count('<style nonce="abc123"') == len(styles)
    assert all(".pygal-chart .color-0" in css and "#chart-" not in css for css in styles)
    assert html.count('class="pygal-chart"') == 3
    # A PDF (no request): every chart keeps its own stylesheet.
    alone = template.render({"charts": charts})
    assert alone.count("<style") == 3
    printed = template.render({"charts": charts, "request": request, "document_title": "S"})
    assert printed.count("<style") == 3


def test_narrow_chart_is_drawn_for_a_phone():
    """At 320 px a page column is about 290 px: the narrow chart's labels shrink by 290/360
    (15 units -> 12 px); the wide one's by 290/800 (12 units -> 4 px)."""
    wide = chart(stacked=True, horizontal=False)
    narrow = wide.narrow()
    svg = str(narrow.svg)
    root = svg[: svg.index(">")]
    assert 'viewBox="0 0 360 ' in root and 'class="pygal-chart-narrow"' in root
    assert 'role="img"' in root and "<title id=" in svg  # named as the wide one
    assert 'class="title"' not in svg  # no title drawn: the page's heading says it
    assert narrow.horizontal and narrow.rows == wide.rows  # the same data, a row per bar
    assert re.search(r"font-size: ?15px", svg)
    for label in THEMES:
        assert label in svg
    # The legend is the page's (it wraps); a long label is cut, whole in the table.
    assert 'class="legends"' not in svg
    assert narrow.legend == [("Yes", PALETTE[0]), ("لا", PALETTE[1])]
    long = bar_chart("Q", ["Partial recognition and top-up courses"], {"n": [3]}).narrow()
    assert "Partial recogni…<" in str(long.svg) and long.legend == []
    assert long.rows[0][0] == "Partial recognition and top-up courses"
