import json
from pathlib import Path

import pytest
from wagtail.admin.telepath import JSContext
from wagtail.blocks import StreamBlockValidationError
from wagtail.fields import StreamField

from participation.questionnaire.blocks import QUESTION_BLOCKS, QuestionnaireBlock


def _errors(build, *blocks):
    """{child index: {field: [messages]}} of a questionnaire that must not validate."""
    with pytest.raises(StreamBlockValidationError) as caught:
        QuestionnaireBlock().clean(build(*blocks))
    return {index: _flatten(error) for index, error in caught.value.block_errors.items()}


def _flatten(error):
    if hasattr(error, "block_errors") and error.block_errors:
        if isinstance(error.block_errors, dict):
            return {name: _flatten(e) for name, e in error.block_errors.items()}
        return {index: _flatten(e) for index, e in enumerate(error.block_errors)}
    if hasattr(error, "non_block_errors") and error.non_block_errors:
        return [str(e) for e in error.non_block_errors.as_data()[0].messages]
    return error.messages


def test_questionnaire_block_offers_every_question_type_and_sections():
    assert set(QuestionnaireBlock().child_blocks) == {"section", *QUESTION_BLOCKS}
    assert set(QUESTION_BLOCKS) == {
        "short_text", "long_text", "single_choice", "multiple_choice", "scale", "ranking",
        "yes_no", "number", "date", "file_upload", "consent",
    }  # fmt: skip


def test_questionnaire_block_packs_for_the_admin_editor():
    # The admin builds its editor from this; a block that cannot be packed breaks the page.
    assert QuestionnaireBlock().check() == []
    packed = JSContext().pack(QuestionnaireBlock())
    assert "single_choice" in json.dumps(packed)


def test_questionnaire_block_works_as_a_page_stream_field(build):
    field = StreamField(QuestionnaireBlock(), blank=True)
    value = build(build.q("short_text", "Name"))
    stored = field.get_prep_value(value)
    assert json.loads(json.dumps(stored))[0]["id"] == build.id("Name")
    assert field.to_python(json.dumps(stored))[0].id == build.id("Name")


def test_valid_questionnaire_cleans_with_sections_and_conditions(build):
    value = build(
        build.q("yes_no", "Do you represent an organisation?", key="org"),
        build.section("Your organisation", show_if=("org", "equals", "yes")),
        build.q("short_text", "Name", required=True),
        build.q("single_choice", "Kind", key="kind", options=["Migrant-led", "Other kind"]),
        build.q("long_text", "Tell us more", show_if=("kind", "not_equals", "migrant-led")),
    )
    cleaned = QuestionnaireBlock().clean(value)
    assert [child.id for child in cleaned] == [child.id for child in value]


def test_option_value_is_filled_from_the_label_when_empty(build):
    raw = build.q("single_choice", "Country", options=["Germany"])
    raw["value"]["options"].append(
        {"type": "item", "value": {"label": "Côte d'Ivoire", "value": ""}, "id": "x"}
    )
    raw["value"]["options"].append(
        {"type": "item", "value": {"label": "ኤርትራ", "value": ""}, "id": "y"}
    )
    cleaned = QuestionnaireBlock().clean(build(raw))
    values = [option["value"] for option in cleaned[0].value["options"]]
    assert values == ["germany", "côte-divoire", "ኤርትራ"]


def test_duplicate_option_values_are_refused(build):
    errors = _errors(build, build.q("single_choice", "Pick", options=[("a", "A"), ("a", "B")]))
    assert errors == {
        0: {"options": ["Two options have the stored value “a”; each needs its own."]}
    }


def test_option_value_other_is_kept_for_the_other_answer(build):
    errors = _errors(
        build, build.q("single_choice", "Pick", options=["One", "Other"], allow_other=True)
    )
    assert "kept for the “Other” answer" in errors[0]["options"][0]


def test_condition_on_a_later_question_is_refused_for_the_editor(build):
    errors = _errors(
        build,
        build.q("short_text", "First", show_if=("second", "equals", "x")),
        build.q("short_text", "Second", key="second"),
    )
    assert errors == {
        0: {
            "show_if": {
                "key": [
                    "The question with the key “second” comes after this one; a condition can "
                    "only depend on an earlier question."
                ]
            }
        }
    }


