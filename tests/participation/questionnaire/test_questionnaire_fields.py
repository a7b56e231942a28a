"""Each question type, with good and bad input and the messages people see."""

import json

import pytest
from django.core.exceptions import ValidationError

from participation.questionnaire.characters import count_characters
from participation.questionnaire.fields import OTHER_HTML, file_size, make_field, parse_number
from participation.questionnaire.structure import parse


@pytest.fixture
def field_for(build):
    def make(block_type, label="Question", **settings):
        question = parse(build(build.q(block_type, label, **settings))).questions[0]
        return make_field(question)

    return make


def _message(field, value):
    with pytest.raises(ValidationError) as caught:
        field.clean(value)
    return " ".join(caught.value.messages)


# -- text ---------------------------------------------------------------------------------------


def test_short_text_accepts_text_within_the_limit(field_for):
    field = field_for("short_text", max_length=10)
    assert field.clean("  Amina  ") == "Amina"
    assert field.clean("") is None
    assert field.widget.attrs["maxlength"] == "10"
    assert field.widget.attrs["dir"] == "auto"


def test_short_text_over_the_limit_says_by_how_much(field_for):
    field = field_for("short_text", max_length=10)
    assert _message(field, "x" * 12) == "Use at most 10 characters; you used 12."


def test_long_text_has_a_default_limit_of_5000(field_for):
    field = field_for("long_text")
    assert field.clean("a" * 5000) == "a" * 5000
    assert _message(field, "a" * 5001) == "Use at most 5,000 characters; you used 5,001."


def test_text_is_counted_as_people_count_characters(field_for):
    field = field_for("short_text", max_length=5)
    decomposed = "e\u0301" * 5  # five "é" typed with combining accents: ten code points
    assert field.clean(decomposed) == decomposed
    family = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # one emoji, five code points
    assert field.clean(family * 5) == family * 5
    assert count_characters("ሰላም") == 3
    assert count_characters("مرحبا") == 5
    assert count_characters("a\r\nb") == 3


def test_text_with_endless_combining_marks_is_still_too_long(field_for):
    field = field_for("short_text", max_length=5)
    assert "Use at most 5 characters" in _message(field, "a" + "\u0301" * 1000)


def test_long_text_keeps_line_breaks_as_newlines(field_for):
    assert field_for("long_text").clean("one\r\ntwo\rthree") == "one\ntwo\nthree"


def test_text_with_a_null_character_is_refused_not_crashing_postgresql(field_for):
    assert "null character" in _message(field_for("short_text"), "bad\x00byte")


def test_required_text_says_to_answer(field_for):
    assert _message(field_for("short_text", required=True), "   ") == "Answer this question."


# -- single choice ------------------------------------------------------------------------------


@pytest.fixture
def single(field_for):
    return field_for(
        "single_choice", "Who are you?", options=[("org", "An organisation"), ("me", "Me")],
        allow_other=True, required=True,
    )  # fmt: skip


def test_single_choice_stores_the_option_value(single):
    assert single.clean({"choice": "org", "other": ""}) == {"choice": "org"}


def test_single_choice_refuses_a_choice_that_is_not_offered(single):
    assert _message(single, {"choice": "admin", "other": ""}) == (
        "That choice is not offered here. Choose one of the options."
    )


def test_single_choice_other_needs_its_text(single):
    assert single.clean({"choice": OTHER_HTML, "other": " Collective "}) == {"other": "Collective"}
    assert _message(single, {"choice": OTHER_HTML, "other": ""}) == (
        "You chose “Other”: please say what it is."
    )


def test_single_choice_other_text_alone_counts_as_other(single):
    assert single.clean({"choice": "", "other": "Network"}) == {"other": "Network"}


def test_single_choice_with_an_option_and_other_text_asks_which(single):
    assert "You chose “Me” and also wrote an answer for “Other”" in _message(
        single, {"choice": "me", "other": "Network"}
    )


