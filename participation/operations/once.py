"""Done once, even when a task runs twice (its worker died after the work and before the queue
heard of it, and the task was put back: see workers.py).

    if not already_done(key):
        send_mail(...)
        mark_done(key)

The mark comes after the work: a worker killed between the two repeats it (at least once);
never is an email lost.
"""

import contextvars

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OnceMarker


def already_done(key: str) -> bool:
    return OnceMarker.objects.filter(key=key[:255]).exists()


def mark_done(key: str) -> None:
    try:
        with transaction.atomic():
            OnceMarker.objects.create(key=key[:255], done_at=timezone.now())
    except IntegrityError:  # another run marked it first
        pass


# The id of the task this thread is running (set by the task_started signal), so that a task
# run again after its worker died skips what its first run did.
_current_task = contextvars.ContextVar("current_task_id", default=None)


def on_task_started(sender, task_result, **kwargs):
    _current_task.set(str(task_result.id))


def on_task_finished(sender, task_result, **kwargs):
    _current_task.set(None)


def connect_signals():
    from django_tasks_db.compat import task_finished, task_started

    task_started.connect(on_task_started, dispatch_uid="operations_once_started")
    task_finished.connect(on_task_finished, dispatch_uid="operations_once_finished")


def once(key: str | None, action) -> bool:
    """Do ``action()`` unless ``key`` is already marked done; True if it was done now.

    A key of None (nothing to tell the runs apart) always does it."""
    if key is not None and already_done(key):
        return False
    action()
    if key is not None:
        mark_done(key)
    return True


def in_this_task(*parts) -> str | None:
    """A key for one step of the running task (the same in a rerun of it); None outside one."""
    task_id = _current_task.get()
    if task_id is None:
        return None
    return ":".join(["task", task_id, *map(str, parts)])