def test_condition_on_an_unknown_key_is_refused(build):
    errors = _errors(build, build.q("short_text", "First", show_if=("nope", "equals", "x")))
    assert errors[0]["show_if"]["key"] == ["No earlier question has the key “nope”."]


def test_condition_on_its_own_key_is_refused(build):
    errors = _errors(build, build.q("short_text", "First", key="me", show_if=("me", "equals", "x")))
    assert errors[0]["show_if"]["key"] == ["A question cannot depend on its own answer."]


def test_section_condition_on_a_later_question_is_refused(build):
    errors = _errors(
        build,
        build.section("Part 1", show_if=("later", "equals", "yes")),
        build.q("yes_no", "Later", key="later"),
    )
    assert "comes after" in errors[0]["show_if"]["key"][0]


def test_duplicate_keys_are_refused(build):
    errors = _errors(
        build, build.q("short_text", "A", key="same"), build.q("short_text", "B", key="same")
    )
    assert errors == {1: {"key": ["Another question already has the key “same”."]}}


def test_condition_value_must_be_an_answer_the_question_can_have(build):
    errors = _errors(
        build,
        build.q("single_choice", "Kind", key="kind", options=["Migrant-led", "Public"]),
        build.q("short_text", "Why", show_if=("kind", "equals", "Migrant led")),
    )
    assert errors[1]["show_if"]["value"] == [
        "“Migrant led” is not an answer of “Kind”. Use one of: migrant-led, public."
    ]


@pytest.mark.parametrize(
    ("source", "wanted", "message"),
    [
        ({"type": "yes_no"}, "maybe", "Use one of: yes, no."),
        ({"type": "scale", "scale_max": 3}, "4", "Use one of: 1, 2, 3."),
        ({"type": "number"}, "lots", "takes a number"),
        ({"type": "date"}, "31/12/2025", "write it as YYYY-MM-DD"),
        ({"type": "file_upload"}, "x", "A condition cannot depend on a file upload"),
    ],
)
def test_condition_value_is_checked_against_the_source_type(build, source, wanted, message):
    block_type = source.pop("type")
    errors = _errors(
        build,
        build.q(block_type, "Source", key="src", **source),
        build.q("short_text", "Follow-up", show_if=("src", "equals", wanted)),
    )
    assert message in errors[1]["show_if"]["value"][0]


def test_condition_needs_the_answer_that_shows_the_question(build):
    errors = _errors(
        build,
        build.q("yes_no", "Source", key="src"),
        build.q("short_text", "Follow-up", show_if=("src", "equals", "")),
    )
    assert errors[1]["show_if"]["value"] == ["Give the answer that shows this question."]


def test_structure_errors_are_reported_together_with_errors_of_single_blocks(build):
    errors = _errors(
        build,
        build.q("short_text", ""),  # no label: the block's own error
        build.q("short_text", "B", show_if=("nope", "equals", "x")),
    )
    assert errors[0] == {"label": ["This field is required."]}
    assert "No earlier question" in errors[1]["show_if"]["key"][0]


@pytest.mark.parametrize(
    ("block", "field", "message"),
    [
        (("number", {"min_value": "10", "max_value": "1"}), "max_value", "smaller than"),
        (("date", {"min_date": "2026-02-01", "max_date": "2026-01-01"}), "max_date", "before"),
        (
            ("multiple_choice", {"min_selections": 3, "max_selections": 2}),
            "max_selections",
            "cannot be smaller",
        ),
        (("ranking", {"rank_count": 5}), "rank_count", "only 3 options"),
        (("multiple_choice", {"min_selections": 4}), "min_selections", "only 3 options"),
        (("file_upload", {"max_size_mb": 500}), "max_size_mb", "up to 25 MB"),
    ],
)
def test_inconsistent_settings_are_refused(build, block, field, message):
    block_type, settings = block
    options = ["A", "B", "C"] if block_type in ("multiple_choice", "ranking") else None
    errors = _errors(build, build.q(block_type, "Q", options=options, **settings))
    assert message in errors[0][field][0]


def test_questionnaire_package_imports_no_plugin_and_not_the_host_site():
    package = Path(__file__).resolve().parents[3] / "participation" / "questionnaire"
    for source in package.rglob("*.py"):
        text = source.read_text()
        for name in ("consultations", "expertgroup", "awards", "portal"):
            assert f"import {name}" not in text and f"from {name}" not in text, source
