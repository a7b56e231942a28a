from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent


def record(target, actor, action: str, **data) -> AuditEvent:
    """Record that `actor` did `action` to `target`, with JSON-ready details."""
    return AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        data=data,
    )


def history(target):
    """Events about `target`, oldest first, with their actors (one query)."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")


def forget_actors(model, ids) -> int:
    """Erasure: the events about these objects stay, who did them is forgotten."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(pk) for pk in ids],
        actor__isnull=False,
    ).update(actor=None)
