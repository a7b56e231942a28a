"""The fonts every PDF is printed with, one family per script, and the check for letters none has.

One table (``FAMILIES``) gives each script its font and the languages (CSS ``:lang()``) that use
it. From it come the ``@font-face`` and ``:lang()`` rules the PDF engine loads (``font_css``) and
the set of characters our fonts draw (``covered``, from their cmap tables), against which
``missing_glyphs`` checks a document's text before it is laid out: a letter no font of ours has
would print as a box (or, worse, in whatever font the host happens to have), so it is reported by
script and with the text it is in.

Every family is bundled (``static/documents/fonts/``, SIL OFL 1.1) except CJK: one weight of Noto
Sans CJK is 16 MB, so Chinese, Japanese and Korean come from Debian's ``fonts-noto-cjk`` (installed
by ``make system-deps``), found through fontconfig by family name. When it is absent, a CJK
letter is reported like any other missing letter, naming the package to install.
"""

import contextlib
import contextvars
import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent / "static" / "documents" / "fonts"


@dataclass(frozen=True)
class Family:
    name: str  # the CSS family
    scripts: tuple[str, ...]  # for people: what it prints
    langs: tuple[str, ...] = ()  # :lang() selectors that ask for it first
    files: dict = field(default_factory=dict)  # {weight: file name in FONTS_DIR}
    system: str = ""  # fontconfig family of a font installed on the system (not bundled)
    package: str = ""  # the Debian package that installs a system font
    line_height: str = ""  # scripts with tall letters need more room
    web: bool = True  # offered to browsers that lack the script (``web_font_css``)


FAMILIES = (
    Family(
        "Participation Sans",
        ("Latin", "Greek", "Cyrillic"),
        files={400: "NotoSans-Regular.ttf", 700: "NotoSans-Bold.ttf"},
    ),
    Family(
        "Participation Naskh",
        ("Arabic",),
        ("ar", "fa", "ps", "ckb", "prs", "sd", "ug", "ku-Arab"),
        {400: "NotoNaskhArabic-Regular.ttf", 700: "NotoNaskhArabic-Bold.ttf"},
        line_height="1.7",
    ),
    # Urdu is written in Nastaliq; in Naskh it reads as foreign. Its letters are all Arabic
    # script, so unlabelled Urdu text falls to Naskh (above), never to a mix of fonts.
    Family(
        "Participation Nastaliq",
        ("Arabic (Urdu, Nastaliq)",),
        ("ur",),
        {400: "NotoNastaliqUrdu-Regular.ttf", 700: "NotoNastaliqUrdu-Bold.ttf"},
        line_height="2.2",
        web=False,  # pages mark Urdu with lang="ur"; a device has it or reads Naskh
    ),
    Family(
        "Participation Hebrew",
        ("Hebrew",),
        ("he", "yi"),
        {400: "NotoSansHebrew-Regular.ttf", 700: "NotoSansHebrew-Bold.ttf"},
    ),
    Family(
        "Participation Armenian",
        ("Armenian",),
        ("hy",),
        {400: "NotoSansArmenian-Regular.ttf", 700: "NotoSansArmenian-Bold.ttf"},
    ),
    Family(
        "Participation Georgian",
        ("Georgian",),
        ("ka",),
        {400: "NotoSansGeorgian-Regular.ttf", 700: "NotoSansGeorgian-Bold.ttf"},
    ),
    Family(
        "Participation Ethiopic",
        ("Ethiopic",),
        ("am", "ti", "gez", "tig"),
        {400: "NotoSansEthiopic-Regular.ttf", 700: "NotoSansEthiopic-Bold.ttf"},
    ),
    Family(
        "Participation Devanagari",
        ("Devanagari",),
        ("hi", "mr", "ne", "sa", "mai", "bho"),
        {400: "NotoSansDevanagari-Regular.ttf", 700: "NotoSansDevanagari-Bold.ttf"},
        line_height="1.7",
    ),
    Family(
        "Participation Bengali",
        ("Bengali",),
        ("bn", "as"),
        {400: "NotoSansBengali-Regular.ttf", 700: "NotoSansBengali-Bold.ttf"},
        line_height="1.7",
    ),
    Family(
        "Participation Gurmukhi",
        ("Gurmukhi",),
        ("pa", "pa-Guru"),
        {400: "NotoSansGurmukhi-Regular.ttf", 700: "NotoSansGurmukhi-Bold.ttf"},
        line_height="1.7",
    ),
    Family(
        "Participation Tamil",
        ("Tamil",),
        ("ta",),
        {400: "NotoSansTamil-Regular.ttf", 700: "NotoSansTamil-Bold.ttf"},
        line_height="1.7",
    ),
    Family(
        "Participation Sinhala",
        ("Sinhala",),
        ("si",),
        {400: "NotoSansSinhala-Regular.ttf", 700: "NotoSansSinhala-Bold.ttf"},
        line_height="1.7",
    ),
    Family(
        "Participation Thai",
        ("Thai",),
        ("th",),
        {400: "NotoSansThai-Regular.ttf", 700: "NotoSansThai-Bold.ttf"},
        line_height="1.7",
    ),
    Family(
        "Participation Myanmar",
        ("Myanmar",),
        ("my",),
        {400: "NotoSansMyanmar-Regular.ttf", 700: "NotoSansMyanmar-Bold.ttf"},
        line_height="1.9",
    ),
    # Pan-CJK: every face has all the ideographs, kana and hangul; the language picks the
    # regional glyph forms (OpenType 'locl'), the face only the default ones.
    Family(
        "Noto Sans CJK SC",
        ("Chinese (Han)", "Japanese (kana)", "Korean (Hangul)"),
        ("zh", "zh-Hans", "zh-CN", "zh-SG"),
        system="Noto Sans CJK SC",
        package="fonts-noto-cjk",
    ),
    Family(
        "Noto Sans CJK TC",
        (),
        ("zh-Hant", "zh-TW", "zh-HK", "zh-MO"),
        system="Noto Sans CJK TC",
        package="fonts-noto-cjk",
    ),
    Family("Noto Sans CJK JP", (), ("ja",), system="Noto Sans CJK JP", package="fonts-noto-cjk"),
    Family("Noto Sans CJK KR", (), ("ko",), system="Noto Sans CJK KR", package="fonts-noto-cjk"),
)

