from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models.sql import InsertQuery

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
    """``record`` in two steps: the INSERT is written now, and the function returned runs it
    (one statement, no model machinery). For a busy transaction that should hold its locks as
    briefly as possible (a submit at the deadline): prepare before it, run inside it."""
    event = _event(target, actor, action, data)
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    query = InsertQuery(AuditEvent)
    query.insert_values(fields, [event])
    using = router.db_for_write(AuditEvent)
    ((sql, params),) = query.get_compiler(using).as_sql()

    def run() -> None:
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)

    return run


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
