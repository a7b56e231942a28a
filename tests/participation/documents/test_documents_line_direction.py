"""Each line of an answer in its own direction, in the HTML of a PDF and in the PDF itself."""

from io import BytesIO

import pytest
from django.template import Context, Template
from pypdf import PdfReader

from participation.documents.pdf import render_pdf

ARABIC = "نريد ترجمة المستندات مجاناً."
LINES = [
    ARABIC,
    "We want documents translated for free.",
    "Ми хочемо переклад.",
    "Θέλουμε μετάφραση.",
]


def render(value, tag="dd"):
    template = Template("{% load documents_tags %}{% user_text value tag %}")
    return template.render(Context({"value": value, "tag": tag}))


def test_html_gives_each_line_its_own_dir_after_an_arabic_first_line():
    html = render("\n".join(LINES))
    assert html.startswith('<dd class="user-text-block"><p class="user-text" dir="rtl">')
    assert f'<span class="user-line" dir="rtl">{ARABIC}</span>' in html
    for line in LINES[1:]:
        assert f'<span class="user-line" dir="ltr">{line}</span>' in html


def test_html_keeps_one_direction_paragraphs_simple_and_escapes():
    html = render("<b>one</b>\ntwo\n\nثلاثة")
    assert '<p class="user-text" dir="ltr">&lt;b&gt;one&lt;/b&gt;<br>two</p>' in html
    assert '<p class="user-text" dir="rtl">ثلاثة</p>' in html
    assert render("") == '<dd class="user-text-block"><p class="user-text" dir="ltr"></p></dd>'


@pytest.mark.django_db
def test_pdf_lays_each_line_out_in_its_own_direction():
    """In an Arabic receipt, the Arabic line is right-aligned and every Latin, Cyrillic and Greek
    line after it starts at the left margin (before, all were right-aligned)."""
    pdf = render_pdf(
        "documents/receipt.html",
        {"facts": [], "answers": [("Q", "\n".join(LINES))]},
        title="Receipt",
        lang="ar",
    )
    page = PdfReader(BytesIO(pdf)).pages[0]
    width = float(page.mediabox.width)
    starts = {}

    def visit(text, cm, tm, font, size):
        x = tm[4] * cm[0] + cm[4]
        for line in LINES:
            if text.strip(" .") and text.strip(" .") in line:
                starts.setdefault(line, x)

    page.extract_text(visitor_text=visit)
    assert set(starts) == set(LINES), starts
    assert starts[ARABIC] > width / 2
    for line in LINES[1:]:
        assert starts[line] < width / 4, (line, starts)
