"""The app's settings, each ``PARTICIPATION_MONITORING_<NAME>``, with their defaults in one
place."""

from participation.conf import read

DEFAULTS = {
    # The largest CSV of indicator values an editor may upload.
    "MAX_UPLOAD_BYTES": 5 * 1024 * 1024,
}
# Read under their old names for one release.
RENAMED = {"MAX_UPLOAD_BYTES": "MONITORING_MAX_UPLOAD_BYTES"}


def get(name: str):
    return read("PARTICIPATION_MONITORING_", DEFAULTS, name, RENAMED)
