"""Settings of the servers and the task worker that tests/participation/test_concurrent_writes.py
starts: the test settings (the database comes from DATABASE_URL, as everywhere) with the
database task queue that `make run` uses, so the worker has queued tasks to run."""

import os

from portal.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MEDIA_ROOT = os.environ["WP_WRITES_MEDIA_ROOT"]
