"""The task backend (participation.operations.taskqueue): django_tasks_db's, whose new rows are
written by one INSERT written once per process. The rows are the library's, a worker runs them."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models.signals import post_save
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend as LibraryBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from monitoring.tasks import notify_followers

pytestmark = pytest.mark.django_db

OURS = {"default": {"BACKEND": "participation.operations.taskqueue.DatabaseBackend"}}
LIBRARY = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# What the database decides or the clock gives, different in every row.
VARYING = {"id", "enqueued_at"}


def _stored(result) -> dict:
    row = DBTaskResult.objects.get(pk=result.id)
    return {f.attname: getattr(row, f.attname) for f in DBTaskResult._meta.concrete_fields}


def test_the_site_queues_through_this_backend():
    from portal.settings import base  # the tests run tasks at once instead

    assert base.TASKS["default"]["BACKEND"] == OURS["default"]["BACKEND"]


@pytest.mark.parametrize("deferred", [False, True])
def test_a_task_is_stored_as_the_library_stores_it(settings, deferred):
    when = timezone.now() + timedelta(hours=2)
    stored = {}
    for name, tasks in (("ours", OURS), ("library", LIBRARY)):
        settings.TASKS = tasks
        task = notify_followers.using(priority=7, run_after=when if deferred else None)
        result = task.enqueue(commitment_id=424242)
        stored[name] = _stored(result)
        assert result.status == "READY" and result.args == []
        assert result.kwargs == {"commitment_id": 424242}
    ours, library = stored["ours"], stored["library"]
    assert {k: v for k, v in ours.items() if k not in VARYING} == {
        k: v for k, v in library.items() if k not in VARYING
    }
    assert ours["run_after"] == (when if deferred else get_date_max())
    assert abs(ours["enqueued_at"] - library["enqueued_at"]) < timedelta(seconds=5)


def test_save_signals_are_sent_as_by_save(settings):
    settings.TASKS = OURS
    seen = []

    def listener(sender, instance, created, **kwargs):
        seen.append((instance.pk, created, instance._state.adding))

    post_save.connect(listener, sender=DBTaskResult)
    try:
        result = notify_followers.enqueue(1)
    finally:
        post_save.disconnect(listener, sender=DBTaskResult)
    assert [(str(pk), created, adding) for pk, created, adding in seen] == [
        (str(result.id), True, False)
    ]


def test_a_worker_runs_what_this_backend_queued(settings):
    settings.TASKS = OURS
    from django_tasks_db.compat import task_backends

    assert isinstance(task_backends["default"], LibraryBackend)  # recovery and pruning see it
    result = notify_followers.enqueue(999999)  # no such commitment: nothing to send
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, interval=0, reload=False, verbosity=0)
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
