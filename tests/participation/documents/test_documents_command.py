"""manage.py build_document KIND --param key=value --output FILE"""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_builds_a_registered_document_to_a_file(tmp_path, capsys, pdfcheck):
    output = tmp_path / "specimen.pdf"
    call_command(
        "build_document", "documents.specimen", param=["copies=2", "lang=en"], output=str(output)
    )
    content = output.read_bytes()
    assert content.startswith(b"%PDF")
    assert "Scripts, part 2" in pdfcheck.text(content)
    assert f"Wrote {output}" in capsys.readouterr().out


def test_lists_the_kinds(capsys):
    call_command("build_document", list=True)
    out = capsys.readouterr().out
    assert "documents.specimen\tScript specimen" in out and "documents.sample" in out


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (["nope.kind"], {}, "Unknown document kind"),
        (["documents.specimen"], {"param": ["copies"]}, "key=value"),
        (["documents.specimen"], {"param": ["copies=0"]}, "between 1 and 50"),
        (["documents.sample"], {"param": ["count=lots"]}, "whole number"),
    ],
)
def test_clear_errors(tmp_path, args, kwargs, message):
    with pytest.raises(CommandError, match=message):
        call_command("build_document", *args, output=str(tmp_path / "x.pdf"), **kwargs)


def test_prune_deletes_old_documents_and_their_files(
    django_user_model, django_capture_on_commit_callbacks, capsys
):
    from datetime import timedelta

    from django.utils import timezone

    from participation.documents import services
    from participation.documents.models import GeneratedDocument

    owner = django_user_model.objects.create_user(username="o", email="o@example.org")
    old = services.request_document("documents.specimen", {}, owner)
    GeneratedDocument.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=40),
        updated_at=timezone.now() - timedelta(days=40),
    )
    recent = GeneratedDocument.objects.create(kind="documents.specimen", requested_by=owner)
    storage, name = old.file.storage, old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_generated_documents", days=30)
    assert "Deleted 1 generated document(s)." in capsys.readouterr().out
    assert list(GeneratedDocument.objects.all()) == [recent]
    assert not storage.exists(name)
