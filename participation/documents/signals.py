"""A generated file goes when the last record pointing at it goes (records can share a file);
a build whose worker died is queued again, or failed after too many deaths (operations.workers).
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.operations.workers import task_abandoned, task_requeued

from .models import GeneratedDocument

logger = logging.getLogger("participation.documents")


@receiver(post_delete, sender=GeneratedDocument, dispatch_uid="documents_delete_generated_file")
def delete_generated_file(sender, instance, **kwargs):
    name = instance.file.name if instance.file else ""
    if not name:
        return
    storage = instance.file.storage

    def delete():
        if GeneratedDocument.objects.filter(file=name).exists():
            return
        try:
            storage.delete(name)
        except Exception:  # a missing file or an unreachable bucket must not break a deletion
            logger.warning("Could not delete generated file %s", name, exc_info=True)

    transaction.on_commit(delete)


BUILD_TASK = "participation.documents.tasks.build_generated_document"


def _documents_of(task):
    from django.db.models import Q

    args = (task.args_kwargs or {}).get("args") or []
    by_task = Q(task_id=str(task.pk)[:64])
    if args:
        by_task |= Q(pk=args[0], task_id="")
    return GeneratedDocument.objects.filter(by_task, status=GeneratedDocument.Status.RUNNING)


@receiver(task_requeued, dispatch_uid="documents_build_requeued")
def build_requeued(sender, task, **kwargs):
    """Its worker died: the same task builds it again, no one has to press retry."""
    if task.task_path != BUILD_TASK:
        return
    _documents_of(task).update(
        status=GeneratedDocument.Status.QUEUED,
        progress_done=0,
        progress_total=None,
        updated_at=timezone.now(),
    )


@receiver(task_abandoned, dispatch_uid="documents_build_abandoned")
def build_abandoned(sender, task, reason="", **kwargs):
    """Its worker died in every attempt: failed, with a message, and the editor may retry."""
    if task.task_path != BUILD_TASK:
        return
    message = _(
        "The build stopped several times because the worker building it died (for instance "
        "out of memory). Please try again; if it fails again, tell the site's editors."
    )
    _documents_of(task).update(
        status=GeneratedDocument.Status.FAILED,
        error=message,
        error_detail=reason[:4000],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
