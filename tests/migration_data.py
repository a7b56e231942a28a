"""The data migrations' rows (root page, site, locales, themes, groups), kept once per test
session and put back by tests that need a transactional database (a live server, gunicorn
processes): such a test is flushed afterwards, and the next one would find no site.

Django's own serialized_rollback does not fit: it loads the rows over the content types that
post_migrate re-creates after every flush (a UNIQUE error once another transactional test ran
first), and Playwright's event loop gets connections without the rows."""

from io import StringIO

DATA: dict[str, str] = {}


def serialize() -> str:
    """The test database as Django serializes it, leaving out models that have no table yet
    (the review engine's test doubles hold no migration data anyway)."""
    from django.apps import apps
    from django.db import connection

    tables = set(connection.introspection.table_names())
    skipped = [
        model
        for model in apps.get_models()
        if model._meta.managed and model._meta.db_table not in tables
    ]
    for model in skipped:
        model._meta.managed = False
    try:
        return connection.creation.serialize_db_to_string()
    finally:
        for model in skipped:
            model._meta.managed = True


def restore(data: str | None = None) -> None:
    """Django's deserialize_db_from_string, content types first: after a flush only
    post_migrate's content types and permissions are left, and saving some rows (pages) makes
    content types on the way, which would then clash with the serialized ones."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.db import connection, transaction

    objects = list(serializers.deserialize("json", StringIO(data or DATA["default"])))
    objects.sort(key=lambda obj: not isinstance(obj.object, ContentType | Permission))
    with transaction.atomic():
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        with connection.constraint_checks_disabled():
            for obj in objects:
                obj.save()
        connection.check_constraints()
    ContentType.objects.clear_cache()


def restore_if_flushed() -> None:
    from wagtail.models import Site

    if not Site.objects.exists():
        restore()
