"""The export's columns come from the table of distinct questionnaire snapshots (a few rows,
constant queries), which submits, bulk inserts and the rebuild keep complete; CSV lines joined
without the csv module are byte for byte what it writes; on PostgreSQL the rows stream from a
cursor that is not materialised first. (The CSV lines: tests/participation/documents.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import services, snapshots
from consultations.demo_questionnaire import qid
from consultations.documents import response_columns, response_rows
from consultations.models import QuestionnaireSnapshot, Response
from participation.documents.spreadsheets import Column, iter_csv
from participation.questionnaire.export import snapshot
from participation.questionnaire.structure import parse

pytestmark = pytest.mark.django_db
APPLIED, PROPOSAL = qid("applied"), qid("proposal")
OLD_ID = "0b9c2a3e-0000-4000-8000-000000000001"


def _old_snapshot(consultation) -> dict:
    """The questionnaire as it was: one more question, removed since."""
    old = snapshot(parse(consultation.questionnaire))
    old[OLD_ID] = {"label": "A question removed later", "type": "short_text", "key": "gone"}
    return old


def test_a_submitted_answer_records_its_snapshot_once(consultation, answer, make_user):
    answer(make_user("a@example.org"), {APPLIED: True})
    answer(make_user("b@example.org"), {APPLIED: False})
    stored = QuestionnaireSnapshot.objects.filter(consultation=consultation)
    assert stored.count() == 1
    assert stored.get().snapshot == snapshot(parse(consultation.questionnaire))


def test_a_removed_question_keeps_its_column_from_the_recorded_snapshot(
    consultation, answer, make_user
):
    response = answer(make_user("a@example.org"), {APPLIED: True, OLD_ID: "kept"})
    old = _old_snapshot(consultation)
    Response.objects.filter(pk=response.pk).update(questionnaire_snapshot=old)
    snapshots.record(consultation.pk, old)  # as a submit with that questionnaire did
    columns = response_columns(consultation)
    assert [c.key for c in columns][-1] == "gone"
    assert columns[-1].header == "A question removed later"
    text = "".join(iter_csv(response_rows(consultation, columns), columns))
    assert text.splitlines()[1].endswith(",kept")


def test_the_columns_take_constant_queries_whatever_the_answers(consultation, answer, make_user):
    answer(make_user("a@example.org"), {APPLIED: True})
    response_columns(consultation)  # per-process caches fill once
    with CaptureQueriesContext(connection) as few:
        response_columns(consultation)
    for n in range(5):
        answer(make_user(f"u{n}@example.org"), {APPLIED: n % 2 == 0})
    snapshots.record(consultation.pk, _old_snapshot(consultation))
    with CaptureQueriesContext(connection) as more:
        columns = response_columns(consultation)
    assert len(more) == len(few)
    assert not any("questionnaire_snapshot" in q["sql"] for q in more.captured_queries)
    assert columns[-1].key == "gone"


def test_bulk_inserted_answers_record_their_snapshots_with_their_counts(consultation):
    old = _old_snapshot(consultation)
    added = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            status=Response.Status.SUBMITTED,
            answers={APPLIED: True},
            questionnaire_snapshot=old if n == 2 else snapshot(parse(consultation.questionnaire)),
            receipt_number=f"CONS-BULK-{n}",
        )
        for n in range(4)
    )
    services.count_added(Response.objects.filter(pk__in=[r.pk for r in added]))
    assert QuestionnaireSnapshot.objects.filter(consultation=consultation).count() == 2


def test_rebuild_adds_only_the_snapshots_the_table_lacks_oldest_first(consultation):
    new, old = snapshot(parse(consultation.questionnaire)), _old_snapshot(consultation)
    Response.objects.bulk_create(
        Response(
            consultation=consultation,
            status=Response.Status.DRAFT if n == 0 else Response.Status.SUBMITTED,
            answers={},
            questionnaire_snapshot=[old, new, old, {}][n],
            receipt_number=f"CONS-HAND-{n}",
        )
        for n in range(4)
    )
    snapshots.record(consultation.pk, new)
    assert snapshots.rebuild(consultation.pk) == 1
    assert snapshots.rebuild(consultation.pk) == 0
    assert snapshots.of_consultation(consultation.pk) == [new, old]


def test_the_rebuild_command_records_missing_snapshots(consultation, answer, make_user):
    from io import StringIO

    from django.core.management import call_command

    answer(make_user("a@example.org"), {APPLIED: True})
    QuestionnaireSnapshot.objects.all().delete()
    out = StringIO()
    call_command("rebuild_answer_counts", "--consultation", str(consultation.pk), stdout=out)
    assert "1 questionnaire snapshots added" in out.getvalue()
    assert QuestionnaireSnapshot.objects.filter(consultation=consultation).count() == 1


def test_equal_snapshots_have_one_digest_whatever_the_order_of_their_keys():
    one = {"a": {"label": "x", "options": [1, 2]}, "b": {}}
    other = {"b": {}, "a": {"options": [1, 2], "label": "x"}}
    assert snapshots.digest(one) == snapshots.digest(other)
    assert snapshots.digest(one) != snapshots.digest({"a": {"label": "y"}, "b": {}})


def test_a_closed_export_leaves_no_transaction_open(consultation, answer, make_user):
    for n in range(3):
        answer(make_user(f"u{n}@example.org"), {APPLIED: True})
    columns = response_columns(consultation)
    depth = len(connection.savepoint_ids)
    lines = iter_csv(response_rows(consultation, columns, chunk_size=1), columns)
    next(lines), next(lines), next(lines)  # BOM, header, the first answer
    lines.close()
    assert len(connection.savepoint_ids) == depth
    assert list(response_rows(consultation, columns))  # the connection still works


def test_rows_need_the_columns_they_were_made_for(consultation, answer, make_user):
    answer(make_user("a@example.org"), {APPLIED: True})
    columns = response_columns(consultation)
    with pytest.raises(ValueError):
        list(response_rows(consultation, [Column("x", "X", 0), *columns]))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors")
def test_postgresql_streams_rows_from_a_cursor_that_is_not_materialised_first(
    consultation, answer, make_user
):
    """Outside a transaction Django declares the cursor WITH HOLD, which PostgreSQL computes
    in full before the first row; the export reads it inside one."""
    # More rows than the read-ahead holds (2 chunks queued, 1 being put), so the cursor is
    # still open when it is looked at.
    for n in range(6):
        answer(make_user(f"u{n}@example.org"), {APPLIED: True})
    assert connection.get_autocommit()  # the export starts outside any transaction
    columns = response_columns(consultation)
    rows = response_rows(consultation, columns, chunk_size=1)
    next(rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT is_holdable FROM pg_cursors")
        holdable = [flag for (flag,) in cursor.fetchall()]
    assert holdable == [False]
    assert len(list(rows)) == 5
    assert connection.get_autocommit()
    # An export stopped early (a closed download) ends its transaction at once.
    lines = iter_csv(response_rows(consultation, columns, chunk_size=1), columns)
    next(lines), next(lines), next(lines)
    assert not connection.get_autocommit()
    lines.close()
    assert connection.get_autocommit()
