from django.contrib.contenttypes.models import ContentType

from participation.submissions.statements import prepare_insert

from .models import AuditEvent


def _event(target, actor, action: str, data: dict) -> AuditEvent:
    return AuditEvent(
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        data=data,
    )


def record(target, actor, action: str, **data) -> AuditEvent:
    """Record that `actor` did `action` to `target`, with JSON-ready details."""
    event = _event(target, actor, action, data)
    event.save(force_insert=True)
    return event


def prepared_record(target, actor, action: str, **data):
    """``record`` in two steps: the INSERT's values are read now, and the function returned
    runs it (one statement written once per process, no model machinery). For a busy
    transaction that should hold its locks as briefly as possible (a submit at the deadline):
    prepare before it, run inside it."""
    return prepare_insert(_event(target, actor, action, data))


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
