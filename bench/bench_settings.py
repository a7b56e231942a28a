"""Settings of the benches and of generate_bench_data: the dev settings with DEBUG off, a throw-away
database (``WP_BENCH_DATABASE_URL``, set by the bench; never the repository's db.sqlite3),
throw-away media, and a bare baseline view (bench/baseline_app) beside the site's URLs.

Used both in the bench process and in the gunicorn workers it starts
(``DJANGO_SETTINGS_MODULE=bench_settings`` with bench/ on ``PYTHONPATH``).
"""

import os

import dj_database_url

from portal.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

_url = os.environ.get("WP_BENCH_DATABASE_URL")
if not _url:
    raise RuntimeError("WP_BENCH_DATABASE_URL is not set: the bench chooses its own database")
# The site's own tuning of the engine (portal/settings/base.py tuned_database): on SQLite,
# IMMEDIATE transactions and WAL for two gunicorn workers writing at once; on PostgreSQL,
# prepared statements for the submit's statements. The baseline views run with the same.
DATABASES = {
    "default": tuned_database(  # noqa: F405
        dj_database_url.parse(
            _url,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
            conn_health_checks=True,
        )
    )
}
MEDIA_ROOT = os.environ.get("WP_BENCH_MEDIA_ROOT", "/tmp/wp_bench_consultations_media")

INSTALLED_APPS = [*INSTALLED_APPS, "baseline_app"]  # noqa: F405
ROOT_URLCONF = "baseline_app.urls"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
