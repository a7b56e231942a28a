"""File questions: the content decides, never the name or the browser's claimed type."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image

from participation.files.kinds import DOCX, JPEG, ODT, PDF, PNG, WEBP, FileRefused, sniff
from participation.questionnaire.fields import FileAnswer, make_field
from participation.questionnaire.structure import parse

SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/MediaBox[0 0 72 72]/Parent 2 0 R>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100 + b"PE\x00\x00"


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, fmt)
    return buffer.getvalue()


def _zip(entries, *, first_stored=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            compress = zipfile.ZIP_STORED if first_stored and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compress)
    return buffer.getvalue()


DOCX_BYTES = _zip(
    [
        ("[Content_Types].xml", "<Types/>"),
        ("_rels/.rels", "<Relationships/>"),
        ("word/document.xml", "<w:document/>"),
    ]
)
DOCM_BYTES = _zip(
    [
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", "<w:document/>"),
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
    ]
)
ODT_BYTES = _zip(
    [
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", "<office:document-content/>"),
    ],
    first_stored=True,
)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (SMALL_PDF, PDF),
        (_image("PNG"), PNG),
        (_image("JPEG"), JPEG),
        (_image("WEBP"), WEBP),
        (DOCX_BYTES, DOCX),
        (ODT_BYTES, ODT),
    ],
)
def test_sniff_recognises_the_accepted_formats_by_content(content, kind):
    fileobj = io.BytesIO(content)
    assert sniff(fileobj) == kind
    assert fileobj.tell() == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (ELF, "executable"),
        (PE, "executable"),
        (b"#!/bin/sh\nrm -rf /\n", "executable"),
        (DOCM_BYTES, "macros"),
        (b"just some text", "unknown"),
        (_zip([("evil.exe", PE)]), "unknown"),
        (b"<html>%PDF- in a web page</html>", "unknown"),
        (b"", "unknown"),
    ],
)
def test_sniff_refuses_programs_macros_and_unknown_content(content, reason):
    with pytest.raises(FileRefused) as refused:
        sniff(io.BytesIO(content))
    assert refused.value.reason == reason


@pytest.fixture
def file_field(build):
    def make(**settings):
        settings.setdefault("max_size_mb", 1)
        question = parse(build(build.q("file_upload", "Your statutes", **settings))).questions[0]
        return make_field(question)

    return make


def _message(field, upload, initial=None):
    with pytest.raises(ValidationError) as caught:
        field.clean(upload, initial)
    return " ".join(caught.value.messages)


def test_a_real_small_pdf_is_accepted_with_its_sniffed_type(file_field):
    upload = SimpleUploadedFile("statutes.pdf", SMALL_PDF, content_type="text/plain")
    answer = file_field().clean(upload)
    assert isinstance(answer, FileAnswer)
    assert (answer.content_type, answer.extension, answer.name) == (
        "application/pdf", ".pdf", "statutes.pdf",
    )  # fmt: skip
    assert answer.file is upload
    assert answer.as_answer(path="uploads/x.pdf") == {
        "name": "statutes.pdf",
        "content_type": "application/pdf",
        "size": len(SMALL_PDF),
        "path": "uploads/x.pdf",
    }


@pytest.mark.parametrize("program", [ELF, PE], ids=["elf", "pe"])
def test_an_executable_renamed_pdf_is_refused_with_the_reason(file_field, program):
    upload = SimpleUploadedFile("report.pdf", program, content_type="application/pdf")
    assert _message(file_field(), upload) == (
        "“report.pdf” is a program, not a document, whatever its name says. Programs cannot be "
        "uploaded; choose a PDF, PNG, JPEG, WebP, ODT or DOCX file."
    )


def test_a_file_too_big_is_refused_with_its_size(file_field):
    upload = SimpleUploadedFile("big.pdf", SMALL_PDF + b"0" * (1024 * 1024), "application/pdf")
    assert _message(file_field(max_size_mb=1), upload) == (
        "“big.pdf” is 1.1 MB; files can be at most 1 MB."
    )


def test_a_large_upload_on_disk_is_checked_too(file_field):
    upload = TemporaryUploadedFile("scan.png", "image/png", 0, None)
    upload.write(_image("PNG"))
    upload.flush()
    upload.size = upload.tell()
    try:
        assert file_field().clean(upload).content_type == "image/png"
    finally:
        upload.close()


def test_an_image_named_pdf_is_taken_for_what_it_is(file_field):
    upload = SimpleUploadedFile("photo.pdf", _image("PNG"), content_type="application/pdf")
    answer = file_field().clean(upload)
    assert (answer.content_type, answer.extension) == ("image/png", ".png")


def test_an_allowed_format_outside_the_question_choice_is_refused(file_field):
    upload = SimpleUploadedFile("photo.png", _image("PNG"), content_type="image/png")
    assert _message(file_field(allowed_types=["pdf", "odt"]), upload) == (
        "“photo.png” is a PNG file; only PDF or ODT files are accepted here."
    )


def test_unknown_content_and_macros_are_refused_with_their_reasons(file_field):
    text = SimpleUploadedFile("notes.docx", b"plain text", content_type="application/msword")
    assert _message(file_field(allowed_types=["docx"]), text) == (
        "“notes.docx” is not a DOCX file (its content was checked, not its name)."
    )
    macros = SimpleUploadedFile("form.docx", DOCM_BYTES)
    assert "contains macros" in _message(file_field(), macros)


def test_an_empty_file_is_refused(file_field):
    assert _message(file_field(), SimpleUploadedFile("empty.pdf", b"")) == (
        "The submitted file is empty."
    )


def test_a_required_file_question_asks_for_a_file(file_field):
    assert _message(file_field(required=True), None) == "Choose a file to upload."


def test_a_stored_file_is_kept_when_nothing_new_is_chosen(file_field):
    stored = {"name": "statutes.pdf", "content_type": "application/pdf", "size": 10, "id": 7}
    assert file_field(required=True).clean(None, stored) == stored


def test_an_optional_stored_file_can_be_removed(file_field):
    stored = {"name": "statutes.pdf", "size": 10}
    assert file_field().clean(False, stored) is None


def test_the_file_input_tells_the_browser_what_to_offer(file_field):
    accept = file_field(allowed_types=["pdf", "image"]).widget.attrs["accept"]
    assert accept.split(",") == [
        ".pdf", ".png", ".jpg", ".webp", "application/pdf", "image/png", "image/jpeg", "image/webp"
    ]  # fmt: skip
