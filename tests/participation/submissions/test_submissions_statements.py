"""The submit's conditional UPDATE written once per shape (participation.submissions.statements):
the same SQL and values as the ORM's own compiler, on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from consultations.models import Response
from participation.submissions import services, statements
from participation.submissions.statements import ConditionalUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(consultation, user):
    response, _ = services.start_or_resume(
        Response, "consultation", consultation, user, None, respondent_type="individual"
    )
    return response


def _orm(statement):
    """What the ORM's compiler writes for the same UPDATE."""
    queryset = Response.objects.filter(pk=statement.pk, **statement.expected)
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(statement.changes)
    sql, params = query.get_compiler(connection.alias).as_sql()
    return sql, _comparable(params)


def _comparable(params) -> list:
    # psycopg's Jsonb wrapper (PostgreSQL) compares by identity: compare what it wraps.
    return [(type(p).__name__, p.obj) if hasattr(p, "obj") else p for p in params]


def _changes(user, receipt):
    now = timezone.now()
    return {
        "status": "submitted",
        "submitted_at": now,
        "updated_at": now,
        "updated_by": user,
        "version": 4,
        "publication": "anonymous",
        "publish_attachments": False,
        "search_text": "Перекладіть документи — ترجمة الوثائق",
        "answers": {"q1": {"choices": ["cost"], "other": "« moins »"}},
        "receipt_number": receipt,
    }


def test_text_and_values_are_the_orms_for_every_kind_of_value(draft, user):
    statements._texts.clear()
    expected = {"status": "draft", "version": 3}
    for receipt, who in (("CONS-1", user), ("CONS-2", None), ("CONS-3", user)):
        statement = ConditionalUpdate(Response, draft.pk, expected, _changes(who, receipt))
        assert (statement.text(), _comparable(statement.params())) == _orm(statement)
    # A NULL is written in the text: two shapes, each written once.
    assert len(statements._texts) == 2
    assert any("NULL" in text for text in statements._texts.values())


def test_runs_only_on_the_expected_version(draft, user):
    stale = ConditionalUpdate(
        Response,
        draft.pk,
        {"status": "draft", "version": draft.version + 1},
        _changes(user, "CONS-STALE"),
    )
    assert stale.run() is False
    current = ConditionalUpdate(
        Response,
        draft.pk,
        {"status": "draft", "version": draft.version},
        _changes(user, "CONS-OK"),
    )
    assert current.run() is True
    stored = Response.objects.get(pk=draft.pk)
    assert (stored.status, stored.receipt_number, stored.updated_by) == (
        "submitted",
        "CONS-OK",
        user,
    )
    assert stored.answers == {"q1": {"choices": ["cost"], "other": "« moins »"}}
    assert stored.search_text.startswith("Перекладіть")
    assert current.run() is False  # no longer a draft


def test_an_expression_is_built_by_the_orm_each_time(draft, user):
    statements._texts.clear()
    statement = ConditionalUpdate(
        Response, draft.pk, {"status": "draft"}, {"version": F("version") + 1}
    )
    assert (statement.text(), _comparable(statement.params())) == _orm(statement)
    assert statements._texts == {}
    assert statement.run() is True
    assert Response.objects.get(pk=draft.pk).version == draft.version + 1


def _prepared_on_server(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{table}%"]
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_the_submits_read_is_prepared_once_run_often_and_still_counted_and_read_alike(draft):
    from django.test.utils import CaptureQueriesContext

    from consultations import submitting

    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    assert threshold is not None  # the settings turn it on (portal.settings.base)
    table = Response._meta.db_table
    first = submitting.read(draft.pk)
    with CaptureQueriesContext(connection) as queries:
        reads = [submitting.read(draft.pk) for _ in range(threshold + 1)]
    assert len(queries) == threshold + 1  # each one seen, as any other statement
    # ... and logged with its values, prepared or not (psycopg keeps no text of a prepared one)
    assert all(f"r.\"id\" = {draft.pk} " in query["sql"] for query in queries)
    assert _prepared_on_server(table) >= 1
    for response, questionnaire, restricted in reads:
        assert response.__dict__.keys() == first[0].__dict__.keys()
        assert {k: v for k, v in response.__dict__.items() if k != "_state"} == {
            k: v for k, v in first[0].__dict__.items() if k != "_state"
        }
        assert (questionnaire, restricted) == first[1:]
        assert response.consultation.opens_at == first[0].consultation.opens_at


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
@pytest.mark.parametrize("threshold", [None, 2])
def test_the_threshold_decides_whether_the_server_keeps_a_statement(threshold, monkeypatch):
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", threshold)
    marker = f"threshold_{threshold}_{id(monkeypatch)}"  # a text no other test runs
    for number in range(4):
        with statements.prepared_cursor() as cursor:
            cursor.execute(f"SELECT %s::int + 1 AS {marker}", [number])
            assert cursor.fetchone() == (number + 1,)
    assert _prepared_on_server(marker) == (0 if threshold is None else 1)


def test_a_prepared_cursor_is_counted_on_every_database(draft):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        with statements.prepared_cursor() as cursor:
            cursor.execute(
                f"SELECT {connection.ops.quote_name('status')} FROM "
                f"{connection.ops.quote_name(Response._meta.db_table)} WHERE id = %s",
                [draft.pk],
            )
            assert cursor.fetchone() == ("draft",)
    assert len(queries) == 1


def test_an_insert_is_the_orms_and_stores_the_same_row(user, consultation):
    from django.db.models.sql import InsertQuery

    from participation.audit.models import AuditEvent
    from participation.audit.services import history, prepared_record, record

    statements._insert_texts.clear()
    data = {"receipt": "CONS-ABC", "note": "Перекладіть — ترجمة « é »"}
    for actor in (user, None):  # with and without a NULL column
        prepared_record(consultation, actor, "submitted", **data)()
        record(consultation, actor, "submitted", **data)
    events = list(history(consultation).order_by("pk"))
    assert len(events) == 4
    fields = [
        f.attname for f in AuditEvent._meta.concrete_fields if f.name not in ("id", "created_at")
    ]
    ours = [tuple(getattr(e, f) for f in fields) for e in events[0::2]]
    orms = [tuple(getattr(e, f) for f in fields) for e in events[1::2]]
    assert ours == orms
    # The text written once is the one the ORM's compiler writes.
    event = AuditEvent(
        content_type_id=events[0].content_type_id, object_id="1", action="x", data={}
    )
    statements.prepare_insert(event)
    query = InsertQuery(AuditEvent)
    query.insert_values(
        [f for f in AuditEvent._meta.local_concrete_fields if not f.primary_key], [event]
    )
    compiler = query.get_compiler(connection.alias)
    compiler.returning_fields = AuditEvent._meta.db_returning_fields
    ((sql, _params),) = compiler.as_sql()
    assert statements._insert_texts[(AuditEvent, False, connection.vendor)] == sql


def test_an_insert_sets_the_key_the_database_gave(user, consultation):
    from participation.audit.models import AuditEvent

    event = AuditEvent(content_type_id=1, object_id="7", action="x", data={"a": [1, "ب"]})
    statements.prepare_insert(event)()
    assert event.pk is not None and not event._state.adding
    assert AuditEvent.objects.get(pk=event.pk).data == {"a": [1, "ب"]}
