"""What an uploaded file really is, from its content, never from its name.

Only a few formats are accepted, so their signatures are checked here directly (no libmagic):

- PDF: ``%PDF-`` at the start (after blank space at most);
- PNG, JPEG, WebP: their signatures;
- ODT: a ZIP whose first entry is ``mimetype``, holding the ODF text-document type;
- DOCX: a ZIP with ``[Content_Types].xml`` and ``word/document.xml`` (and no macros).

Programs (Windows PE ``MZ``, Linux ELF, macOS Mach-O, scripts with ``#!``) are recognised first
and refused with that reason, whatever their name says.
"""

import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileKind:
    kind: str  # the editor-facing family: "pdf", "image", "odt", "docx"
    content_type: str
    extension: str  # the extension the content deserves, with its dot
    description: str  # what people call it


PDF = FileKind("pdf", "application/pdf", ".pdf", "PDF")
PNG = FileKind("image", "image/png", ".png", "PNG")
JPEG = FileKind("image", "image/jpeg", ".jpg", "JPEG")
WEBP = FileKind("image", "image/webp", ".webp", "WebP")
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", ".odt", "ODT")
DOCX = FileKind(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    "DOCX",
)

# Editors choose among these families; the labels are what they and respondents read.
FAMILIES = {
    "pdf": (_("PDF documents"), (PDF,)),
    "image": (_("Images (PNG, JPEG, WebP)"), (PNG, JPEG, WEBP)),
    "odt": (_("OpenDocument text (ODT)"), (ODT,)),
    "docx": (_("Word documents (DOCX)"), (DOCX,)),
}
ALL_KINDS = (PDF, PNG, JPEG, WEBP, ODT, DOCX)
_BY_CONTENT_TYPE = {kind.content_type: kind for kind in ALL_KINDS}
FAMILY_CHOICES = [(name, label) for name, (label, _kinds) in FAMILIES.items()]


class FileRefused(Exception):
    """The content is not acceptable. ``reason`` is one of "executable", "macros", "unknown"
    (from ``sniff``) or, from the deeper checks of :mod:`participation.files.checks`, "empty",
    "damaged", "active_content", "polyglot", "pixels"; ``detail`` is for logs only."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


_EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",  # Linux and most Unix
    b"\xfe\xed\xfa\xce",  # Mach-O 32-bit
    b"\xfe\xed\xfa\xcf",  # Mach-O 64-bit
    b"\xce\xfa\xed\xfe",  # Mach-O 32-bit, little-endian
    b"\xcf\xfa\xed\xfe",  # Mach-O 64-bit, little-endian
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary (and Java class files)
    b"#!",  # scripts
)

_ODF_TEXT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def kinds_of(families) -> tuple[FileKind, ...]:
    """The kinds of the named families ("pdf", "image", ...), unknown names ignored."""
    return tuple(kind for family in families for kind in FAMILIES.get(family, ("", ()))[1])


def kind_of_content_type(content_type: str) -> FileKind | None:
    """The kind stored with that content type (answers record the sniffed type)."""
    return _BY_CONTENT_TYPE.get((content_type or "").split(";")[0].strip().lower())


def _read_head(fileobj, size: int = 1024) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(size)
    fileobj.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _zip_kind(fileobj) -> FileKind | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if (
                infos
                and infos[0].filename == "mimetype"
                and infos[0].file_size == len(_ODF_TEXT_MIMETYPE)
                and archive.read(infos[0]) == _ODF_TEXT_MIMETYPE
            ):
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    raise FileRefused("macros")
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        fileobj.seek(0)
    return None


def sniff(fileobj) -> FileKind:
    """The kind of a (seekable, binary) file, read from its content.

    Raises ``FileRefused`` for programs, documents with macros and anything else unknown.
    Leaves the file positioned at its start.
    """
    head = _read_head(fileobj)
    if head.startswith(_EXECUTABLE_SIGNATURES):
        raise FileRefused("executable")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.lstrip(b"\xef\xbb\xbf \t\r\n\x00").startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(fileobj)
        if kind is not None:
            return kind
    raise FileRefused("unknown")
