"""Health checks for load balancers: ``/health/`` (ready to serve) and ``/health/live/``.

Answered by ``HealthCheckMiddleware`` before every other middleware: no session, no user, no
language prefix, no HTTPS redirect and no ALLOWED_HOSTS check (load balancers call app servers
by IP address). The answer says only "ok" or the kind of error; details go to the log.

``/health/`` is 200 when the database, the cache and every storage in ``STORAGES`` answer,
else 503. The task queue (backlog of ready tasks, age of the oldest) is reported but does not
make a web server unready: a stopped worker is no reason to take every web server out.
"""

import json
import logging
import os
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connections
from django.db.models import Count, Min
from django.http import HttpResponse
from django.utils import timezone

logger = logging.getLogger("participation.operations.health")

LIVE_PATH = "/health/live/"
READY_PATH = "/health/"
# Above this age the oldest waiting task is reported as "late" (settable).
DEFAULT_TASK_MAX_AGE_SECONDS = 15 * 60


def _timed(check):
    started = time.monotonic()
    try:
        result = check() or {}
        result.setdefault("status", "ok")
    except Exception as error:  # every failure is a check result, never a 500
        # One line per failed check (probes come every few seconds): no traceback.
        name = check.__name__
        logger.warning("Health check %s failed: %s: %s", name, type(error).__name__, error)
        result = {"status": "error", "error": type(error).__name__}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    cache = caches["default"]
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def _check_writable_folder(location):
    """The folder, or the nearest existing folder above it (the storage creates the rest on the
    first save), must be writable by this process."""
    path = os.path.abspath(location)
    while not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    if not os.path.isdir(path) or not os.access(path, os.W_OK | os.X_OK):
        raise PermissionError(f"storage folder {location} cannot be written")


def storage_checks():
    """One check per storage in STORAGES except static files (served by nginx/WhiteNoise)."""
    checks = {}
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue

        def check(alias=alias):
            storage = storages[alias]
            # A cheap round trip: HEAD of a key that does not exist on a bucket, a stat locally.
            storage.exists(".health-check")
            location = getattr(storage, "location", None)
            if location and not getattr(storage, "bucket_name", None):
                _check_writable_folder(location)

        check.__name__ = f"storage:{alias}"
        checks[f"storage:{alias}"] = check
    return checks


def task_queue():
    """Ready tasks waiting and the age of the oldest, for the database queue only."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import task_backends
    from django_tasks_db.models import DBTaskResult

    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return {"status": "skipped", "backend": type(backend).__name__}
    # One grouped query: each queue's backlog and oldest task (a kind of work on a queue of its
    # own, PARTICIPATION_TASK_QUEUES, shows whether its workers keep up).
    rows = (
        DBTaskResult.objects.ready()
        .filter(backend_name=backend.alias)
        .values("queue_name")
        .annotate(backlog=Count("pk"), oldest=Min("enqueued_at"))
    )
    now = timezone.now()
    queues = {
        row["queue_name"]: {
            "backlog": row["backlog"],
            "oldest_age_seconds": round((now - row["oldest"]).total_seconds(), 1),
        }
        for row in rows
    }
    age = max((q["oldest_age_seconds"] for q in queues.values()), default=0)
    max_age = getattr(settings, "PARTICIPATION_HEALTH_TASK_MAX_AGE", DEFAULT_TASK_MAX_AGE_SECONDS)
    return {
        "status": "late" if age > max_age else "ok",
        "backlog": sum(q["backlog"] for q in queues.values()),
        "oldest_age_seconds": age,
        "queues": queues,
    }


def readiness() -> tuple[bool, dict]:
    checks = {"database": check_database, "cache": check_cache, **storage_checks()}
    results = {name: _timed(check) for name, check in checks.items()}
    ready = all(result["status"] == "ok" for result in results.values())
    # The queue needs the database: no point asking when it is down.
    if results["database"]["status"] == "ok":
        results["tasks"] = _timed(task_queue)
    else:
        results["tasks"] = {"status": "skipped"}
    return ready, results


def _json(status, body):
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"  # SecurityMiddleware does not see it
    # Failed checks are logged above as warnings; no "Service Unavailable" error per probe
    # (a load balancer probes every few seconds, and errors go to Sentry).
    response._has_been_logged = True
    return response


class HealthCheckMiddleware:
    """Answers the two health URLs (GET or HEAD) before anything else looks at the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path in (LIVE_PATH, READY_PATH) and request.method in ("GET", "HEAD"):
            if path == LIVE_PATH:
                return _json(200, {"status": "ok"})
            ready, checks = readiness()
            return _json(
                200 if ready else 503, {"status": "ok" if ready else "error", "checks": checks}
            )
        return self.get_response(request)
