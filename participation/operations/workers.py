"""Tasks of dead workers: found by heartbeat, put back in the queue, failed after N attempts.

django_tasks_db marks a task RUNNING when a worker claims it and nothing else: a worker killed
in the middle (SIGKILL, out of memory, a node lost) leaves it RUNNING for ever. Our
``db_worker`` (management/commands/db_worker.py) records each worker's last sign of life every
HEARTBEAT_SECONDS; the periodic job ``recover_dead_tasks`` puts the RUNNING tasks of a worker
silent for WORKER_DEAD_AFTER_SECONDS back to READY, or, once started MAX_ATTEMPTS times,
marks them FAILED with the reason. Tasks are thus run at least once: each must be safe to run
twice (see once.py for emails).
"""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.dispatch import Signal
from django.utils import timezone

from . import conf
from .models import WorkerHeartbeat

logger = logging.getLogger("participation.operations.workers")

# Sent with the DBTaskResult once it is back in the queue / failed for good (documents listen).
task_requeued = Signal()
task_abandoned = Signal()

WORKER_DIED = "participation.operations.workers.WorkerDied"


class WorkerDied(Exception):
    """Recorded as a task's error when its worker died in every attempt."""


def beat(worker_id: str, now: datetime | None = None) -> None:
    """Record that this worker is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "last_seen": now or timezone.now(),
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def forget(worker_id: str) -> None:
    """A worker stopping cleanly: it leaves no heartbeat to grow old."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


class Heartbeat(threading.Thread):
    """Beats every HEARTBEAT_SECONDS in the background while the worker runs its tasks."""

    def __init__(self, worker_id: str, interval: float | None = None):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = conf.get("HEARTBEAT_SECONDS") if interval is None else interval
        self.stopping = threading.Event()

    def run(self):
        # The command beat once before starting this thread: the first beat here is one
        # interval later.
        while not self.stopping.wait(self.interval):
            try:
                close_old_connections()
                beat(self.worker_id)
            except Exception:  # database away for a moment: try again at the next beat
                logger.warning("Heartbeat of worker %s not written", self.worker_id, exc_info=True)
                connection.close()
        connection.close()

    def stop(self):
        self.stopping.set()


def is_dead(task, heartbeats: dict, now: datetime) -> bool:
    """Is the worker that last claimed this RUNNING task dead?"""
    worker_id = task.worker_ids[-1] if task.worker_ids else None
    seen = heartbeats.get(worker_id)
    if seen is not None:
        return seen < now - timedelta(seconds=conf.get("WORKER_DEAD_AFTER_SECONDS"))
    # No heartbeat (a worker without one, or one long gone): judged by how long it has run.
    started = task.started_at or task.enqueued_at
    return started < now - timedelta(seconds=conf.get("MAX_RUNTIME_SECONDS"))


def _died_message(task) -> str:
    return (
        f"The worker running this task died (killed, out of memory or its machine lost) in "
        f"each of its {len(task.worker_ids)} attempts (workers: {', '.join(task.worker_ids)}); "
        f"it is not tried again."
    )


def recover_dead_tasks(now: datetime | None = None) -> dict:
    """Requeue (or fail, after MAX_ATTEMPTS) the RUNNING tasks of dead workers.

    Each change is a conditional UPDATE on the task's status and start time, so two schedulers,
    or a worker finishing the task at that moment, never see it changed twice."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    heartbeats = dict(WorkerHeartbeat.objects.values_list("worker_id", "last_seen"))
    counts = {"requeued": 0, "failed": 0}
    for task in DBTaskResult.objects.running().order_by("started_at"):
        if not is_dead(task, heartbeats, now):
            continue
        same = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        attempts = len(task.worker_ids)
        if attempts >= conf.get("MAX_ATTEMPTS"):
            message = _died_message(task)
            if same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_DIED,
                traceback=f"{WORKER_DIED}: {message}\n",
                return_value=None,
            ):
                counts["failed"] += 1
                logger.error(
                    "Task %s (%s) failed: %s",
                    task.pk,
                    task.task_path,
                    message,
                    extra={"task_id": str(task.pk), "task_path": task.task_path},
                )
                task.status = TaskResultStatus.FAILED
                task_abandoned.send(sender=DBTaskResult, task=task, reason=message)
        elif same.update(status=TaskResultStatus.READY):
            counts["requeued"] += 1
            logger.warning(
                "Task %s (%s) put back in the queue: worker %s died (attempt %d of %d)",
                task.pk,
                task.task_path,
                task.worker_ids[-1] if task.worker_ids else "?",
                attempts,
                conf.get("MAX_ATTEMPTS"),
                extra={"task_id": str(task.pk), "task_path": task.task_path},
            )
            task.status = TaskResultStatus.READY
            task_requeued.send(sender=DBTaskResult, task=task)
    # Heartbeats of workers long gone (every restart is a new id) are cleared away.
    WorkerHeartbeat.objects.filter(last_seen__lt=now - timedelta(days=1)).delete()
    return counts


def recover_job() -> str:
    """The periodic job: only when the database queue is in use."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import task_backends

    if not isinstance(task_backends["default"], DatabaseBackend):
        return "not the database queue: nothing to recover"
    counts = recover_dead_tasks()
    return f"requeued {counts['requeued']}, failed {counts['failed']}"
