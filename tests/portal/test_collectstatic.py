"""collectstatic with production's manifest storage: every url() in every stylesheet resolves."""

import json

from django.core.management import call_command
from django.test import override_settings

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
    for font in ("NotoSans-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "NotoSansEthiopic-Bold.ttf"):
        hashed_font = manifest[f"documents/fonts/{font}"]
        assert (tmp_path / hashed_font).is_file()
        # The collected stylesheet points at the hashed font, beside it.
        assert f'url("{hashed_font.removeprefix("documents/")}")' in css
