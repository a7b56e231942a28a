"""The app's settings, each ``PARTICIPATION_DOCUMENTS_<NAME>``, with their defaults in one place."""

from django.conf import settings

DEFAULTS = {
    # Accessible, tagged PDFs (PDF/UA-1). None gives plain PDF 1.7, slightly faster.
    "PDF_VARIANT": "pdf/ua-1",
    # Origin against which relative URLs in documents resolve (links in the PDF point there).
    # None: WAGTAILADMIN_BASE_URL, else http://localhost/.
    "BASE_URL": None,
    # The largest static or media file a document may embed; bigger ones are refused.
    "MAX_RESOURCE_BYTES": 10 * 1024 * 1024,
    # The image cache shared between renders is emptied when it grows past this.
    "IMAGE_CACHE_MAX_BYTES": 64 * 1024 * 1024,
    # Storage alias and folder for generated files (random sub-folders; served by a view only).
    "STORAGE": "private",
    "UPLOAD_TO": "generated-documents",
    # Seconds between progress writes to the database while a document is built.
    "PROGRESS_INTERVAL": 0.5,
    # The status page refreshes itself every so many seconds while a document is being built.
    "REFRESH_SECONDS": 2,
    # A build that has shown no progress for this long is taken as dead (worker killed): retry.
    "STALE_AFTER_SECONDS": 30 * 60,
    # prune_generated_documents deletes records (and unshared files) older than this.
    "KEEP_DAYS": 30,
}


def get(name: str):
    return getattr(settings, f"PARTICIPATION_DOCUMENTS_{name}", DEFAULTS[name])
