"""The submit's conditional UPDATE and INSERTs, their SQL text written once per process and shape.

Every submit runs ``UPDATE <table> SET <changes> WHERE <pk> = %s AND <expected>``. Building
that through the ORM (a queryset, its WHERE tree, its compiler) cost about a tenth of a
submit request's CPU in the bench's profile, at the deadline's peak. The ORM still writes the
text, once per shape (model, columns, which values are NULL): only the values change, and
they go through the same ``get_db_prep_save`` / ``get_db_prep_value`` the compiler applies
(``tests/participation/submissions/test_statements.py`` compares both). A value the compiler
would treat specially (an expression, a field with its own placeholder) is built by the ORM
each time instead.

``prepared_cursor`` runs such a statement prepared on PostgreSQL: there, parsing and planning
the submit's statements cost more than running them (``log_statement_stats``: 0.7 ms of the
server's CPU for the submit's read, 0.09 ms of it executing).
"""

from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models.sql import InsertQuery, UpdateQuery

_texts: dict[tuple, str] = {}


@contextmanager
def prepared_cursor(using: str = DEFAULT_DB_ALIAS):
    """A cursor for a statement written once and run at every submit (same text, new values).

    On PostgreSQL, with ``prepare_threshold`` in the database's OPTIONS (the settings set it;
    ``DATABASE_PREPARE_THRESHOLD=none`` turns it off), the cursor binds its values on the
    server, so psycopg prepares the statement once the connection has run it that many times
    and the server then skips parsing and planning it. Django's own cursors bind on the
    client, which psycopg never prepares (the ORM's SQL is not always preparable, Django
    ticket #20516). Elsewhere, Django's cursor. Wrapped as Django wraps its cursors, so query
    counts, logs and ``execute_wrapper`` see these statements as any other."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor != "postgresql" or connection.connection.prepare_threshold is None:
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.validate_thread_sharing()
    raw = ServerBindingCursor(connection.connection)
    wrapped = _logged(raw, connection) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        yield cursor


def _logged(raw, connection):
    """Django's query log (DEBUG, ``CaptureQueriesContext``) shows the text psycopg sent, which
    psycopg keeps only for a statement it did not prepare: log the statement with its values."""
    from django.db.backends.postgresql.base import CursorDebugWrapper
    from django.db.backends.utils import CursorWrapper

    class LoggedPrepared(CursorDebugWrapper):
        def execute(self, sql, params=None):
            text = sql if params is None else self.db.ops.compose_sql(sql, params)
            with self.debug_sql(text):
                return CursorWrapper.execute(self, sql, params)

    return LoggedPrepared(raw, connection)


def _plain(field, value) -> bool:
    return not hasattr(value, "resolve_expression") and not hasattr(field, "get_placeholder")


@dataclass
class ConditionalUpdate:
    """``UPDATE … SET changes WHERE pk = pk AND expected`` for one row of ``model``; ``run``
    says whether the row matched. ``text``/``params`` let a caller add a RETURNING clause."""

    model: type
    pk: int
    expected: dict
    changes: dict

    @property
    def using(self) -> str:
        return router.db_for_write(self.model)

    def _fields(self, names):
        return [self.model._meta.get_field(name) for name in names]

    def _compiled(self) -> tuple[str, list]:
        queryset = self.model._base_manager.using(self.using).filter(pk=self.pk, **self.expected)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(self.changes)
        return query.get_compiler(self.using).as_sql()

    @cached_property
    def _shape(self) -> tuple | None:
        fields = self._fields(self.changes)
        if not all(_plain(f, v) for f, v in zip(fields, self.changes.values(), strict=True)):
            return None
        if any(value is None for value in self.expected.values()):
            return None  # "IS NULL": another text
        nulls = tuple(value is None for value in self.changes.values())
        vendor = connections[self.using].vendor
        return (self.model, tuple(self.changes), tuple(self.expected), nulls, vendor)

    def text(self) -> str:
        shape = self._shape
        if shape is None:
            return self._compiled()[0]
        if shape not in _texts:
            _texts[shape] = self._compiled()[0]
        return _texts[shape]

    def params(self) -> list:
        if self._shape is None:
            return list(self._compiled()[1])
        connection = connections[self.using]
        values = []
        for field, value in zip(self._fields(self.changes), self.changes.values(), strict=True):
            if hasattr(value, "prepare_database_save") and field.remote_field:
                value = value.prepare_database_save(field)
            value = field.get_db_prep_save(value, connection=connection)
            if value is not None:  # NULL is written in the text
                values.append(value)
        pk_field = self.model._meta.pk
        values.append(pk_field.get_db_prep_value(self.pk, connection, prepared=False))
        for field, value in zip(self._fields(self.expected), self.expected.values(), strict=True):
            values.append(field.get_db_prep_value(value, connection, prepared=False))
        return values

    def run(self) -> bool:
        with prepared_cursor(self.using) as cursor:
            cursor.execute(self.text(), self.params())
            return cursor.rowcount > 0


_insert_texts: dict[tuple, str] = {}


def prepare_insert(instance, using: str | None = None):
    """The INSERT that ``instance.save(force_insert=True)`` would run for a new row, its
    values read now (``pre_save(add=True)``: an ``auto_now_add`` is set now), and the function
    that runs it and sets the primary key the database gave, if any. No signals, no parents:
    for a model without them (the caller sends ``pre_save``/``post_save`` if anyone listens).
    The text is the ORM's, written once per model and database (NULL is a value here); the values
    go through the ``get_db_prep_save`` the ORM's compiler applies (the tests compare both).
    Prepare before a busy transaction, run inside it (on SQLite it holds the write lock)."""
    model = type(instance)
    meta = model._meta
    using = using or router.db_for_write(model)
    connection = connections[using]
    pk_set = instance.pk is not None
    fields = [f for f in meta.local_concrete_fields if pk_set or f is not meta.auto_field]
    values = [field.pre_save(instance, add=True) for field in fields]
    returning = [] if pk_set else list(meta.db_returning_fields)
    if not all(_plain(f, v) for f, v in zip(fields, values, strict=True)):
        shape = None  # an expression: the ORM writes it each time
    else:
        shape = (model, pk_set, connection.vendor)
    if shape is None or shape not in _insert_texts:
        query = InsertQuery(model, on_conflict=None)
        query.insert_values(fields, [instance])
        compiler = query.get_compiler(using)
        compiler.returning_fields = returning or None
        ((sql, params),) = compiler.as_sql()
        if shape is not None:
            _insert_texts[shape] = sql
    if shape is not None:
        sql = _insert_texts[shape]
        params = [
            field.get_db_prep_save(value, connection=connection)
            for field, value in zip(fields, values, strict=True)
        ]

    def run() -> None:
        with prepared_cursor(using) as cursor:
            cursor.execute(sql, params)
            if returning:
                for field, value in zip(returning, cursor.fetchone(), strict=True):
                    setattr(instance, field.attname, value)
        instance._state.adding = False
        instance._state.db = using

    return run
