"""Snapshots, spreadsheet columns and display text."""

import json

import pytest

from participation.questionnaire.export import columns, display_value, merge_snapshots, snapshot
from participation.questionnaire.structure import parse


@pytest.fixture
def first_version(build):
    return build(
        build.q("short_text", "Name", key="name"),
        build.q("single_choice", "Status", options=[("ref", "Refugee"), ("stu", "Student")],
                allow_other=True, other_label="Something else"),
        build.q("number", "Age", min_value="0", max_value="120"),
        build.q("date", "Arrival", min_date="2000-01-01"),
        build.section("More"),
        build.q("ranking", "Priorities", options=["Housing", "Health", "Jobs"]),
    )  # fmt: skip


def test_snapshot_is_json_ready_and_keyed_by_block_id(build, first_version):
    snap = snapshot(first_version)
    assert json.loads(json.dumps(snap)) == snap
    status = snap[build.id("Status")]
    assert status["label"] == "Status"
    assert status["type"] == "single_choice"
    assert status["options"] == [
        {"value": "ref", "label": "Refugee"}, {"value": "stu", "label": "Student"},
    ]  # fmt: skip
    assert snap[build.id("Age")]["settings"]["max_value"] == "120"
    assert snap[build.id("Arrival")]["settings"]["min_date"] == "2000-01-01"
    assert snap[build.id("Priorities")]["section"] == "More"
    assert snap[build.id("Name")]["key"] == "name"


def test_columns_follow_the_questionnaire_then_removed_questions(build, first_version):
    later = build(
        build.q("single_choice", "Your status", name="Status", options=[("ref", "Refugee")]),
        build.q("short_text", "Name", key="name"),
        build.q("yes_no", "New question"),
    )
    seen = [
        {build.id("Name"): "A", build.id("Age"): 30},
        {build.id("Priorities"): ["jobs", "health", "housing"], "0d2c-unknown": "x"},
    ]
    result = columns(later, seen, snapshots=[snapshot(first_version), snapshot(later)])
    assert [(c.label, c.removed) for c in result] == [
        ("Your status", False), ("Name", False), ("New question", False),
        ("Age", True), ("Priorities", True), ("Removed question 0d2c-unk", True),
    ]  # fmt: skip
    assert [c.header for c in result][:2] == ["Your status", "Name"]  # the question, not its key
    assert [c.key for c in result][:2] == ["", "name"]
    assert result[3].type == "number" and result[5].type == ""


def test_columns_accept_block_ids_seen_in_stored_responses(build, first_version):
    result = columns([], {build.id("Age")}, snapshots=[snapshot(first_version)])
    assert [c.label for c in result] == ["Age"]


def test_the_latest_snapshot_gives_a_removed_question_its_last_label(build):
    v1 = snapshot(build(build.q("short_text", "Town", name="city")))
    v2 = snapshot(build(build.q("short_text", "City or town", name="city")))
    assert merge_snapshots([v1, v2])[build.id("city")]["label"] == "City or town"
    assert columns([], [build.id("city")], [v1, v2])[0].label == "City or town"


@pytest.mark.parametrize(
    ("label", "answer", "text"),
    [
        ("Name", "Amina", "Amina"),
        ("Status", {"choice": "stu"}, "Student"),
        ("Status", {"other": "Seasonal worker"}, "Something else: Seasonal worker"),
        ("Status", {"choice": "gone"}, "gone"),
        ("Age", 42, "42"),
        ("Arrival", "2016-05-01", "2016-05-01"),
        ("Priorities", ["jobs", "housing", "health"], "1. Jobs, 2. Housing, 3. Health"),
        ("Name", None, ""),
    ],
)
def test_display_value_from_the_question_or_its_snapshot(build, first_version, label, answer, text):
    question = parse(first_version).by_id[build.id(label)]
    assert display_value(question, answer) == text
    assert display_value(snapshot(first_version)[build.id(label)], answer) == text


def test_display_value_of_every_other_type(build):
    q = parse(
        build(
            build.q("multiple_choice", "Themes", options=["Housing", "Health"], allow_other=True),
            build.q("scale", "Heard", allow_dont_know=True),
            build.q("yes_no", "Employed"),
            build.q("consent", "Publish"),
            build.q("file_upload", "Statutes"),
        )
    )
    themes, heard, employed, publish, statutes = q.questions
    assert display_value(themes, {"choices": ["housing", "health"], "other": "Art"}) == (
        "Housing; Health; Other: Art"
    )
    assert display_value(heard, 3) == "3"
    assert display_value(heard, "dont_know") == "Don't know"
    assert display_value(employed, False) == "No"
    assert display_value(publish, True) == "Yes"
    assert display_value(statutes, {"name": "statutes.pdf", "size": 3}) == "statutes.pdf"


def test_relabelled_options_show_the_new_label_and_the_old_one_from_the_snapshot(build):
    old = build(build.q("single_choice", "Status", options=[("ref", "Refugee")]))
    new = build(build.q("single_choice", "Status", options=[("ref", "Person with refugee status")]))
    answer = {"choice": "ref"}
    assert display_value(parse(new).questions[0], answer) == "Person with refugee status"
    assert display_value(snapshot(old)[build.id("Status")], answer) == "Refugee"


@pytest.mark.parametrize(
    "answer", [{"choice": ["x"]}, [1, {"a": 2}], {"weird": True}, 3.5, "=HYPERLINK()", True]
)
def test_display_value_never_fails_on_unexpected_data(build, first_version, answer):
    for question in parse(first_version).questions:
        assert isinstance(display_value(question, answer), str)
    assert isinstance(display_value({}, answer), str)
    assert isinstance(display_value(None, answer), str)


@pytest.mark.django_db
def test_answers_round_trip_through_the_database(build, home_page):
    # Any JSONField will do: the one of Wagtail's form submissions stands in for a response.
    from wagtail.contrib.forms.models import FormSubmission

    answers = {
        build.id("Comment"): "مرحبا — ሰላም — Привіт",
        build.id("Themes"): {"choices": ["housing"], "other": "ґрунт"},
        build.id("Age"): 42,
        build.id("Amount"): "12.50",
        build.id("Ranking"): ["b", "a"],
        build.id("Employed"): False,
    }
    submission = FormSubmission.objects.create(page=home_page, form_data=answers)
    submission.refresh_from_db()
    assert submission.form_data == answers
