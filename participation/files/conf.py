"""The app's settings, each ``PARTICIPATION_FILES_<NAME>``, with their defaults in one place."""

from django.conf import settings

DEFAULTS = {
    # The alias in STORAGES of private files (CVs, attachments, evidence, generated documents).
    "PRIVATE_STORAGE": "private",
    # An image with more pixels than this is refused before it is decoded (decompression bombs).
    "MAX_IMAGE_PIXELS": 40_000_000,
    # Images are re-encoded on upload, scaled down to fit this many pixels on their long side.
    "MAX_IMAGE_SIDE": 4000,
    # Lifetime in seconds of a signed URL to a private file (S3-compatible storage).
    "SIGNED_URL_SECONDS": 300,
    # Decompressed bytes of a PDF's streams scanned for hidden active content (per stream, total).
    "PDF_SCAN_STREAM_BYTES": 2 * 1024 * 1024,
    "PDF_SCAN_TOTAL_BYTES": 32 * 1024 * 1024,
}


def get(name: str):
    return getattr(settings, f"PARTICIPATION_FILES_{name}", DEFAULTS[name])
