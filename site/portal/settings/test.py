"""Tests: SQLite by default, PostgreSQL when DATABASE_URL is set (CI runs both)."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run at once in tests unless a test asks for the database queue.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": queue_names(PARTICIPATION_TASK_QUEUES),  # noqa: F405
    }
}
# One folder per pytest-xdist worker: workers must not see (or clean up) each other's files.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")  # noqa: F405
MEDIA_ROOT = BASE_DIR / "media" / "test" / _WORKER  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / "private_media" / "test" / _WORKER  # noqa: F405
STORAGES = {  # manifest-free static files so templates render without collectstatic
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "participation.files.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# db_worker's heartbeat thread would write outside the test's transaction: in tests only the
# beat at the worker's start (in the test's thread) is written.
PARTICIPATION_TASKS_HEARTBEAT_SECONDS = 3600
