"""Whether an upload may be kept: the one check every form and service calls.

``sniff`` (in :mod:`.kinds`) tells what a file is from its first bytes. That is not enough:
a ``%PDF`` file can also be a web page or a ZIP archive (a polyglot), a PDF can carry scripts
and actions, and a small PNG can declare 20,000 x 20,000 pixels and exhaust memory when it is
decoded. So, after sniffing:

- every file that is not itself a ZIP (ODT, DOCX) must not also be one;
- a PDF must end with ``%%EOF``, hold no HTML markup and no active content: the names
  ``/JavaScript``, ``/JS``, ``/AA``, ``/Launch``, ``/EmbeddedFile(s)``, ``/RichMedia``, ``/XFA``,
  ``/SubmitForm``, ``/ImportData``, ``/GoToE``, and ``/OpenAction`` unless it is a plain
  destination (``/OpenAction [page /Fit]``, which word processors write to open at page 1);
  names are compared after their ``#xx`` escapes are decoded (``/J#61vaScript``), in the raw
  bytes and in the Flate-compressed streams (object streams hide dictionaries there); an
  encrypted PDF cannot be read, so it is refused;
- an image's size is read from its header and refused above ``MAX_IMAGE_PIXELS`` before any
  decoding; then it is decoded (a truncated file fails here) and re-encoded: metadata (EXIF
  with GPS position, comments, text chunks) is dropped, the EXIF orientation applied, and
  anything hidden after the image data is gone.

``check_upload`` returns what to store (the upload, or the re-encoded image) with its detected
kind; ``UploadRefused`` is a ``ValidationError`` with a message that names the file and says what
to do. A caller may word a reason its own way (``refusal.reason``), never skip a check.
"""

import io
import math
import re
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from . import conf
from .kinds import DOCX, JPEG, ODT, PDF, PNG, WEBP, FileKind, FileRefused, sniff

_PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP"}

# PDF names of active content; /OpenAction is handled apart (a destination array is harmless).
_ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"AA",
        b"Launch",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"XFA",
        b"SubmitForm",
        b"ImportData",
        b"GoToE",
    }
)
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]*)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Markup a browser would render: none of these can be a PDF hex string (not all hex digits).
_HTML = re.compile(rb"<\s*(?:script|html|body|iframe|svg|object|embed|!doctype)\b", re.IGNORECASE)
_STREAM = re.compile(rb"stream\r?\n")


@dataclass(frozen=True, eq=False)
class CheckedUpload:
    """An upload that passed: ``content`` is what to store (the re-encoded image, or the upload
    itself), ``kind`` what it is; ``name`` is the uploaded name, for display only."""

    content: File
    kind: FileKind
    name: str

    @property
    def size(self) -> int:
        return self.content.size

    @property
    def extension(self) -> str:
        return self.kind.extension


class UploadRefused(ValidationError):
    def __init__(self, reason: str, message: str):
        super().__init__(message, code=reason)
        self.reason = reason


def check_upload(upload, *, kinds, max_bytes: int) -> CheckedUpload:
    """The upload if its content is of one of ``kinds`` and safe to keep, else UploadRefused."""
    kinds = tuple(kinds)
    name = getattr(upload, "name", "") or _("the file")
    size = upload.size
    if not size:
        raise UploadRefused("empty", _("“%(name)s” is empty.") % {"name": name})
    if size > max_bytes:
        raise UploadRefused(
            "too_big",
            _("“%(name)s” is %(size)s; files can be at most %(max)s.")
            % {"name": name, "size": file_size(size, round_up=True), "max": file_size(max_bytes)},
        )
    try:
        kind = sniff(upload)
        if kind not in kinds:
            raise UploadRefused(
                "type",
                _("“%(name)s” is a %(kind)s file; only %(types)s files are accepted here.")
                % {"name": name, "kind": kind.description, "types": describe(kinds)},
            )
        content = check_content(upload, kind)
    except FileRefused as refused:
        raise UploadRefused(refused.reason, refusal_message(refused, name, kinds)) from None
    return CheckedUpload(content=content, kind=kind, name=name)


def check_content(fileobj, kind: FileKind) -> File:
    """What to store of a file already sniffed as ``kind``, or FileRefused."""
    fileobj.seek(0)
    try:
        if kind in _PILLOW_FORMATS:
            return reencode_image(fileobj, kind)
        if kind not in (ODT, DOCX) and _is_zip(fileobj):
            raise FileRefused("polyglot", "ZIP end of central directory")
        if kind == PDF:
            _check_pdf(fileobj)
        return fileobj if isinstance(fileobj, File) else File(fileobj)
    finally:
        fileobj.seek(0)


