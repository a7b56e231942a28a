"""Fixtures and PDF inspection helpers for the documents tests.

PDFs are inspected with pypdf only (no poppler needed): text, fonts (embedded programs and
names), glyph ids drawn (glyph 0 is .notdef, the "tofu" box), tags, metadata and outline.
"""

import socket
import unicodedata
from io import BytesIO
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from participation.documents import registry


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in reader(pdf).pages)


def squash(text: str) -> str:
    return " ".join(text.split())


def _fonts_in(resources, found, seen):
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        found[str(font["/BaseFont"])] = font
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            _fonts_in(xobject.get("/Resources"), found, seen)


def fonts_of(pdf: bytes) -> dict:
    """{BaseFont name: font dict} of every font used on any page (forms included)."""
    found = {}
    for page in reader(pdf).pages:
        _fonts_in(page.get("/Resources"), found, set())
    return found


def embedded_font_names(pdf: bytes) -> set[str]:
    """Names (subset prefix removed) of fonts whose program is embedded in the file."""
    names = set()
    for name, font in fonts_of(pdf).items():
        descendants = font.get("/DescendantFonts")
        target = descendants[0].get_object() if descendants else font
        descriptor = target.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            names.add(name.lstrip("/").split("+", 1)[-1])
    return names


def _string_bytes(value) -> bytes:
    if hasattr(value, "original_bytes"):
        return value.original_bytes
    return bytes(value)


def _glyph_ids(resources, contents, reader_, out, seen):
    resources = resources.get_object() if resources is not None else {}
    fonts = {k: v.get_object() for k, v in (resources.get("/Font") or {}).items()}
    xobjects = resources.get("/XObject") or {}
    current = None
    for operands, operator in ContentStream(contents, reader_).operations:
        if operator == b"Tf":
            current = str(fonts.get(operands[0], {}).get("/BaseFont", operands[0]))
        elif operator in (b"Tj", b"'", b'"'):
            out.append((current, _string_bytes(operands[-1])))
        elif operator == b"TJ":
            for item in operands[0]:
                if not isinstance(item, int | float) and hasattr(item, "__len__"):
                    try:
                        out.append((current, _string_bytes(item)))
                    except TypeError:
                        pass
        elif operator == b"Do":
            xobject = xobjects.get(operands[0])
            xobject = xobject.get_object() if xobject is not None else None
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                if id(xobject) not in seen:
                    seen.add(id(xobject))
                    _glyph_ids(xobject.get("/Resources"), xobject, reader_, out, seen)


def notdef_uses(pdf: bytes) -> list[str]:
    """Fonts in which glyph 0 (.notdef, drawn as a box) is shown. WeasyPrint writes Type0
    Identity-H fonts keeping glyph ids, so every two bytes of a string are a glyph id."""
    pdf_reader = reader(pdf)
    shown = []
    for page in pdf_reader.pages:
        contents = page.get_contents()
        if contents is not None:
            _glyph_ids(page.get("/Resources"), contents, pdf_reader, shown, set())
    bad = []
    for font, data in shown:
        ids = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
        if 0 in ids:
            bad.append(font)
    return bad


def runs_by_font(pdf: bytes) -> list[tuple[str, str]]:
    """(text, font name) for every text run pypdf reads, forms included."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            name = str(font.get("/BaseFont", "")) if font else ""
            runs.append((text, name.lstrip("/").split("+", 1)[-1]))

    for page in reader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return runs


def script_of(char: str) -> str:
    name = unicodedata.name(char, "")
    for script in ("ARABIC", "ETHIOPIC", "GREEK", "CYRILLIC"):
        if name.startswith(script):
            return script
    return "LATIN" if name.startswith("LATIN") else ""


@pytest.fixture
def pdfcheck():
    return SimpleNamespace(
        reader=reader,
        text=text_of,
        squash=squash,
        fonts=fonts_of,
        embedded=embedded_font_names,
        notdef=notdef_uses,
        runs=runs_by_font,
        script_of=script_of,
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes generated files into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"  # generated documents go there
    return settings.MEDIA_ROOT


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test, and is recorded."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network connection attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.fixture
def temporary_kind():
    """Register document kinds for one test."""
    names = []

    def add(**fields):
        fields.setdefault("label", fields["name"])
        kind = registry.DocumentKind(**fields)
        registry.register(kind)
        names.append(kind.name)
        return kind

    yield add
    for name in names:
        registry.unregister(name)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="reader", email="reader@example.org", password="x-long-password-1"
    )


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(
        username="someone", email="someone@example.org", password="x-long-password-1"
    )


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="editor", email="editor@example.org", password="x-long-password-1", is_staff=True
    )
