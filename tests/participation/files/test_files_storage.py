"""The private storage: its own folder outside MEDIA_ROOT, on every private file field, and
following STORAGES when settings change."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from participation.files.storage import private


@pytest.mark.parametrize(
    ("model_path", "field"),
    [
        ("expertgroup.Application", "cv"),
        ("expertgroup.Application", "supporting_document"),
        ("expertgroup.Application", "photo"),
        ("awards.NominationFile", "file"),
        ("documents.GeneratedDocument", "file"),
    ],
)
def test_private_file_fields_save_outside_media_root(model_path, field, settings, tmp_path):
    from django.apps import apps

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    storage = apps.get_model(model_path)._meta.get_field(field).storage
    name = storage.save("x/cv.pdf", ContentFile(b"%PDF-"))
    assert (tmp_path / "private" / name).read_bytes() == b"%PDF-"
    assert not (tmp_path / "media").exists()
    assert storage.url(name).startswith("/_private/")  # nothing serves that path


def test_a_private_root_inside_media_root_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    with pytest.raises(ImproperlyConfigured, match="outside MEDIA_ROOT"):
        private.save("cv.pdf", ContentFile(b"%PDF-"))


def test_the_private_storage_follows_storages(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.InMemoryStorage",
            "OPTIONS": {"location": "elsewhere"},
        },
    }
    name = private.save("cv.pdf", ContentFile(b"%PDF-"))
    assert type(private._wrapped).__name__ == "InMemoryStorage" and private.exists(name)