def describe(kinds) -> str:
    return get_text_list([kind.description for kind in kinds], _("or"))


def refusal_message(refused: FileRefused, name: str, kinds) -> str:
    values = {"name": name, "types": describe(kinds)}
    messages = {
        "executable": _(
            "“%(name)s” is a program, not a document, whatever its name says. Programs cannot "
            "be uploaded; choose a %(types)s file."
        ),
        "macros": _(
            "“%(name)s” contains macros, which cannot be uploaded. Save it without macros, or "
            "as PDF."
        ),
        "damaged": _(
            "“%(name)s” is damaged or incomplete and cannot be read. Save or export it again, "
            "then upload the new file."
        ),
        "active_content": _(
            "“%(name)s” is a PDF with active content (scripts, automatic actions, programs to "
            "launch or embedded files), which cannot be uploaded. Save it again without them, "
            "for example with “Print to PDF”."
        ),
        "encrypted": _(
            "“%(name)s” is protected by a password or encryption, so its content cannot be "
            "checked. Save it without protection, then upload it again."
        ),
        "polyglot": _(
            "“%(name)s” is two kinds of file at once (it hides a web page or a ZIP archive), "
            "which cannot be uploaded. Save or export it again as a plain %(types)s file."
        ),
        "pixels": _(
            "“%(name)s” is an image of %(width)s × %(height)s pixels; images can have at most "
            "%(max)s million pixels. Make it smaller, then upload it again."
        ),
    }
    if refused.reason == "pixels":
        values["max"] = number_format(conf.get("MAX_IMAGE_PIXELS") / 1_000_000, decimal_pos=0)
        if refused.detail:
            width, height = refused.detail
            values.update(
                width=number_format(width, force_grouping=True),
                height=number_format(height, force_grouping=True),
            )
        else:
            messages["pixels"] = _(
                "“%(name)s” declares more pixels than an image may have (at most %(max)s million). "
                "Make it smaller, then upload it again."
            )
    default = _("“%(name)s” is not a %(types)s file (its content was checked, not its name).")
    return messages.get(refused.reason, default) % values


def file_size(size: int, round_up: bool = False) -> str:
    """A size in kB or MB with one decimal, in the reader's number format; ``round_up`` so that
    a file just over a limit never reads as equal to it."""
    unit, divisor = (_("MB"), 1024 * 1024) if size >= 1024 * 1024 else (_("kB"), 1024)
    value = size / divisor
    value = math.ceil(value * 10) / 10 if round_up else round(value, 1)
    decimals = 0 if value == int(value) else 1
    return f"{number_format(value, decimal_pos=decimals)} {unit}"


# -- ZIP inside ---------------------------------------------------------------------------------


def _is_zip(fileobj) -> bool:
    # zipfile finds the end-of-central-directory record where every ZIP reader looks for it.
    try:
        return zipfile.is_zipfile(fileobj)
    except (OSError, ValueError):
        return False
    finally:
        fileobj.seek(0)


# -- PDF ----------------------------------------------------------------------------------------


def _read_all(fileobj) -> bytes:
    fileobj.seek(0)
    data = fileobj.read()
    return data if isinstance(data, bytes) else data.encode()


def _names(data: bytes):
    """Each PDF name in ``data`` with its #xx escapes decoded, and where it ends."""
    for match in _NAME.finditer(data):
        raw = match.group(1)
        yield (_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw), match.end())


def _active_name(data: bytes) -> bytes | None:
    for name, end in _names(data):
        if name in _ACTIVE_NAMES:
            return name
        if name == b"OpenAction" and not data[end : end + 64].lstrip().startswith(b"["):
            return name
        if name == b"Encrypt":
            raise FileRefused("encrypted")
    return None


def _inflated_streams(data: bytes):
    """The Flate-decoded content of the streams, within the scan budget."""
    per_stream = conf.get("PDF_SCAN_STREAM_BYTES")
    budget = conf.get("PDF_SCAN_TOTAL_BYTES")
    for match in _STREAM.finditer(data):
        if budget <= 0:
            return
        start = match.end()
        end = data.find(b"endstream", start)
        body = data[start : end if end != -1 else len(data)]
        try:
            inflated = zlib.decompressobj().decompress(body, min(per_stream, budget))
        except zlib.error:
            continue  # not Flate (an image, a font in another filter): nothing to read
        budget -= len(inflated)
        yield inflated


