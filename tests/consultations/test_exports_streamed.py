"""The streamed export (tuples from the cursor, columns by position) gives exactly what the
export built from model instances gave, for every question type; its queries do not grow."""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from consultations import snapshots
from consultations.documents import (
    _choice_reader,
    _question_key,
    response_columns,
    response_rows,
)
from consultations.models import ConsultationPage, Response
from participation.documents import spreadsheets
from participation.documents.spreadsheets import Column, csv_cell, iter_csv, neutralise, write_xlsx
from participation.organisations.models import Organisation
from participation.questionnaire.export import columns as question_columns
from participation.questionnaire.export import display_value, displayer, merge_snapshots, snapshot
from participation.questionnaire.structure import parse

pytestmark = pytest.mark.django_db


def _id(name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"every-type/{name}"))


def _options(*values):
    return [
        {"type": "item", "id": _id(f"opt {v}"), "value": {"value": v, "label": v.title()}}
        for v in values
    ]


def _q(kind, label, key="", **value):
    return {"type": kind, "id": _id(label), "value": {"label": label, "key": key, **value}}


QUESTIONS = [
    _q("short_text", "Name of your town", "town"),
    _q("long_text", "Your proposal", "proposal"),
    _q("single_choice", "Status", "status", options=_options("refugee", "student"),
       allow_other=True, other_label="Something else"),
    _q("multiple_choice", "Barriers", "barriers", options=_options("cost", "time", "language"),
       allow_other=True),
    _q("scale", "How satisfied", "satisfied", allow_dont_know=True),
    _q("ranking", "Rank the priorities", "", options=_options("fees", "speed", "fairness")),
    _q("yes_no", "Have you applied", "applied"),
    _q("number", "How many months", "months"),
    _q("date", "When did you arrive", "arrived"),
    _q("file_upload", "Your diploma", "diploma"),
    _q("consent", "I agree", "agree"),
]  # fmt: skip
REMOVED = _q("short_text", "A question removed later", "town")  # its key is taken since


def _answers(rng, n):
    ids = {q["value"]["label"]: q["id"] for q in QUESTIONS}
    pick = rng.choice
    candidates = {
        "Name of your town": ["Lyon", "=cmd|' /C calc'!A0", "ሰላም", "", "-3", "+x", "@home"],
        "Your proposal": ['=HYPERLINK("http://evil")', "مرحبا بكم\nسطر", "Кращі правила", "ok"],
        "Status": [{"choice": "refugee"}, {"choice": "gone"}, {"other": "=1+1"}, {"choice": None}],
        "Barriers": [
            {"choices": ["cost", "time"]},
            {"choices": ["language"], "other": "Housing"},
            {"choices": []},
            {"choices": ["unknown"], "other": ""},
            {"choices": [["odd"]]},
        ],
        "How satisfied": [1, 5, "dont_know", "3", 2.5],
        "Rank the priorities": [["speed", "fees", "fairness"], ["fees"], []],
        "Have you applied": [True, False, None],
        "How many months": ["12", "1.5", 7, "-2"],
        "When did you arrive": ["2024-02-29", ""],
        "Your diploma": [{"name": "diplôme.pdf", "size": 3}, {"name": "=x.pdf"}, {}],
        "I agree": [True, False],
    }
    answers = {}
    for label, values in candidates.items():
        if rng.random() < 0.85:
            answers[ids[label]] = pick(values)
    if n % 7 == 0:
        answers[REMOVED["id"]] = "Answered before the question was removed"
    return answers


@pytest.fixture
def every_type(home_page):
    from consultations.models import ConsultationIndexPage

    index = home_page.add_child(instance=ConsultationIndexPage(title="C", slug="c"))
    now = timezone.now()
    page = index.add_child(
        instance=ConsultationPage(
            title="Every type",
            slug="every-type",
            intro="x",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
            questionnaire=QUESTIONS,
        )
    )
    page.save_revision().publish()
    return page


