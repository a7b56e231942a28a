"""/health/ and /health/live/: cheap, no session, no host check, 503 when a dependency is down."""

import json
from datetime import timedelta

import pytest
from django.db import OperationalError, connections
from django.test import override_settings
from django.utils import timezone

from participation.operations import health

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _get(client, path, **extra):
    response = client.get(path, **extra)
    return response, json.loads(response.content)


def test_health_live_answers_without_touching_the_database(client):
    # No django_db mark: any database access here would raise.
    response, body = _get(client, "/health/live/")
    assert response.status_code == 200
    assert body == {"status": "ok"}
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_health_ready_reports_every_check(client):
    response, body = _get(client, "/health/")
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {
        "database",
        "cache",
        "storage:default",
        "storage:private",
        "tasks",
    }
    assert body["checks"]["database"]["status"] == "ok"
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response  # no session, nothing to store


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["participation.example.eu"])
def test_health_answers_a_load_balancer_calling_by_ip_over_http(client):
    # A load balancer probes the app server by address, in plain HTTP: no 400, no redirect.
    for path in ("/health/", "/health/live/"):
        response = client.get(path, HTTP_HOST="10.0.0.5:8001")
        assert response.status_code == 200, path
    # Every other URL still refuses the unknown host.
    assert client.get("/", HTTP_HOST="10.0.0.5:8001").status_code == 400


@pytest.mark.django_db
def test_health_has_no_language_prefix_and_no_post(client):
    for response in (client.get("/fr/health/"), client.post("/health/")):
        assert response.get("Content-Type") != "application/json"
        assert b'"checks"' not in response.content


@pytest.mark.django_db
def test_health_is_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response, body = _get(client, "/health/")
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["database"] == {
        "status": "error",
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["tasks"]["status"] == "skipped"
    assert "Connection refused" not in response.content.decode()  # details only in the log


@pytest.mark.django_db
def test_health_is_503_when_the_cache_is_unreachable(client):
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    with override_settings(CACHES=unreachable):
        from django.core.cache import caches

        caches._settings = None  # read the overridden CACHES
        response, body = _get(client, "/health/")
    assert response.status_code == 503
    assert body["checks"]["cache"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_health_checks_every_storage_in_storages(client, tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "mount" / "private")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    (tmp_path / "mount").write_text("")  # a file where the private folder's parent should be
    with override_settings(STORAGES=storages, MEDIA_ROOT=tmp_path / "media-not-made-yet"):
        response, body = _get(client, "/health/")
        assert response.status_code == 503
        assert body["checks"]["storage:default"]["status"] == "ok"
        assert body["checks"]["storage:private"]["status"] == "error"
        assert "storage:staticfiles" not in body["checks"]
        (tmp_path / "mount").unlink()
        (tmp_path / "mount").mkdir()
        response, body = _get(client, "/health/")
        assert response.status_code == 200, body


@pytest.mark.django_db
def test_health_reports_the_task_backlog_and_the_oldest_waiting_task(client, settings):
    from django_tasks_db.models import DBTaskResult

    from participation.documents.tasks import build_generated_document

    settings.TASKS = DB_TASKS
    settings.PARTICIPATION_HEALTH_TASK_MAX_AGE = 600
    for _ in range(3):
        build_generated_document.enqueue(0)
    response, body = _get(client, "/health/")
    assert body["checks"]["tasks"]["backlog"] == 3
    assert body["checks"]["tasks"]["status"] == "ok"
    oldest = DBTaskResult.objects.order_by("enqueued_at").first()
    DBTaskResult.objects.filter(pk=oldest.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=30)
    )
    response, body = _get(client, "/health/")
    tasks = body["checks"]["tasks"]
    assert tasks["status"] == "late"
    assert 1790 <= tasks["oldest_age_seconds"] <= 1900
    # A late queue is reported, but the web server stays in the load balancer.
    assert response.status_code == 200


@pytest.mark.django_db
def test_health_reports_each_queue_on_its_own(client, settings):
    from monitoring.tasks import notify_followers

    settings.TASKS = {"default": {**DB_TASKS["default"], "QUEUES": ["default", "mail"]}}
    notify_followers.enqueue(0)
    for _ in range(2):
        notify_followers.using(queue_name="mail").enqueue(0)
    tasks = _get(client, "/health/")[1]["checks"]["tasks"]
    assert tasks["backlog"] == 3
    assert {name: queue["backlog"] for name, queue in tasks["queues"].items()} == {
        "default": 1,
        "mail": 2,
    }


def test_health_skips_the_queue_without_the_database_backend(db):
    assert health.task_queue()["status"] == "skipped"  # tests run tasks at once
