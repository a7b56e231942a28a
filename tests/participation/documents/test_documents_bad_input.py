"""Bad input: huge answers, fake images, huge files, injected markup, mixed directions, missing
fonts. The document renders with the text shown literally, nothing is fetched from outside."""

import time

import pytest

from participation.documents import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def templates(settings, tmp_path):
    """Write print templates for one test into a folder the template engine reads."""
    folder = tmp_path / "templates"
    folder.mkdir()
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    def write(name, source):
        (folder / name).write_text(source)
        return name

    return write


def render_receipt(answer, **kwargs):
    return pdf.render_pdf_document(
        "documents/receipt.html",
        {"facts": [("Reference", "R-42")], "answers": [("Your answer", answer)], **kwargs},
        title="Receipt",
        author="Participation",
        lang="en",
    )


def test_answer_of_200000_characters_renders_in_reasonable_time(pdfcheck):
    answer = ("Participation matters to migrants and their organisations. " * 4000)[:200_000]
    start = time.monotonic()
    rendered = render_receipt(answer)
    assert time.monotonic() - start < 30
    assert rendered.page_count > 20
    pages = pdfcheck.reader(rendered.content).pages
    middle = pages[rendered.page_count // 2].extract_text()
    assert middle.count("Participation matters") > 40


def test_a_single_word_of_200000_characters_is_wrapped_quickly(pdfcheck):
    start = time.monotonic()
    rendered = render_receipt("x" * 200_000)
    assert time.monotonic() - start < 30
    assert rendered.page_count > 20
    middle = pdfcheck.reader(rendered.content).pages[10].extract_text()
    assert "x" * 1000 in middle.replace("\u200b", "").replace("\n", "")


def test_thousands_of_empty_lines_collapse_to_one_paragraph_break():
    rendered = render_receipt("start" + "\n" * 200_000 + "end")
    assert rendered.page_count == 1


def test_injected_html_and_css_are_printed_as_text_and_fetch_nothing(pdfcheck, no_network):
    answer = (
        '<img src="http://evil.example/track.png"> <style>body{background:url('
        'http://evil.example/bg.png)}</style><link rel="attachment" href="file:///etc/passwd">'
        "<script>alert(1)</script>"
    )
    html = pdf.render_html(
        "documents/receipt.html", {"answers": [("Q", answer)]}, title="R", author="", lang="en"
    )
    assert "<img src=" not in html and "&lt;img src=" in html
    rendered = render_receipt(answer)
    text = pdfcheck.squash(pdfcheck.text(rendered.content)).replace("\u200b", "")
    assert '<img src="http://evil.example/track.png">' in text
    assert "<style>body{background:url(" in text
    assert rendered.fetched == [] and rendered.refused == []
    assert no_network == []
    assert pdfcheck.reader(rendered.content).attachments == {}


def test_external_resources_in_a_template_are_refused_and_rendering_goes_on(
    templates, pdfcheck, no_network, caplog
):
    templates(
        "external.html",
        """{% extends "documents/print_base.html" %}
        {% block print_style %}
        <link rel="stylesheet" href="http://evil.example/print.css">
        <link rel="attachment" href="http://evil.example/x.pdf" title="x">
        <style>@import url("https://evil.example/more.css");
        body { background: url("http://evil.example/bg.png") }
        @font-face { font-family: Remote; src: url("https://fonts.evil.example/r.woff2") }
        </style>{% endblock %}
        {% block body %}<p>Still here.</p>
        <img src="https://evil.example/pixel.gif" alt="pixel">
        <img src="file:///etc/passwd" alt="passwd">
        <img src="/static/../../etc/passwd" alt="traversal">{% endblock %}""",
    )
    rendered = pdf.render_pdf_document("external.html", {}, title="T", lang="en")
    refused = {url for url, _reason in rendered.refused}
    assert {
        "http://evil.example/print.css",
        "http://evil.example/x.pdf",
        "https://evil.example/more.css",
        "http://evil.example/bg.png",
        "https://fonts.evil.example/r.woff2",
        "https://evil.example/pixel.gif",
        "file:///etc/passwd",
    } <= refused
    assert rendered.fetched == []
    assert no_network == []
    assert "Still here." in pdfcheck.text(rendered.content)


def test_a_file_that_is_not_an_image_is_skipped(templates, media_root, pdfcheck):
    (media_root / "photo.png").write_bytes(b"this is not a picture at all")
    templates(
        "fake_image.html",
        """{% extends "documents/print_base.html" %}
        {% block body %}<p>Before</p><img src="/media/photo.png" alt="photo"><p>After</p>
        {% endblock %}""",
    )
    rendered = pdf.render_pdf_document("fake_image.html", {}, title="T", lang="en")
    assert rendered.fetched == [pdf.default_base_url() + "media/photo.png"]
    text = pdfcheck.text(rendered.content)
    assert "Before" in text and "After" in text


def test_a_50_mb_attachment_is_refused_without_reading_it(templates, media_root, pdfcheck):
    with open(media_root / "annex.pdf", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: costs no disk
    templates(
        "big_file.html",
        """{% extends "documents/print_base.html" %}
        {% block print_style %}<link rel="attachment" href="/media/annex.pdf" title="Annex">
        {% endblock %}
        {% block body %}<p>Body</p><img src="/media/annex.pdf" alt="annex">{% endblock %}""",
    )
    start = time.monotonic()
    rendered = pdf.render_pdf_document("big_file.html", {}, title="T", lang="en")
    assert time.monotonic() - start < 10
    reasons = [reason for url, reason in rendered.refused if url.endswith("/media/annex.pdf")]
    assert reasons and all("limit" in reason for reason in reasons)
    assert len(rendered.content) < 1024 * 1024
    assert "Body" in pdfcheck.text(rendered.content)


def test_right_to_left_mixed_with_left_to_right(pdfcheck):
    answer = (
        "مرحبا بكم في الاستشارة، English words inside, ثم نعود إلى العربية.\n\n"
        "An English paragraph with كلمات عربية inside.\n\n"
        "ሰላም ለዓለም and Привіт"
    )
    html = pdf.render_html(
        "documents/receipt.html", {"answers": [("Q", answer)]}, title="R", author="", lang="en"
    )
    assert '<p class="user-text" dir="rtl">مرحبا بكم' in html
    assert '<p class="user-text" dir="ltr">An English paragraph' in html
    rendered = render_receipt(answer)
    text = pdfcheck.text(rendered.content)
    for word in ("الاستشارة", "English", "paragraph", "عربية", "ለዓለም", "Привіт"):
        assert word in text
    assert pdfcheck.notdef(rendered.content) == []


def test_missing_font_falls_back_to_the_bundled_ones(templates, pdfcheck):
    templates(
        "missing_font.html",
        """{% extends "documents/print_base.html" %}
        {% block print_style %}<style>
        @font-face { font-family: Gone; src: url("/static/documents/fonts/gone.ttf") }
        p { font-family: Gone, "Participation Sans", "Participation Naskh", sans-serif }
        </style>{% endblock %}
        {% block body %}<p>Ünïcödé Ελληνικά Українська العربية</p>{% endblock %}""",
    )
    rendered = pdf.render_pdf_document("missing_font.html", {}, title="T", lang="en")
    assert any(url.endswith("gone.ttf") for url, _ in rendered.refused)
    text = pdfcheck.text(rendered.content)
    assert "Ελληνικά" in text and "Українська" in text and "العربية" in text
    assert pdfcheck.notdef(rendered.content) == []
    assert all(name.startswith("Participation-") for name in pdfcheck.embedded(rendered.content))


def test_a_script_without_a_bundled_font_still_renders(pdfcheck):
    """Scripts we do not bundle (here Chinese) print as boxes on a machine without a font for
    them (WeasyPrint logs it), but the document is made and the rest of it is intact."""
    rendered = render_receipt("中文 and English")
    assert rendered.page_count == 1
    assert "Your answers" in pdfcheck.text(rendered.content)