# Characters that draw nothing (controls, format characters such as ZWJ/ZWNJ and bidi marks,
# variation selectors, line and paragraph separators): no font needs them.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def font_stack(first: Family | None = None) -> str:
    """Every family, ``first`` first: a letter missing from it is still found in our fonts."""
    names = [first.name] if first else []
    # Only one CJK face in the general stack: they cover the same letters.
    names += [
        f.name
        for f in FAMILIES
        if f is not first and (not f.system or f.name == "Noto Sans CJK SC")
    ]
    return ", ".join(_css_string(name) for name in names)


def font_css() -> str:
    """The @font-face rules for the bundled files, the default stack and the :lang() rules."""
    rules = []
    for family in FAMILIES:
        for weight, filename in sorted(family.files.items()):
            rules.append(
                f"@font-face {{ font-family: {_css_string(family.name)}; font-weight: {weight}; "
                f'font-style: normal; src: url("{filename}") format("truetype"); }}'
            )
    rules.append(f"html {{ font-family: {font_stack()}; }}")
    for family in FAMILIES:
        if not family.langs:
            continue
        selector = ", ".join(f":lang({lang})" for lang in family.langs)
        extra = f" line-height: {family.line_height};" if family.line_height else ""
        rules.append(f"{selector} {{ font-family: {font_stack(family)};{extra} }}")
    return "\n".join(rules) + "\n"


WEB_FAMILY = "Participation Scripts"
WEB_FROM = 0x0370  # below: Latin, which every device draws


def _unicode_ranges(points) -> str:
    ranges, start, previous = [], None, None
    for point in sorted(points):
        if start is None:
            start = previous = point
        elif point == previous + 1:
            previous = point
        else:
            ranges.append((start, previous))
            start = previous = point
    if start is not None:
        ranges.append((start, previous))
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in ranges)


@functools.cache
def _web_ranges(family_name: str) -> str:
    family = next(f for f in FAMILIES if f.name == family_name)
    return _unicode_ranges(
        p for p in _family_coverage(family) if p >= WEB_FROM and not 0x2000 <= p <= 0x206F
    )


@functools.cache
def _local_names(filename: str) -> tuple[str, ...]:
    """The full and PostScript names of a bundled font: a device that has it installed uses
    its own copy (``local()``) and downloads nothing."""
    from fontTools.ttLib import TTFont

    with TTFont(FONTS_DIR / filename, lazy=True) as font:
        names = (font["name"].getDebugName(4), font["name"].getDebugName(6))
    return tuple(dict.fromkeys(name for name in names if name))


def web_font_css(url_of) -> str:
    """``@font-face`` rules for the site's pages and the admin: the bundled fonts of every
    script beyond Latin under one family (``WEB_FAMILY``), each face limited to the letters it
    draws (``unicode-range``), so a browser downloads only the font of a script the page shows,
    and none when the device has it (``local()``): a Tigrinya answer on a phone without an
    Ethiopic font reads as letters, not boxes. The stacks name the family right after the
    script's preferred font: after an installed font that lacks the letters, Chromium kept
    boxes in bold text once the web font had loaded (seen at 320 px in Tigrinya).
    ``url_of(file name)`` gives the URL of a file of ``static/documents/fonts/``."""
    rules = []
    for family in FAMILIES:
        if not family.files or not family.web or "Latin" in family.scripts:
            continue
        for weight, filename in sorted(family.files.items()):
            sources = ", ".join(
                [f"local({_css_string(name)})" for name in _local_names(filename)]
                + [f'url("{url_of(filename)}") format("truetype")']
            )
            rules.append(
                f"@font-face {{ font-family: {_css_string(WEB_FAMILY)}; font-weight: {weight}; "
                f"font-style: normal; font-display: swap; "
                f"src: {sources}; "
                f"unicode-range: {_web_ranges(family.name)}; }}"
            )
    return "\n".join(rules) + "\n"