def _make(consultation, count, seed=1):
    rng = random.Random(seed)
    old = snapshot(parse([REMOVED, *QUESTIONS]))
    new = snapshot(parse(consultation.questionnaire))
    organisations = {
        n: Organisation.objects.create(name=f"=Voices {n}", slug=f"v-{seed}-{n}", kind="academia")
        for n in range(0, count, 5)
    }
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    Response.objects.bulk_create(
        Response(
            consultation=consultation,
            organisation=organisations.get(n),
            respondent_type="organisation" if n % 5 == 0 else "individual",
            country=rng.choice(["DE", "SY", "UA", ""]),
            language=rng.choice(["en", "ar", "uk"]),
            status=Response.Status.WITHDRAWN if n % 11 == 3 else Response.Status.SUBMITTED,
            answers=_answers(rng, n),
            questionnaire_snapshot=old if n % 7 == 0 else new,
            receipt_number=f"CONS-T-{n:05d}",
            # Some at the same second: the order then follows the primary key.
            submitted_at=start + timedelta(seconds=37 * (n // 2)),
            publication=rng.choice(["named", "anonymous", "private"]),
            moderation=rng.choice(["approved", "pending"]),
            spam=n % 9 == 0,
            campaign="-letter" if n % 4 == 0 else "",
        )
        for n in range(count)
    )
    # Written by hand, as the migration found existing answers: their snapshots are recorded
    # by a scan (the site records them as answers are submitted).
    snapshots.rebuild(consultation.pk)


def _old_columns(consultation):
    """The columns as the export built them from model instances (before it streamed tuples)."""
    snapshots = [
        snap
        for (snap,) in Response.objects.filter(consultation=consultation)
        .exclude(questionnaire_snapshot={})
        .values_list("questionnaire_snapshot")
        .distinct()
    ]
    merged = merge_snapshots(snapshots)
    questionnaire = parse(consultation.questionnaire)
    fixed = [
        Column("receipt_number", "Receipt"),
        Column("submitted_at", "Submitted"),
        Column("respondent_type", "Respondent type"),
        Column("organisation.name", "Organisation"),
        Column("organisation.kind", "Organisation kind"),
        Column("country", "Country", lambda r: r.country.code),
        Column("language", "Language"),
        Column("publication", "Publication"),
        Column("moderation", "Moderation"),
        Column("spam", "Spam"),
        Column("campaign", "Campaign"),
        Column("channel", "Channel"),
    ]
    taken = {column.key for column in fixed}
    answers = []
    for column in question_columns(questionnaire, list(merged), snapshots):
        key = _question_key(column, taken)
        answers.append(
            Column(
                key,
                column.header,
                lambda r, c=column: display_value(c.source, r.answers.get(c.id)),
                kind=column.type,
            )
        )
        taken.add(key)
    return fixed + answers


def _old_rows(consultation):
    return (
        Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )


def _old_csv(consultation) -> str:
    columns = _old_columns(consultation)
    lines = ["\ufeff"]
    writer = spreadsheets.csv.writer(spreadsheets._Echo())
    lines.append(writer.writerow([neutralise(spreadsheets._text(c.header)) for c in columns]))
    lines.append(writer.writerow([neutralise(spreadsheets.key_cell(c)) for c in columns]))
    for row in _old_rows(consultation):
        lines.append(writer.writerow([csv_cell(c.get(row)) for c in columns]))
    return "".join(lines)


@pytest.mark.parametrize(
    "zone, for_csv",
    [
        ("America/St_Johns", False),  # a half-hour offset shows any slip
        ("America/St_Johns", True),
        ("Europe/Brussels", True),  # whole hours: times spliced from the database's text
    ],
)
def test_streamed_csv_equals_the_export_from_model_instances_for_every_question_type(
    every_type, zone, for_csv
):
    _make(every_type, 120)
    with timezone.override(zone):
        rows = response_rows(every_type, for_csv=for_csv)
        streamed = "".join(iter_csv(rows, response_columns(every_type), keys=True))
        old = _old_csv(every_type)
    assert streamed == old
    lines = streamed.splitlines()
    assert len([line for line in lines if line.startswith("CONS-T-")]) == 120 - 11
    assert "A question removed later" in lines[0]  # a removed question keeps its column
    assert "'=cmd" in streamed and "Something else: =1+1" in streamed
    assert "1. Speed, 2. Fees, 3. Fairness" in streamed and "diplôme.pdf" in streamed


def test_streamed_xlsx_equals_the_export_from_model_instances(every_type, tmp_path):
    from openpyxl import Workbook

    _make(every_type, 60, seed=2)
    with timezone.override("Asia/Kolkata"):
        write_xlsx(response_rows(every_type), response_columns(every_type), tmp_path / "new.xlsx")
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Data")
        columns = _old_columns(every_type)
        sheet.append([spreadsheets.xlsx_cell(spreadsheets._text(c.header)) for c in columns])
        for row in _old_rows(every_type):
            sheet.append([spreadsheets.xlsx_cell(c.get(row)) for c in columns])
        workbook.save(tmp_path / "old.xlsx")
    new = list(load_workbook(tmp_path / "new.xlsx").active.iter_rows(values_only=True))
    old = list(load_workbook(tmp_path / "old.xlsx").active.iter_rows(values_only=True))
    assert new == old and len(new) == 1 + 60 - 6


def _export_queries(consultation) -> int:
    with CaptureQueriesContext(connection) as queries:
        columns = response_columns(consultation)
        body = "".join(iter_csv(response_rows(consultation, columns), columns))
    assert body
    return len(queries)


def test_export_queries_do_not_grow_with_the_answers(every_type):
    _make(every_type, 5)
    _export_queries(every_type)  # warm: per-process caches (the default locale) fill once
    few = _export_queries(every_type)
    Response.objects.filter(consultation=every_type).delete()
    Organisation.objects.all().delete()
    _make(every_type, 500)  # more than one chunk of the cursor would be 2,000: use small ones
    assert _export_queries(every_type) == few
    columns = response_columns(every_type)
    with CaptureQueriesContext(connection) as queries:
        rows = list(response_rows(every_type, columns, chunk_size=50))
    assert len(rows) == 500 - 46 and len(queries) == 1  # one query, read in chunks


@pytest.mark.parametrize("kind", ["single_choice", "multiple_choice", "ranking"])
def test_choice_answers_shown_inline_as_the_displayer_shows_them(kind):
    source = {
        "type": kind,
        "options": [{"value": "a", "label": "Alpha"}, {"value": "b", "label": ""}],
        "settings": {"other_label": "Else"},
    }
    show = displayer(source)
    shown = _choice_reader(show)
    answers = [
        {"choice": "a"},
        {"choice": "b"},  # an empty label: the value
        {"choice": "gone"},
        {"choice": 3},
        {"choice": ["a"]},  # unhashable
        {"choice": None},
        {"choice": "a", "other": "x"},
        {"other": "x"},
        {"choices": ["a", "b", "gone", 2]},
        {"choices": []},
        {"choices": "a"},
        {"choices": [["a"]]},
        {"choices": ["a"], "other": "x"},
        {"choices": ["a"], "other": ""},
        {"x": 1},
    ]
    for answer in answers:
        assert shown(answer) == show(answer), answer


def test_an_export_left_early_closes_its_cursor_and_the_connection_goes_on(every_type):
    """A client that goes away after the first rows: the reader thread stops and the server-side
    cursor is closed before the export's transaction ends; the connection serves the next
    query, and a whole export after it has every row."""
    _make(every_type, 300)
    columns = response_columns(every_type)
    rows = response_rows(every_type, columns, chunk_size=20)
    first = [next(rows) for _ in range(30)]
    rows.close()
    assert len({row[0] for row in first}) == 30
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors")  # this session's open cursors
            assert cursor.fetchone()[0] == 0
    assert Response.objects.filter(consultation=every_type).count() == 300
    assert len(list(response_rows(every_type, columns, chunk_size=20))) == len(
        list(Response.objects.filter(consultation=every_type, status="submitted"))
    )
