"""move_private_files: private files left in the public media folder by older versions move
to the private storage, once."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_files_left_in_public_media_move_to_the_private_storage(settings, tmp_path, make_user):
    from participation.documents.models import GeneratedDocument

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    old = default_storage.save("generated-documents/abc/summary.pdf", ContentFile(b"%PDF-old"))
    document = GeneratedDocument.objects.create(
        kind="test.move", requested_by=make_user(), status=GeneratedDocument.Status.DONE
    )
    GeneratedDocument.objects.filter(pk=document.pk).update(file=old)
    public_image = default_storage.save("images/logo.png", ContentFile(b"png"))

    out = StringIO()
    call_command("move_private_files", "--dry-run", stdout=out)
    assert "would move 1 private file" in out.getvalue()
    assert (tmp_path / "media" / old).exists()

    call_command("move_private_files", stdout=out)
    assert not (tmp_path / "media" / old).exists()
    document.refresh_from_db()
    assert Path(document.file.path) == tmp_path / "private" / old
    assert document.file.read() == b"%PDF-old"
    assert (tmp_path / "media" / public_image).exists()  # public media stay

    out = StringIO()
    call_command("move_private_files", stdout=out)
    assert "moved 0 private file" in out.getvalue()