def system_font_file(family: str) -> tuple[Path, int] | None:
    """(file, face index) fontconfig gives WeasyPrint for an installed family, if it exists."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
    pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
    fontconfig.FcPatternAddString(pattern, b"family", family.encode())
    fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
    fontconfig.FcDefaultSubstitute(pattern)
    result = ffi.new("FcResult *")
    match = fontconfig.FcFontMatch(config, pattern, result)
    if match == ffi.NULL:
        return None
    match = ffi.gc(match, fontconfig.FcPatternDestroy)
    string = ffi.new("FcChar8 **")
    fontconfig.FcPatternGetString(match, b"family", 0, string)
    if ffi.string(string[0]).decode().lower() != family.lower():
        return None  # fontconfig's substitute for a family that is not installed
    fontconfig.FcPatternGetString(match, b"file", 0, string)
    path = Path(ffi.string(string[0]).decode())
    return path, _face_index(path, family)


def _face_index(path: Path, family: str) -> int:
    """The face of a collection (.ttc) that has this family name (0 for a single font)."""
    from fontTools.ttLib import TTCollection

    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    collection = TTCollection(path, lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == family:
                return index
    finally:
        collection.close()
    return 0


def _cmap(path: Path, index: int = 0) -> set[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        return set(font.getBestCmap() or {})


def _family_coverage(family: Family) -> frozenset[int]:
    if family.files:
        # Bold and regular files of a family cover the same letters: reading one is enough.
        return frozenset(_cmap(FONTS_DIR / family.files[400]))
    located = system_font_file(family.system)
    return frozenset(_cmap(*located)) if located is not None else frozenset()


@functools.cache
def bundled_coverage() -> frozenset[int]:
    """What the bundled files draw (about 0.1 s to read, once per process)."""
    return frozenset().union(*(_family_coverage(f) for f in FAMILIES if f.files))


@functools.cache
def system_coverage() -> frozenset[int]:
    """What the system fonts we ask for (CJK) draw: read only when a text needs them, as
    reading a 20 MB collection takes seconds."""
    # The CJK faces share one character set: the first one found stands for all.
    for family in FAMILIES:
        if family.package:
            found = _family_coverage(family)
            if found:
                return found
    return frozenset()


def coverage() -> dict[str, frozenset[int]]:
    """{family: characters it draws} for every family available here (for checks and tests)."""
    return {f.name: _family_coverage(f) for f in FAMILIES if f.files or f.package}


def is_covered(char: str) -> bool:
    return ord(char) in bundled_coverage() or ord(char) in system_coverage()


def reset() -> None:
    """Forget the computed coverage (after installing or removing a font)."""
    bundled_coverage.cache_clear()
    system_coverage.cache_clear()


# Scripts by code point range, for the names in error messages (Python has no script property).
_SCRIPT_RANGES = (
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0700, 0x074F, "Syriac"),
    (0x0750, 0x077F, "Arabic"),
    (0x0780, 0x07BF, "Thaana"),
    (0x07C0, 0x07FF, "N'Ko"),
    (0x08A0, 0x08FF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"),
    (0x0A80, 0x0AFF, "Gujarati"),
    (0x0B00, 0x0B7F, "Oriya"),
    (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"),
    (0x0C80, 0x0CFF, "Kannada"),
    (0x0D00, 0x0D7F, "Malayalam"),
    (0x0D80, 0x0DFF, "Sinhala"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"),
    (0x0F00, 0x0FFF, "Tibetan"),
    (0x1000, 0x109F, "Myanmar"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Korean (Hangul)"),
    (0x1200, 0x139F, "Ethiopic"),
    (0x13A0, 0x13FF, "Cherokee"),
    (0x1780, 0x17FF, "Khmer"),
    (0x1800, 0x18AF, "Mongolian"),
    (0x1C50, 0x1C7F, "Ol Chiki"),
    (0x1C90, 0x1CBF, "Georgian"),
    (0x2D30, 0x2D7F, "Tifinagh"),
    (0x2D80, 0x2DDF, "Ethiopic"),
    (0x2E80, 0x2FDF, "Chinese (Han)"),
    (0x3000, 0x303F, "CJK punctuation"),
    (0x3040, 0x30FF, "Japanese (kana)"),
    (0x3100, 0x312F, "Bopomofo"),
    (0x3130, 0x318F, "Korean (Hangul)"),
    (0x3400, 0x4DBF, "Chinese (Han)"),
    (0x4E00, 0x9FFF, "Chinese (Han)"),
    (0xA4D0, 0xA4FF, "Lisu"),
    (0xA500, 0xA63F, "Vai"),
    (0xAB00, 0xAB2F, "Ethiopic"),
    (0xAC00, 0xD7AF, "Korean (Hangul)"),
    (0xF900, 0xFAFF, "Chinese (Han)"),
    (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0xFF00, 0xFFEF, "CJK punctuation"),
    (0x1E900, 0x1E95F, "Adlam"),
    (0x1F000, 0x1FAFF, "Emoji and pictographs"),
    (0x20000, 0x3FFFF, "Chinese (Han)"),
)


def script_name(char: str) -> str:
    """A name people know for the script of a character ("Tamil", "Ol Chiki", "Emoji...")."""
    point = ord(char)
    for start, end, name in _SCRIPT_RANGES:
        if start <= point <= end:
            return name
    if 0x2600 <= point <= 0x27BF:
        return "Symbols and emoji"
    name = unicodedata.name(char, "")
    for marker in (" LETTER", " DIGIT", " SIGN", " SYLLABLE", " VOWEL", " CHARACTER", " MARK"):
        if marker in name:
            return name.split(marker)[0].title()
    return "Symbols" if unicodedata.category(char).startswith("S") else "Other"


CJK_SCRIPTS = {"Chinese (Han)", "Japanese (kana)", "Korean (Hangul)", "CJK punctuation"}


@dataclass
class MissingGlyphs:
    """Letters of one script that none of our fonts has, and where they were found."""

    script: str
    chars: str
    excerpts: list[str]

    def describe(self) -> str:
        codes = ", ".join(f"U+{ord(c):04X}" for c in self.chars[:10])
        sample = " / ".join(repr(excerpt) for excerpt in self.excerpts)
        hint = ""
        if self.script in CJK_SCRIPTS:
            hint = " (install the fonts-noto-cjk package: make system-deps)"
        return f"{self.script}: {codes} in {sample}{hint}"


def _needs_glyph(char: str) -> bool:
    if char.isspace():
        return False
    if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
        return False
    return not (0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF)


def _excerpt(text: str, index: int, width: int = 30) -> str:
    start, end = max(0, index - width), min(len(text), index + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def missing_glyphs(texts, *, max_excerpts: int = 3) -> list[MissingGlyphs]:
    """The characters of ``texts`` (strings) that no font of ours draws, grouped by script."""
    bundled = bundled_coverage()
    found: dict[str, MissingGlyphs] = {}
    for text in texts:
        if all(ord(char) in bundled for char in set(text)):
            continue  # the usual case, decided without walking the text
        for index, char in enumerate(text):
            if ord(char) in bundled or not _needs_glyph(char):
                continue
            if ord(char) in system_coverage():
                continue
            script = script_name(char)
            entry = found.setdefault(script, MissingGlyphs(script, "", []))
            if char not in entry.chars:
                entry.chars += char
            excerpt = _excerpt(text, index)
            if len(entry.excerpts) < max_excerpts and excerpt not in entry.excerpts:
                entry.excerpts.append(excerpt)
    return list(found.values())


# The text of an HTML document that ends up on paper: not the head, styles or scripts, not the
# tags. Regular expressions, not a parser: five times faster on a 500-answer summary, and
# Django escapes "<" and ">" inside attribute values and text.
_HIDDEN = re.compile(r"<(head|style|script)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def html_text(document: str) -> list[str]:
    text = _TAG.sub("\n", _HIDDEN.sub("", document))
    return [html.unescape(part) for part in text.split("\n") if part.strip()]


def missing_glyphs_in_html(document: str) -> list[MissingGlyphs]:
    return missing_glyphs(html_text(document))


# Whoever builds a document (a background build) collects the problems of its renders, to
# record them where a person sees them; renders outside a collection only log them.
_collected: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "participation_documents_missing_glyphs", default=None
)


@contextlib.contextmanager
def collect_missing_glyphs():
    """``with collect_missing_glyphs() as problems:`` every render inside adds its
    MissingGlyphs to ``problems``."""
    problems: list[MissingGlyphs] = []
    token = _collected.set(problems)
    try:
        yield problems
    finally:
        _collected.reset(token)


def report_missing_glyphs(problems: list[MissingGlyphs]) -> None:
    collection = _collected.get()
    if collection is not None:
        collection.extend(problems)


def describe_all(problems: list[MissingGlyphs]) -> str:
    return "\n".join(problem.describe() for problem in problems)