def test_single_choice_required_says_to_choose(single):
    assert _message(single, {"choice": "", "other": ""}) == "Choose an answer."


def test_single_choice_without_other_ignores_other_text(field_for):
    field = field_for("single_choice", options=["A", "B"])
    with pytest.raises(ValidationError):
        field.clean({"choice": OTHER_HTML, "other": "x"})
    assert field.clean({"choice": "", "other": "x"}) is None


# -- multiple choice ----------------------------------------------------------------------------


@pytest.fixture
def multiple(field_for):
    return field_for(
        "multiple_choice", "Themes", options=["Housing", "Health", "Education", "Employment"],
        min_selections=2, max_selections=3, allow_other=True, other_label="Something else",
    )  # fmt: skip


def test_multiple_choice_stores_values_in_option_order(multiple):
    assert multiple.clean({"choices": ["health", "housing"], "other": ""}) == {
        "choices": ["housing", "health"]
    }


def test_multiple_choice_limits_say_how_many(multiple):
    assert _message(multiple, {"choices": ["health"], "other": ""}) == (
        "Choose at least 2 options; you chose 1."
    )
    assert _message(multiple, {"choices": ["health", "housing", "education", "employment"]}) == (
        "Choose at most 3 options; you chose 4."
    )


def test_multiple_choice_refuses_options_not_offered(multiple):
    assert "not offered" in _message(multiple, {"choices": ["health", "weapons"], "other": ""})


def test_multiple_choice_other_text_counts_as_a_choice(multiple):
    assert multiple.clean({"choices": ["health"], "other": "Culture"}) == {
        "choices": ["health"],
        "other": "Culture",
    }
    assert _message(multiple, {"choices": ["health", OTHER_HTML], "other": ""}) == (
        "You chose “Something else”: please say what it is."
    )


def test_multiple_choice_optional_may_stay_empty(multiple):
    assert multiple.clean({"choices": [], "other": ""}) is None


# -- scale, yes/no, ranking ---------------------------------------------------------------------


def test_scale_stores_the_number_or_dont_know(field_for):
    field = field_for("scale", min_label="Disagree", max_label="Agree", allow_dont_know=True)
    assert field.clean("4") == 4
    assert field.clean("dont_know") == "dont_know"
    assert [label for _value, label in field.choices][0] == "1 – Disagree"
    assert [label for _value, label in field.choices][-1] == "Don't know"


@pytest.mark.parametrize("value", ["6", "0", "dont_know", "3.5"])
def test_scale_refuses_points_not_on_it(field_for, value):
    assert "not offered" in _message(field_for("scale"), value)


def test_scale_from_zero_to_ten(field_for):
    field = field_for("scale", scale_min=0, scale_max=10)
    assert field.clean("0") == 0
    assert field.clean("10") == 10


def test_yes_no_stores_a_boolean(field_for):
    field = field_for("yes_no", required=True)
    assert field.clean("yes") is True
    assert field.clean("no") is False
    assert "not offered" in _message(field, "maybe")
    assert _message(field, "") == "Choose an answer."


@pytest.fixture
def ranking(field_for):
    return field_for("ranking", "Priorities", options=["Housing", "Health", "Jobs"])


def test_ranking_is_a_permutation_of_the_options(ranking):
    assert ranking.clean(["jobs", "housing", "health"]) == ["jobs", "housing", "health"]


def test_ranking_refuses_the_same_option_twice(ranking):
    assert _message(ranking, ["jobs", "jobs", "health"]) == (
        "You gave “Jobs” more than one rank; give each option one rank only."
    )


def test_ranking_refuses_gaps_and_forged_options(ranking):
    assert _message(ranking, ["jobs", "", "health"]) == (
        "Choose an option for every rank (3 in all)."
    )
    assert "not offered" in _message(ranking, ["jobs", "housing", "nukes"])


