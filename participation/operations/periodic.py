"""Periodic jobs: one registry, one scheduler (``manage.py run_periodic``), once per interval.

The core registers its own jobs below; a plugin registers its jobs with the
``register_periodic_jobs`` Wagtail hook, a function returning a list of :class:`PeriodicJob`::

    @hooks.register("register_periodic_jobs")
    def periodic_jobs():
        return [PeriodicJob("send_deadline_reminders", timedelta(hours=1))]

Several schedulers may run (one per node, or a systemd timer calling ``--once``): each job's
next due time is a database row, and a scheduler runs a job only if its conditional UPDATE
moved that time forward, so each job runs once per interval across all of them. A failing job
is logged (and reported to Sentry through logging) and tried again at its next interval; it
never stops the other jobs.
"""

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management import call_command
from django.db import IntegrityError, transaction
from wagtail import hooks

from .models import PeriodicJobState

logger = logging.getLogger("participation.operations.periodic")

PERIODIC_JOBS_HOOK = "register_periodic_jobs"


@dataclass(frozen=True)
class PeriodicJob:
    """A management command (``name`` with ``args``) or a function run every ``interval``."""

    name: str
    interval: timedelta
    args: tuple = ()
    func: Callable[[], object] | None = None
    options: dict = field(default_factory=dict)

    def run(self) -> str:
        if self.func is not None:
            result = self.func()
            return "" if result is None else str(result)
        out = io.StringIO()
        call_command(self.name, *self.args, stdout=out, stderr=out, **self.options)
        return out.getvalue().strip()


def _prune_task_results():
    """django_tasks_db's own pruning, only when the database queue is in use."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import task_backends

    if isinstance(task_backends["default"], DatabaseBackend):
        call_command("prune_db_task_results", verbosity=1)  # logs "Deleted N task result(s)"
        return ""
    return "not the database queue: nothing to prune"


def core_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob("publish_scheduled", timedelta(minutes=1)),  # Wagtail's scheduled pages
        PeriodicJob("prune_generated_documents", timedelta(days=1)),
        PeriodicJob("prune_db_task_results", timedelta(days=1), func=_prune_task_results),
        PeriodicJob("clearsessions", timedelta(days=1)),
    ]


def all_jobs() -> list[PeriodicJob]:
    jobs = {job.name: job for job in core_jobs()}
    for fn in hooks.get_hooks(PERIODIC_JOBS_HOOK):
        for job in fn() or ():
            jobs[job.name] = job
    return list(jobs.values())


def _state(job: PeriodicJob, now: datetime) -> PeriodicJobState:
    try:
        with transaction.atomic():
            state, _ = PeriodicJobState.objects.get_or_create(
                name=job.name, defaults={"next_run_at": now}
            )
    except IntegrityError:  # another scheduler created it at the same moment
        state = PeriodicJobState.objects.get(name=job.name)
    return state


def claim(job: PeriodicJob, now: datetime) -> bool:
    """True if this scheduler takes the job for this interval (at most one does)."""
    state = _state(job, now)
    if state.next_run_at > now:
        return False
    return bool(
        PeriodicJobState.objects.filter(name=job.name, next_run_at=state.next_run_at).update(
            next_run_at=now + job.interval, last_started_at=now
        )
    )


def run_job(job: PeriodicJob, now: datetime, clock: Callable[[], datetime]) -> bool:
    logger.info("Periodic job %s started", job.name, extra={"job": job.name})
    try:
        output = job.run()
    except Exception as error:
        logger.exception("Periodic job %s failed", job.name, extra={"job": job.name})
        PeriodicJobState.objects.filter(name=job.name).update(
            last_finished_at=clock(), last_succeeded=False, last_error=repr(error)[:2000]
        )
        return False
    logger.info(
        "Periodic job %s done%s",
        job.name,
        f": {output[:500]}" if output else "",
        extra={"job": job.name},
    )
    PeriodicJobState.objects.filter(name=job.name).update(
        last_finished_at=clock(), last_succeeded=True, last_error=""
    )
    return True


def run_due_jobs(clock: Callable[[], datetime], jobs: list[PeriodicJob] | None = None) -> dict:
    """Run every job that is due and that no other scheduler took; {name: succeeded}."""
    results = {}
    for job in all_jobs() if jobs is None else jobs:
        now = clock()
        try:
            claimed = claim(job, now)
        except Exception:  # database down: say so, try again on the next tick
            logger.exception("Periodic job %s could not be claimed", job.name)
            continue
        if claimed:
            results[job.name] = run_job(job, now, clock)
    return results


def seconds_until_next(clock: Callable[[], datetime], jobs: list[PeriodicJob]) -> float:
    names = [job.name for job in jobs]
    upcoming = (
        PeriodicJobState.objects.filter(name__in=names)
        .order_by("next_run_at")
        .values_list("next_run_at", flat=True)
        .first()
    )
    if upcoming is None or PeriodicJobState.objects.filter(name__in=names).count() < len(names):
        return 0.0
    return max(0.0, (upcoming - clock()).total_seconds())
