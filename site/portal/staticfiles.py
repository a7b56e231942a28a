"""The static files storage of production: WhiteNoise's compressed manifest storage that leaves
alone a stylesheet's reference to a file outside the static folders.

participation/documents/static/documents/print.css names the PDF fonts as ``../../fonts/...``,
the app's fonts folder, which only WeasyPrint reads (from the source tree, never from
STATIC_ROOT). Django's manifest storage refuses such a path (SuspiciousFileOperation) and
``collectstatic`` stopped there; a missing file *inside* the static folders still fails it."""

from django.core.exceptions import SuspiciousFileOperation
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except SuspiciousFileOperation:
                return matchobj.group(0)  # outside the static folders: kept as written

        return converter
