"""Award files: checked by the core's upload checks, kept in the private storage, downloaded
under a name with the extension of their detected type."""

import io
import struct
import zlib
from pathlib import Path

from awards_helpers import png_bytes
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from test_awards_nominate import form_data

from awards import services
from awards.models import NominationFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _start(client, edition, nominator):
    client.force_login(nominator)
    category = edition.categories.first()
    nomination = services.start(edition, nominator, category=category, kind="self")
    return nomination, edition.route_url("nominate_edit", nomination.pk)


def _png_declaring(width, height):
    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def test_evidence_named_html_downloads_as_pdf(client, edition, nominator):
    nomination, url = _start(client, edition, nominator)
    upload = SimpleUploadedFile("x.html", PDF, content_type="text/html")
    assert client.post(url, form_data(nomination, evidence_file=upload)).status_code == 302
    stored = NominationFile.objects.get()
    assert stored.original_name == "x.html" and stored.file.name.endswith(".pdf")
    download = client.get(edition.route_url("nominate_file", nomination.pk, stored.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_files_live_in_the_private_storage_outside_media_root(client, edition, nominator):
    nomination, url = _start(client, edition, nominator)
    data = form_data(nomination, evidence_file=SimpleUploadedFile("cv.pdf", PDF))
    assert client.post(url, data).status_code == 302
    stored = NominationFile.objects.get()
    path = Path(stored.file.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert stored.file.url.startswith("/_private/")  # a URL nothing serves


def test_polyglot_and_scripted_pdfs_are_refused_and_the_text_kept(client, edition, nominator):
    nomination, url = _start(client, edition, nominator)
    cases = {
        "page.pdf": PDF + b"<html><script>alert(1)</script></html>\n%%EOF\n",
        "open.pdf": b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
        b"trailer<<>>\n%%EOF\n",
    }
    for name, content in cases.items():
        nomination.refresh_from_db()
        data = form_data(nomination, evidence_file=SimpleUploadedFile(name, content))
        response = client.post(url, data)
        assert response.status_code == 200, name
        page = response.content.decode()
        assert f"“{name}”" in page and "Théâtre des Exilés" in page
    assert not NominationFile.objects.exists()


def test_a_decompression_bomb_photo_is_refused_not_decoded(client, edition, nominator):
    nomination, url = _start(client, edition, nominator)
    bomb = SimpleUploadedFile("bomb.png", _png_declaring(20_000, 20_000), "image/png")
    response = client.post(url, form_data(nomination, photo_file=bomb, photo_rights="on"))
    assert response.status_code == 200
    assert "20,000 × 20,000 pixels" in response.content.decode()
    assert not NominationFile.objects.exists()


def test_a_photo_is_stored_reencoded(client, edition, nominator):
    from PIL import Image

    nomination, url = _start(client, edition, nominator)
    original = png_bytes() + b"trailing bytes hidden after the image"
    upload = SimpleUploadedFile("me.png", original, "image/png")
    response = client.post(url, form_data(nomination, photo_file=upload, photo_rights="on"))
    assert response.status_code == 302
    stored = NominationFile.objects.get()
    with stored.file.open("rb") as handle:
        content = handle.read()
    assert b"trailing bytes" not in content and stored.size == len(content)
    assert Image.open(io.BytesIO(content)).size == (40, 30)
