"""PDF rendering: every script with the bundled fonts, real glyphs, tags, metadata, layout."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from participation.documents import builtin, pdf, services

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]


def ours(name: str) -> bool:
    """A font of ours: bundled (Participation-*) or the CJK faces of fonts-noto-cjk."""
    return name.startswith("Participation-") or name.startswith("Noto-Sans-CJK-")


# One word per script, checked in the extracted text (Arabic words extract in logical order).
WORDS = {
    "tr": "İstanbul",
    "so": "qaybqaato",
    "pl": "gęślą",
    "ro": "știuleți",
    "el": "διακυβέρνηση",
    "uk": "їжак",
    "ar": "الاشتراك",
    "fa": "پژوهش",
    "ti": "ምምሕዳር",
    "am": "አስተዳደር",
}


@pytest.fixture(scope="module")
def specimen_pdf(django_db_blocker):
    with django_db_blocker.unblock():
        return services.build_now("documents.specimen", {"copies": "3"}).content


def test_specimen_text_of_every_script_is_extracted(specimen_pdf, pdfcheck):
    text = pdfcheck.text(specimen_pdf)
    for lang, word in WORDS.items():
        assert word in text, lang


def test_specimen_embeds_only_the_bundled_fonts(specimen_pdf, pdfcheck):
    names = pdfcheck.embedded(specimen_pdf)
    used = {name.lstrip("/").split("+", 1)[-1] for name in pdfcheck.fonts(specimen_pdf)}
    assert used == names, "a font is used that is not embedded"
    assert all(ours(name) for name in names), "a font that is not bundled with the app was used"
    assert {"Participation-Sans", "Participation-Naskh", "Participation-Ethiopic"} <= names


def test_specimen_draws_no_missing_glyph_box(specimen_pdf, pdfcheck):
    assert pdfcheck.notdef(specimen_pdf) == []


def test_each_script_is_drawn_with_its_own_font(specimen_pdf, pdfcheck):
    expected = {
        "ARABIC": ("Participation-Naskh", "Participation-Nastaliq"),  # Nastaliq for Urdu
        "ETHIOPIC": ("Participation-Ethiopic",),
        "CYRILLIC": ("Participation-Sans",),
        "GREEK": ("Participation-Sans",),
        # Japanese, Chinese and Korean faces draw the Latin letters within their texts too.
        "LATIN": ("Participation-Sans", "Noto-Sans-CJK-"),
    }
    seen = set()
    for text, font in pdfcheck.runs(specimen_pdf):
        for char in text:
            script = pdfcheck.script_of(char)
            if script:
                assert font.startswith(expected[script]), (char, script, font)
                seen.add(script)
    assert seen == set(expected)


def test_pdf_is_tagged_with_language_and_metadata(specimen_pdf, pdfcheck):
    reader = pdfcheck.reader(specimen_pdf)
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == "Script specimen"
    assert reader.metadata.author == "wagtail-participation"
    assert reader.metadata.creation_date is not None
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


def test_cover_contents_page_numbers_header_and_bookmarks(specimen_pdf, pdfcheck):
    reader = pdfcheck.reader(specimen_pdf)
    pages = [pdfcheck.squash(page.extract_text()) for page in reader.pages]
    total = len(pages)
    # Cover: title, no running header or page number.
    assert "Script specimen" in pages[0] and f"1 / {total}" not in pages[0]
    # Running header and "n / N" on the other pages.
    for number, page in enumerate(pages[1:], start=2):
        assert f"{number} / {total}" in page
        assert page.count("Script specimen") >= 1
    # Contents: each entry followed by the page its heading is on (target-counter).
    contents = pages[1]
    assert "Contents" in contents
    for part in (1, 2, 3):
        heading = f"Scripts, part {part}"
        page_number = next(i for i, page in enumerate(pages[2:], start=3) if heading in page)
        assert f"{heading} {page_number}" in contents.replace(".", "").replace("  ", " ")

    # Bookmarks from headings.
    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    assert {"Scripts, part 1", "Scripts, part 3"} <= set(titles(reader.outline))


def test_right_to_left_document_is_mirrored_and_declared(pdfcheck):
    rendered = pdf.render_pdf_document(
        "documents/receipt.html",
        {"facts": [("الموضوع", "السكن")], "answers": [("سؤال", "جواب بالعربية")]},
        title="إيصال",
        author="المنصة",
        lang="ar",
    )
    html = pdf.render_html(
        "documents/receipt.html", {"facts": []}, title="إيصال", author="", lang="ar"
    )
    assert '<html lang="ar" dir="rtl">' in html
    catalog = pdfcheck.reader(rendered.content).trailer["/Root"]
    assert catalog["/Lang"] == "ar"
    assert "السكن" in pdfcheck.text(rendered.content)
    assert pdfcheck.notdef(rendered.content) == []


def test_shared_font_configuration_and_stylesheet_between_renders():
    pdf.render_pdf("documents/receipt.html", {}, title="One", lang="en")
    engine = pdf._get_engine()
    pdf.render_pdf("documents/receipt.html", {}, title="Two", lang="uk")
    assert pdf._get_engine() is engine
    assert engine.font_config is pdf._get_engine().font_config


def test_render_pdf_returns_pdf_bytes():
    content = pdf.render_pdf(
        "documents/receipt.html",
        {"facts": [("Reference", "R-1")]},
        title="Receipt",
        author="Participation",
        lang="en",
    )
    assert content.startswith(b"%PDF-1.7")


def _specimen_with_fontconfig(tmp_path, font_dirs):
    """Build the specimen in a process whose fontconfig sees only ``font_dirs`` (besides the
    fonts the app loads itself). Returns (PDF bytes, scripts reported missing)."""
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
        f"<fontconfig>{dirs}<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    output = tmp_path / "specimen.pdf"
    script = textwrap.dedent(
        f"""
        import os, sys, warnings
        sys.path[:0] = [{str(REPO / "site")!r}, {str(REPO)!r}]
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
        warnings.simplefilter("ignore")
        import django
        django.setup()
        from participation.documents import fonts, services
        with fonts.collect_missing_glyphs() as missing:
            built = services.build_now("documents.specimen", {{}})
        open({str(output)!r}, "wb").write(built.content)
        print("\\n".join(sorted({{problem.script for problem in missing}})))
        """
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    env.pop("DATABASE_URL", None)
    if _has("fc-list"):
        listing = subprocess.run(
            ["fc-list", "--format", "%{file}\\n"], env=env, capture_output=True, text=True
        )
        for line in listing.stdout.split():
            assert any(line.startswith(str(d)) for d in font_dirs), line
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    return output.read_bytes(), set(done.stdout.split("\n")) - {""}


def test_specimen_on_a_fresh_machine_with_the_cjk_package(tmp_path, pdfcheck):
    """A fresh machine after `make system-deps`: fontconfig knows only fonts-noto-cjk's files;
    the bundled fonts must do for every other script."""
    from participation.documents import fonts

    located = fonts.system_font_file("Noto Sans CJK SC")
    if located is None:
        pytest.fail("fonts-noto-cjk is not installed: run `make system-deps`")
    content, missing = _specimen_with_fontconfig(tmp_path, [located[0].parent])
    assert missing == set()
    assert pdfcheck.notdef(content) == []
    assert all(ours(name) for name in pdfcheck.embedded(content))
    assert {"Participation-Naskh", "Participation-Tamil", "Noto-Sans-CJK-JP"} <= pdfcheck.embedded(
        content
    )
    text = pdfcheck.text(content)
    for word in WORDS.values():
        assert word in text


def test_specimen_on_a_machine_without_any_system_font(tmp_path, pdfcheck):
    """No system font at all: every bundled script still prints; only CJK (not bundled) is
    reported, by script, and the PDF is made."""
    content, missing = _specimen_with_fontconfig(tmp_path, [])
    assert missing == {"Chinese (Han)", "Japanese (kana)", "Korean (Hangul)", "CJK punctuation"}
    assert content.startswith(b"%PDF")
    embedded = pdfcheck.embedded(content)
    assert {"Participation-Naskh", "Participation-Tamil", "Participation-Myanmar"} <= embedded


def _has(program):
    return any((Path(p) / program).exists() for p in os.environ.get("PATH", "").split(":"))


def test_summary_of_many_submissions_has_contents_and_charts(pdfcheck):
    submissions = builtin.sample_submissions(30, seed=3)
    context = builtin.summary_context(submissions)
    rendered = pdf.render_pdf_document(
        "documents/summary.html", context, title="Summary", author="Team", lang="en"
    )
    text = pdfcheck.squash(pdfcheck.text(rendered.content))
    assert "Submission 30" in text
    assert "Submissions 26 to 30" in text
    assert "Should it change? Answers by theme" in text
    assert rendered.page_count >= 5
    assert pdfcheck.notdef(rendered.content) == []