def _check_pdf(fileobj) -> None:
    data = _read_all(fileobj)
    if b"%%EOF" not in data[-8192:]:
        raise FileRefused("damaged", "no %%EOF at the end")
    if _HTML.search(data):
        raise FileRefused("polyglot", "HTML markup")
    name = _active_name(data)
    if name is None:
        for inflated in _inflated_streams(data):
            name = _active_name(inflated)
            if name is not None:
                break
    if name is not None:
        raise FileRefused("active_content", name.decode("latin-1"))


# -- images -------------------------------------------------------------------------------------


def reencode_image(fileobj, kind: FileKind) -> ContentFile:
    """The image decoded within the pixel cap and encoded again, without its metadata."""
    from PIL import Image, ImageOps

    max_pixels = conf.get("MAX_IMAGE_PIXELS")
    data = _read_all(fileobj)
    declared = declared_size(data, kind)
    if declared and declared[0] * declared[1] > max_pixels:
        raise FileRefused("pixels", declared)
    if not _complete(data, kind):
        # Checked here: WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES, which pads a cut image.
        raise FileRefused("damaged", "the image data ends early")
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make it an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj, formats=[_PILLOW_FORMATS[kind]]) as image:
                width, height = image.size  # from the header: nothing decoded yet
                if width * height > max_pixels:
                    raise FileRefused("pixels", (width, height))
                image.seek(0)  # the first frame of an animation
                image.load()
                output = _encoded(ImageOps.exif_transpose(image), kind)
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise FileRefused("pixels", None) from error  # over twice Pillow's own cap
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, MemoryError) as error:
        raise FileRefused("damaged", f"{type(error).__name__}: {error}") from error
    return ContentFile(output, name="image" + kind.extension)


def _complete(data: bytes, kind: FileKind) -> bool:
    """Whether the file reaches the end its format marks (IEND, EOI, the RIFF length)."""
    if kind == PNG:
        return b"IEND" in data
    if kind == JPEG:
        scan = data.find(b"\xff\xda")
        return scan != -1 and data.rfind(b"\xff\xd9") > scan
    if kind == WEBP:
        return len(data) >= 8 + int.from_bytes(data[4:8], "little")
    return True


def declared_size(data: bytes, kind: FileKind) -> tuple[int, int] | None:
    """Width and height as the image's header declares them, read without decoding anything
    (None when the header cannot be read: the decoder then says the file is damaged)."""
    if kind == PNG and data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if kind == WEBP:
        chunk = data[12:16]
        if chunk == b"VP8X" and len(data) >= 30:
            return (
                int.from_bytes(data[24:27], "little") + 1,
                int.from_bytes(data[27:30], "little") + 1,
            )
        if chunk == b"VP8 " and len(data) >= 30:
            width, height = struct.unpack("<HH", data[26:30])
            return width & 0x3FFF, height & 0x3FFF
        if chunk == b"VP8L" and len(data) >= 25:
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        return None
    if kind == JPEG:
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 9 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            position += 2
            continue
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        position += 2 + length
    return None


def _encoded(image, kind: FileKind) -> bytes:
    side = conf.get("MAX_IMAGE_SIDE")
    if max(image.size) > side:
        image.thumbnail((side, side))
    # Only pixels (and the colour profile) are kept: no EXIF, XMP, comments or text chunks.
    options = {}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    if kind == JPEG:
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
        options.update(quality=90)
    elif kind == WEBP:
        alpha = "A" in image.mode or "transparency" in image.info
        image = image.convert("RGBA" if alpha else "RGB")
        options.update(quality=90)
    elif image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    image.save(buffer, _PILLOW_FORMATS[kind], **options)
    return buffer.getvalue()


def embeddable_image(fieldfile, *, max_side: int = 1600) -> str:
    """A stored image as a ``data:`` URL for a generated document (a private file has no
    public URL), scaled down to ``max_side``; "" if it cannot be read within the pixel cap
    (a file stored before the upload checks existed, say)."""
    import base64

    from PIL import Image

    try:
        with fieldfile.open("rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle, formats=list(_PILLOW_FORMATS.values())) as image:
                if image.size[0] * image.size[1] > conf.get("MAX_IMAGE_PIXELS"):
                    return ""
                image.thumbnail((max_side, max_side))
                kind = JPEG if image.mode in ("RGB", "L", "CMYK", "YCbCr") else PNG
                body = _encoded(image, kind)
    except Exception:  # noqa: BLE001 - a missing or unreadable photo is left out, never fatal
        return ""
    return f"data:{kind.content_type};base64,{base64.b64encode(body).decode('ascii')}"
