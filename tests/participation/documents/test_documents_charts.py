"""Bar charts as server-side SVG, the same object in web pages and PDFs, with a data table."""

import re

import pytest
from django.template import engines

from participation.documents import pdf, svgtext
from participation.documents.charts import bar_chart

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
