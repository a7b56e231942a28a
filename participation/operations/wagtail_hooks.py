from datetime import timedelta

from wagtail import hooks

from . import conf
from .periodic import PERIODIC_JOBS_HOOK, PeriodicJob
from .workers import recover_job


@hooks.register(PERIODIC_JOBS_HOOK)
def task_recovery_jobs():
    # Tasks whose worker died go back to the queue (or fail after MAX_ATTEMPTS): workers.py.
    interval = timedelta(seconds=conf.get("RECOVERY_INTERVAL_SECONDS"))
    return [PeriodicJob("recover_dead_tasks", interval, func=recover_job)]
