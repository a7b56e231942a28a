"""The app's settings, each ``PARTICIPATION_EXPERTGROUP_<NAME>``, with their defaults in one
place."""

from participation.conf import read

DEFAULTS = {
    # The largest CV (PDF) and photo an applicant may upload, in megabytes.
    "MAX_UPLOAD_MB": 5,
    "MAX_PHOTO_MB": 2,
}
# Read under their old names for one release.
RENAMED = {"MAX_UPLOAD_MB": "EXPERTGROUP_MAX_UPLOAD_MB", "MAX_PHOTO_MB": "EXPERTGROUP_MAX_PHOTO_MB"}


def get(name: str):
    return read("PARTICIPATION_EXPERTGROUP_", DEFAULTS, name, RENAMED)
