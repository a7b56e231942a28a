"""A generated file goes when the last record pointing at it goes (records can share a file)."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

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
