"""Uploads through a consultation's form: checked by content, not by name, and served back
only as downloads with safe headers."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from consultations.demo_questionnaire import recognition_questionnaire

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<html><script>alert(document.cookie)</script></html>"


def _with_upload_question(world):
    from consultations.models import ConsultationPage

    page = ConsultationPage.objects.get(pk=world.page.pk)
    evidence = {
        "type": "file_upload",
        "id": "evidence",
        "value": {"label": "Evidence", "required": False},
    }
    # The upload on the first step, beside its questions.
    questionnaire = recognition_questionnaire()
    questionnaire.insert(1, evidence)
    page.questionnaire = questionnaire
    page.save_revision().publish()
    return ConsultationPage.objects.get(pk=page.pk)


def _post(client, page, response_id, upload):
    from consultations.demo_questionnaire import qid
    from consultations.models import Response

    draft = Response.objects.get(pk=response_id)
    return client.post(
        page.url + page.reverse_subpage("respond_step", args=[response_id, 0]),
        {
            "version": draft.version,
            "action": "save",
            f"q-{qid('applied')}": "no",
            "q-evidence": upload,
        },
    )


def test_upload_checked_by_content_not_by_name(world, settings, tmp_path):
    from consultations.models import Response

    page = _with_upload_question(world)
    client = Client()
    client.force_login(world.users["org_admin"])
    # A web page named like a PDF is refused, with a clear message; nothing is stored.
    response = _post(
        client,
        page,
        world.draft.pk,
        SimpleUploadedFile("evidence.pdf", HTML, content_type="application/pdf"),
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert "evidence" not in Response.objects.get(pk=world.draft.pk).answers
    # A real PDF with a misleading name and type is accepted as what it is.
    response = _post(
        client, page, world.draft.pk, SimpleUploadedFile("photo.png", PDF, content_type="image/png")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Response.objects.get(pk=world.draft.pk).answers["evidence"]
    assert stored["content_type"] == "application/pdf"

    # Served back to its authors as a download, never inline, with nosniff and a sandbox.
    download = client.get(
        page.url + page.reverse_subpage("attachment", args=[world.draft.pk, "evidence"])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content) == PDF
    # Nobody else gets it.
    stranger = Client()
    stranger.force_login(world.users["stranger"])
    assert (
        stranger.get(
            page.url + page.reverse_subpage("attachment", args=[world.draft.pk, "evidence"])
        ).status_code
        == 404
    )


def _zip_bytes() -> bytes:
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.html", "<script>alert(1)</script>")
    return archive.getvalue()


REFUSED = [
    # (name, content, what the message says): each starts with %PDF, all the old check read.
    ("x.pdf", PDF + HTML + b"\n%%EOF\n", "two kinds of file at once"),
    ("archive.pdf", PDF + _zip_bytes(), "two kinds of file at once"),
    (
        "open.pdf",
        b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n",
        "active content",
    ),
    ("escaped.pdf", b"%PDF-1.4\n1 0 obj<</AA<</O<</S/J#61vaScript>>>>>>endobj\n%%EOF\n", "active"),
    ("cut.pdf", PDF[:-8], "damaged or incomplete"),
    ("empty.pdf", b"", "empty"),
]


def test_polyglots_scripts_and_broken_files_are_refused_with_their_reason(world):
    from consultations.models import Response

    page = _with_upload_question(world)
    client = Client()
    client.force_login(world.users["org_admin"])
    for name, content, says in REFUSED:
        draft = Response.objects.get(pk=world.draft.pk)
        response = _post(client, page, draft.pk, SimpleUploadedFile(name, content))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert says in html, (name, html[:200])
        assert 'aria-invalid="true"' in html
        assert "evidence" not in Response.objects.get(pk=world.draft.pk).answers


def test_attachments_live_in_private_storage_and_download_with_the_detected_extension(
    world, settings
):
    from pathlib import Path

    from consultations.models import Response

    page = _with_upload_question(world)
    client = Client()
    client.force_login(world.users["org_admin"])
    upload = SimpleUploadedFile("x.html", PDF, content_type="text/html")
    assert _post(client, page, world.draft.pk, upload).status_code == 302
    answer = Response.objects.get(pk=world.draft.pk).answers["evidence"]
    assert answer["name"] == "x.html" and answer["path"].endswith(".pdf")
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / answer["path"]).read_bytes() == PDF
    assert not (Path(settings.MEDIA_ROOT) / answer["path"]).exists()

    download = client.get(
        page.url + page.reverse_subpage("attachment", args=[world.draft.pk, "evidence"])
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert "no-store" in download["Cache-Control"]
