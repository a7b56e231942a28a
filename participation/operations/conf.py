"""Settings of background-task recovery, each ``PARTICIPATION_TASKS_<NAME>``, with defaults."""

from django.conf import settings

DEFAULTS = {
    # A worker writes its heartbeat this often (seconds).
    "HEARTBEAT_SECONDS": 5,
    # A worker silent for this long is dead: its running task goes back to the queue.
    "WORKER_DEAD_AFTER_SECONDS": 30,
    # A task is started at most this many times; a worker dying in each of them fails it.
    "MAX_ATTEMPTS": 3,
    # A running task of a worker that never wrote a heartbeat (a plain django_tasks_db worker)
    # counts as dead once started this long ago.
    "MAX_RUNTIME_SECONDS": 60 * 60,
    # How often the scheduler looks for tasks of dead workers.
    "RECOVERY_INTERVAL_SECONDS": 60,
}


def get(name: str):
    return getattr(settings, f"PARTICIPATION_TASKS_{name}", DEFAULTS[name])
