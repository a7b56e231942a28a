"""The upload checks of participation.files, one case of the finding each: the first bytes
alone (``sniff``, the old check) took every one of these files for what it claims to be."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from participation.files.checks import UploadRefused, check_upload
from participation.files.kinds import JPEG, PDF, PNG, WEBP, sniff
from participation.files.serve import download_name

PDF_KINDS = (PDF,)
ANY = (PDF, PNG, JPEG, WEBP)
LIMIT = 10 * 1024 * 1024


def _pdf(body: bytes = b"", trailer: bytes = b"trailer<</Root 1 0 R>>\n%%EOF\n") -> bytes:
    return b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R" + body + b">>endobj\n" + trailer


def _refusal(content: bytes, kinds=ANY, name="upload.pdf") -> UploadRefused:
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(UploadRefused) as refused:
        check_upload(upload, kinds=kinds, max_bytes=LIMIT)
    return refused.value


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_declaring(width: int, height: int, idat: bytes = b"") -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _image(fmt="PNG", size=(40, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, fmt, **save)
    return buffer.getvalue()


def test_a_plain_pdf_is_kept_as_it_is():
    content = _pdf(b"/OpenAction[3 0 R/Fit]")  # a destination, as word processors write it
    checked = check_upload(SimpleUploadedFile("cv.pdf", content), kinds=PDF_KINDS, max_bytes=LIMIT)
    assert checked.kind == PDF and checked.content.read() == content


def test_a_pdf_that_is_also_a_web_page_is_refused_as_two_kinds_at_once():
    content = _pdf(trailer=b"<html><script>alert(document.cookie)</script></html>\n%%EOF\n")
    assert sniff(io.BytesIO(content)) == PDF  # the first bytes say PDF
    refused = _refusal(content, name="x.html")
    assert refused.reason == "polyglot"
    assert "“x.html” is two kinds of file at once" in refused.messages[0]


def test_a_pdf_that_is_also_a_zip_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", "<p>hello</p>")
    content = _pdf() + archive.getvalue()
    assert sniff(io.BytesIO(content)) == PDF
    assert _refusal(content).reason == "polyglot"


@pytest.mark.parametrize(
    "body",
    [
        b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>",
        b"/OpenAction 5 0 R",
        b"/Names<</JavaScript 6 0 R>>",
        b"/O#70enAction<</S/J#61vaScript/J#53(app.alert(1))>>",
        b"/AA<</O<</S/Launch/F(cmd.exe)>>>>",
        b"/Names<</EmbeddedFiles 7 0 R>>",
    ],
    ids=["openaction-js", "openaction-ref", "names-js", "hex-escaped", "launch", "embedded"],
)
def test_a_pdf_with_active_content_is_refused(body):
    content = _pdf(body)
    assert sniff(io.BytesIO(content)) == PDF
    refused = _refusal(content, name="cv.pdf")
    assert refused.reason == "active_content"
    assert "“cv.pdf” is a PDF with active content" in refused.messages[0]


def test_active_content_hidden_in_a_compressed_object_stream_is_found():
    hidden = zlib.compress(b"5 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj")
    content = _pdf(trailer=b"8 0 obj<</Type/ObjStm/Filter/FlateDecode>>stream\n" + hidden
                   + b"\nendstream endobj\ntrailer<<>>\n%%EOF\n")  # fmt: skip
    assert _refusal(content).reason == "active_content"


def test_an_encrypted_pdf_cannot_be_checked_and_is_refused():
    content = _pdf(trailer=b"trailer<</Root 1 0 R/Encrypt 9 0 R>>\n%%EOF\n")
    assert _refusal(content).reason == "encrypted"


def test_a_truncated_pdf_is_refused_as_damaged():
    content = _pdf()[:-20]
    assert sniff(io.BytesIO(content)) == PDF
    refused = _refusal(content, name="half.pdf")
    assert refused.reason == "damaged"
    assert "“half.pdf” is damaged or incomplete" in refused.messages[0]


def test_an_empty_file_is_refused():
    assert _refusal(b"").reason == "empty"


def test_a_decompression_bomb_png_is_refused_before_decoding():
    # The finding: 20,000 x 20,000 grey pixels, all zero, compress to about 389 KB.
    packer = zlib.compressobj(9)
    row = b"\x00" * 20_001  # filter byte + one byte a pixel
    idat = b"".join(packer.compress(row) for _ in range(20_000)) + packer.flush()
    content = _png_declaring(20_000, 20_000, idat)
    assert len(content) < 500_000 and sniff(io.BytesIO(content)) == PNG
    refused = _refusal(content, name="bomb.png")
    assert refused.reason == "pixels"
    assert "“bomb.png” is an image of 20,000 × 20,000 pixels" in refused.messages[0]
    assert "at most 40 million pixels" in refused.messages[0]


def test_a_huge_declared_size_in_a_tiny_file_is_refused_with_a_clear_message():
    refused = _refusal(_png_declaring(60_000, 60_000), name="tiny.png")  # 3.6 billion pixels
    assert refused.reason == "pixels" and "“tiny.png”" in refused.messages[0]


def test_a_truncated_image_is_refused_as_damaged():
    content = _image("PNG", size=(300, 200))
    refused = _refusal(content[: len(content) // 2], name="cut.png")
    assert refused.reason == "damaged"


def test_an_image_is_reencoded_without_its_gps_position():
    exif = Image.Exif()
    exif[0x8825] = {2: (48.0, 51.0, 24.0), 4: (2.0, 21.0, 3.0)}  # GPSInfo: latitude, longitude
    exif[0x010E] = "secret description"
    original = _image("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    checked = check_upload(SimpleUploadedFile("me.jpg", original), kinds=ANY, max_bytes=LIMIT)
    stored = checked.content.read()
    assert checked.kind == JPEG and stored != original
    reopened = Image.open(io.BytesIO(stored))
    assert reopened.size == (40, 30) and not reopened.getexif()
    assert b"secret description" not in stored


def test_a_zip_hidden_after_an_image_is_gone_once_reencoded():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.html", "<script>1</script>")
    content = _image("PNG") + archive.getvalue()
    checked = check_upload(SimpleUploadedFile("a.png", content), kinds=ANY, max_bytes=LIMIT)
    assert not zipfile.is_zipfile(io.BytesIO(checked.content.read()))


@pytest.mark.parametrize(
    ("uploaded", "content_type", "expected"),
    [
        ("x.html", "application/pdf", "x.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\me\\Photo d'été.JPG", "image/jpeg", "photo-dete.jpg"),
        ('a"; filename=evil.exe', "image/png", "a-filenameevil.png"),
        ("", "application/pdf", "file.pdf"),
    ],
)
def test_download_names_take_the_detected_extension(uploaded, content_type, expected):
    assert download_name(uploaded, content_type) == expected


def _patched_size(content: bytes, fmt: str, width: int, height: int) -> bytes:
    data = bytearray(content)
    if fmt == "PNG":
        data[16:24] = struct.pack(">II", width, height)
    elif fmt == "JPEG":
        sof = data.index(b"\xff\xc0")
        data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    else:  # lossy WebP: 14 bits each
        data[26:30] = struct.pack("<HH", width, height)
    return bytes(data)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_the_declared_size_is_read_from_the_header_of_each_format(fmt):
    from participation.files.checks import declared_size

    kind = {"PNG": PNG, "JPEG": JPEG, "WEBP": WEBP}[fmt]
    content = _image(fmt)
    assert declared_size(content, kind) == (40, 30)
    huge = _patched_size(content, fmt, 16_000, 16_000)  # 256 million pixels, a few hundred bytes
    refused = _refusal(huge, name=f"huge.{fmt.lower()}")
    assert refused.reason == "pixels"
    assert "16,000 × 16,000 pixels" in refused.messages[0]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_cut_image_is_refused_even_where_pillow_pads_truncated_images(fmt, monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint sets it
    content = _image(fmt, size=(300, 200))
    assert _refusal(content[: len(content) * 3 // 4], name="cut").reason == "damaged"
    assert check_upload(SimpleUploadedFile("ok", content), kinds=ANY, max_bytes=LIMIT)
