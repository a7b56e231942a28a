"""Task queues by kind of work, so that a deployment can give each kind workers of its own.

Every task names its kind (``queue_for``): ``mail`` (confirmations, receipts, letters, notices,
reminders), ``documents`` (PDF builds: minutes of CPU and up to 3 GB each) and ``analysis``
(campaign detection). By default every kind goes to the one ``default`` queue, which one
``db_worker`` serves. ``PARTICIPATION_TASK_QUEUES="documents=documents,mail=mail"`` sends those
kinds to queues of their own: run ``db_worker --queue-name documents`` on a node with memory to
spare, ``--queue-name mail`` where mail goes out fast, and keep one worker on ``default``
(Wagtail's own tasks and any kind not named). Read by the settings: no Django import here.
"""

from __future__ import annotations

DEFAULT_QUEUE = "default"
KINDS = ("mail", "documents", "analysis")


def parse_task_queues(text: str | None) -> dict[str, str]:
    """``"documents=pdf, mail=mail"`` -> {"documents": "pdf", "mail": "mail"}; empty -> {}.
    An unknown kind or an empty queue name is refused with the reason (a typo would otherwise
    leave tasks in a queue no worker serves)."""
    from django.core.exceptions import ImproperlyConfigured

    mapping = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        kind, _, queue = (piece.strip() for piece in part.partition("="))
        if kind not in KINDS or not queue:
            raise ImproperlyConfigured(
                f"PARTICIPATION_TASK_QUEUES: {part.strip()!r} is not kind=queue with a kind "
                f"among {', '.join(KINDS)}."
            )
        mapping[kind] = queue
    return mapping


def queue_names(mapping: dict[str, str]) -> list[str]:
    """Every queue the task backend must accept: the default and each kind's."""
    return sorted({DEFAULT_QUEUE, *mapping.values()})


def queue_for(kind: str) -> str:
    """The queue of a kind of work (``PARTICIPATION_TASK_QUEUES``), else the default one."""
    from django.conf import settings

    if kind not in KINDS:
        raise ValueError(f"Unknown kind of task: {kind}")
    return getattr(settings, "PARTICIPATION_TASK_QUEUES", {}).get(kind, DEFAULT_QUEUE)
