"""collectstatic with production's manifest storage: every url() in every stylesheet resolves."""

import json

from django.core.management import call_command
from django.test import override_settings

from participation.documents.fonts import FAMILIES

PRODUCTION_STATICFILES = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_collectstatic_with_manifest_storage_collects_print_css_and_its_fonts(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": PRODUCTION_STATICFILES},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed_css = manifest["documents/print.css"]
    css = (tmp_path / hashed_css).read_text()
    # The fonts' @font-face rules are generated (participation.documents.fonts) and read from
    # the app's folder; the stylesheet names no file, and every font is collected.
    assert "url(" not in css
    for family in FAMILIES:
        for font in family.files.values():
            assert (tmp_path / manifest[f"documents/fonts/{font}"]).is_file()