def test_ranking_of_the_top_two_only(field_for):
    field = field_for("ranking", options=["A", "B", "C", "D"], rank_count=2)
    assert field.clean(["c", "a"]) == ["c", "a"]
    assert field.widget.rank_count == 2


def test_optional_ranking_may_stay_empty_but_required_may_not(field_for):
    assert field_for("ranking", options=["A", "B"]).clean(["", ""]) is None
    assert _message(field_for("ranking", options=["A", "B"], required=True), ["", ""]) == (
        "Rank the options."
    )


# -- numbers and dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12", "12"),
        ("1 234", "1234"),
        ("1\u202f234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1.234,5", "1234.5"),
        ("3,5", "3.5"),
        ("−3", "-3"),
        ("١٢٣", "123"),
        ("۱۲٫۵", "12.5"),
        ("1.000.000", "1000000"),
    ],
)
def test_numbers_are_read_as_people_type_them(typed, expected):
    assert str(parse_number(typed)) == expected


@pytest.mark.parametrize("typed", ["abc", "NaN", "Infinity", "1e999", "1,2,3", "--1", "1" * 50])
def test_things_that_are_not_numbers_are_not_read(typed):
    assert parse_number(typed) is None


def test_whole_number_question(field_for):
    field = field_for("number", min_value="0", max_value="120", integer_only=True)
    assert field.clean("42") == 42
    assert _message(field, "4.5") == "Enter a whole number, like 12."
    assert _message(field, "121") == "Enter a number of at most 120."
    assert _message(field, "-1") == "Enter a number of at least 0."
    assert _message(field, "many") == "Enter a whole number, like 12."
    assert field.widget.attrs["inputmode"] == "numeric"


def test_decimal_number_question_stores_a_string(field_for):
    field = field_for("number", integer_only=False)
    assert field.clean("12,50") == "12.50"
    assert json.loads(json.dumps(field.clean("0.1"))) == "0.1"
    assert _message(field, "x") == "Enter a number, like 12 or 3.5."


def test_date_question_stores_an_iso_date(field_for):
    field = field_for("date", min_date="2020-01-01", max_date="2026-12-31")
    assert field.clean("2025-03-31") == "2025-03-31"
    assert field.clean("31.03.2025") == "2025-03-31"
    assert _message(field, "2025-02-30") == "Enter a real date, for example 2026-03-31."
    assert _message(field, "2019-12-31") == "Enter a date on or after Jan. 1, 2020."
    assert _message(field, "2027-01-01") == "Enter a date on or before Dec. 31, 2026."
    assert field.widget.input_type == "date"
    assert field.widget.attrs["min"] == "2020-01-01"


# -- consent ------------------------------------------------------------------------------------


def test_consent_is_required_by_default(field_for):
    field = field_for("consent", "I agree that my answer is published.")
    assert field.required
    assert field.clean("on") is True
    assert _message(field, "") == "Tick the box to agree; you cannot go on without it."


def test_optional_consent_left_unticked_is_false(field_for):
    assert field_for("consent", "Publish my name", required=False).clean("") is False


# -- hints --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block_type", "settings", "hint"),
    [
        ("short_text", {"max_length": 100}, "At most 100 characters."),
        ("multiple_choice", {"options": ["A", "B"], "max_selections": 2}, "Choose up to 2."),
        ("number", {"min_value": "1", "max_value": "9"}, "A whole number. From 1 to 9."),
        ("file_upload", {"allowed_types": ["pdf"], "max_size_mb": 5}, "PDF; at most 5 MB."),
    ],
)
def test_limits_are_told_before_answering(field_for, block_type, settings, hint):
    assert field_for(block_type, help_text="Editor's help.", **settings).help_text == (
        f"Editor's help.\n{hint}"
    )


def test_file_sizes_never_round_down_to_the_limit():
    assert file_size(10 * 1024 * 1024) == "10 MB"
    assert file_size(10 * 1024 * 1024 + 1, round_up=True) == "10.1 MB"
    assert file_size(2048) == "2 kB"
