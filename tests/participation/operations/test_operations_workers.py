"""Tasks whose worker died: told by the heartbeat, put back in the queue, failed after N tries."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from monitoring.tasks import notify_followers
from participation.operations import workers
from participation.operations.models import WorkerHeartbeat
from participation.operations.periodic import all_jobs

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker_once():
    """db_worker --batch (ours, with its heartbeat); see test_documents_background.py."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, interval=0, reload=False, verbosity=0)


@pytest.fixture
def queued(settings):
    """A task in the database queue (notify_followers of no commitment: returns 0)."""
    settings.TASKS = DATABASE_TASKS
    result = notify_followers.enqueue(999999)
    return DBTaskResult.objects.get(pk=result.id)


def claimed_by(task, *worker_ids, started_at=None):
    """As db_worker's claim, by each of these workers in turn (the last one holds it)."""
    for worker_id in worker_ids:
        task.claim(worker_id)
    if started_at is not None:
        DBTaskResult.objects.filter(pk=task.pk).update(started_at=started_at)
    task.refresh_from_db()
    return task


def test_recover_requeues_the_task_of_a_dead_worker_then_it_runs(queued):
    now = timezone.now()
    workers.beat("dead-worker", now - timedelta(seconds=31))
    claimed_by(queued, "dead-worker", started_at=now - timedelta(seconds=40))

    assert workers.recover_dead_tasks(now) == {"requeued": 1, "failed": 0}
    queued.refresh_from_db()
    assert queued.status == "READY"

    run_worker_once()
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL" and queued.return_value == 0
    assert len(queued.worker_ids) == 2  # the dead worker's attempt, then this one


def test_recover_leaves_the_task_of_a_live_worker_alone(queued):
    now = timezone.now()
    workers.beat("live-worker", now - timedelta(seconds=4))
    # Running for hours: a long build, but its worker still beats.
    claimed_by(queued, "live-worker", started_at=now - timedelta(hours=5))

    assert workers.recover_dead_tasks(now) == {"requeued": 0, "failed": 0}
    queued.refresh_from_db()
    assert queued.status == "RUNNING"


def test_worker_without_heartbeat_is_judged_by_the_time_its_task_has_run(queued, settings):
    settings.PARTICIPATION_TASKS_MAX_RUNTIME_SECONDS = 600
    now = timezone.now()
    claimed_by(queued, "plain-worker", started_at=now - timedelta(seconds=500))
    assert workers.recover_dead_tasks(now)["requeued"] == 0
    assert workers.recover_dead_tasks(now + timedelta(seconds=200))["requeued"] == 1
    queued.refresh_from_db()
    assert queued.status == "READY"


def test_a_task_whose_worker_keeps_dying_fails_with_the_reason(queued, caplog):
    now = timezone.now()
    for name in ("w1", "w2", "w3"):
        workers.beat(name, now - timedelta(minutes=5))
    claimed_by(queued, "w1", "w2", "w3", started_at=now - timedelta(minutes=4))

    assert workers.recover_dead_tasks(now) == {"requeued": 0, "failed": 1}
    queued.refresh_from_db()
    assert queued.status == "FAILED" and queued.finished_at == now
    assert queued.exception_class_path == workers.WORKER_DIED
    assert "died" in queued.traceback and "3 attempts" in queued.traceback
    error = queued.task_result.errors[0]
    assert error.exception_class_path == workers.WORKER_DIED
    assert any("failed" in r.message and str(queued.pk) in r.message for r in caplog.records)
    # Nothing runs it again.
    run_worker_once()
    queued.refresh_from_db()
    assert queued.status == "FAILED"


def test_a_task_finished_meanwhile_is_not_requeued(queued):
    now = timezone.now()
    workers.beat("slow", now - timedelta(minutes=5))
    task = claimed_by(queued, "slow", started_at=now - timedelta(minutes=4))
    task.set_successful(0)  # the worker finished between the look and the update
    with mock.patch.object(
        DBTaskResult.objects, "running", return_value=DBTaskResult.objects.filter(pk=task.pk)
    ):
        assert workers.recover_dead_tasks(now)["requeued"] == 0
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


def test_db_worker_beats_while_it_runs_and_forgets_its_heartbeat_on_exit(settings):
    settings.TASKS = DATABASE_TASKS
    seen = []
    real_beat = workers.beat

    def beat(worker_id, now=None):
        seen.append(worker_id)
        real_beat(worker_id, now)

    with mock.patch("participation.operations.management.commands.db_worker.beat", beat):
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command(
                "db_worker", batch=True, interval=0, reload=False, verbosity=0, worker_id="w-x"
            )
    assert seen and seen[0] == "w-x"
    assert not WorkerHeartbeat.objects.filter(worker_id="w-x").exists()


def test_recovery_is_a_periodic_job_every_minute():
    job = next(job for job in all_jobs() if job.name == "recover_dead_tasks")
    assert job.interval == timedelta(minutes=1)


def test_recovery_job_runs_only_on_the_database_queue(queued, settings):
    workers.beat("dead", timezone.now() - timedelta(minutes=5))
    claimed_by(queued, "dead", started_at=timezone.now() - timedelta(minutes=5))
    assert workers.recover_job() == "requeued 1, failed 0"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert "nothing to recover" in workers.recover_job()


def test_old_heartbeats_are_cleared(queued):
    now = timezone.now()
    workers.beat("gone", now - timedelta(days=2))
    workers.beat("here", now)
    workers.recover_dead_tasks(now)
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["here"]


def test_heartbeat_thread_beats_until_stopped():
    beats = []
    with mock.patch.object(workers, "beat", lambda worker_id: beats.append(worker_id)):
        heartbeat = workers.Heartbeat("w-thread", interval=0.01)
        heartbeat.start()
        deadline = timezone.now() + timedelta(seconds=5)
        while len(beats) < 3 and timezone.now() < deadline:
            heartbeat.stopping.wait(0.01)
        heartbeat.stop()
        heartbeat.join(2)
    assert not heartbeat.is_alive() and beats[:3] == ["w-thread"] * 3


def test_a_failing_heartbeat_is_logged_and_the_thread_goes_on(caplog):
    calls = []

    def broken(worker_id):
        calls.append(worker_id)
        raise RuntimeError("database away")

    with mock.patch.object(workers, "beat", broken):
        heartbeat = workers.Heartbeat("w-broken", interval=0.01)
        heartbeat.start()
        deadline = timezone.now() + timedelta(seconds=5)
        while len(calls) < 2 and timezone.now() < deadline:
            heartbeat.stopping.wait(0.01)
        heartbeat.stop()
        heartbeat.join(2)
    assert len(calls) >= 2 and "not written" in caplog.text
