"""Steps, forms, server-side conditions, saving and progress."""

import json
import logging
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participation.questionnaire import engine
from participation.questionnaire.fields import OTHER_HTML, FileAnswer
from participation.questionnaire.structure import Condition, parse

SMALL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


@pytest.fixture
def questionnaire(build):
    return parse(
        build(
            build.q("short_text", "Name", key="name", required=True, max_length=20),
            build.q(
                "single_choice", "Who are you answering for?", key="who", required=True,
                options=[("org", "An organisation"), ("me", "Myself")], allow_other=True,
            ),
            build.q(
                "short_text", "Organisation name", key="orgname", required=True, max_length=20,
                show_if=("who", "equals", "org"),
            ),
            build.section("Your views", help_text="Tell us what matters."),
            build.q("multiple_choice", "Themes", key="themes",
                    options=["Housing", "Health", "Jobs"]),
            build.q(
                "long_text", "What about housing?", required=True,
                show_if=("themes", "contains", "housing"),
            ),
            build.q("scale", "I feel heard", key="heard"),
            build.section("Organisations only", show_if=("who", "equals", "org")),
            build.q("number", "How many members?", key="members", required=True),
            build.q("short_text", "Since when?", show_if=("members", "not_equals", "0")),
            build.section("Finally"),
            build.q("consent", "I agree that my answer is published.", name="consent"),
        )
    )  # fmt: skip


def _id(build, label):
    return build.id(label)


def _post(build, answers: dict, prefix="q") -> dict:
    """POST data from {label: value}; a value "other:<text>" fills the Other text box."""
    data = {}
    for label, value in answers.items():
        name = f"{prefix}-{build.id(label)}"
        if isinstance(value, str) and value.startswith("other:"):
            data[name] = OTHER_HTML
            data[f"{name}-other"] = value.removeprefix("other:")
        else:
            data[name] = value
    return data


# -- structure ----------------------------------------------------------------------------------


def test_steps_list_sections_and_their_questions_with_block_ids(build, questionnaire):
    assert [step.heading for step in questionnaire.steps] == [
        "", "Your views", "Organisations only", "Finally",
    ]  # fmt: skip
    first = questionnaire.steps[0]
    assert first.id is None  # questions before the first section
    assert [q.id for q in first.questions] == [
        build.id("Name"), build.id("Who are you answering for?"), build.id("Organisation name"),
    ]  # fmt: skip
    assert questionnaire.steps[1].id == build.id("section Your views")
    assert questionnaire.steps[1].help_text == "Tell us what matters."
    assert questionnaire.by_key["members"].step == 2
    assert questionnaire.steps[2].condition == Condition("who", "equals", "org")
    assert [q.position for q in questionnaire.questions] == list(range(9))


def test_parse_reads_raw_json_as_stored_in_revisions(build):
    raw = build.raw(build.q("yes_no", "OK?"))
    assert parse(raw).questions[0].id == build.id("OK?")
    assert parse(json.loads(json.dumps(raw))).questions[0].type == "yes_no"
    assert parse(None).questions == ()
    assert parse([]).steps == ()


def test_questions_without_ids_get_one_that_stays_until_saved(build):
    value = build({"type": "yes_no", "value": {"label": "OK?"}})
    first = parse(value).questions[0].id
    assert uuid.UUID(first)
    assert parse(value).questions[0].id == first
    assert value.get_prep_value()[0]["id"] == first


def test_a_questionnaire_that_starts_with_a_section_has_no_empty_first_step(build):
    q = parse(build(build.section("One"), build.q("yes_no", "A"), build.section("Two")))
    assert [s.heading for s in q.steps] == ["One", "Two"]
    assert engine.visible_steps(q, {})[-1].heading == "Two"  # an introduction-only step


# -- conditions in the same step ----------------------------------------------------------------


def test_question_depending_on_the_same_step_is_shown_with_a_note(build, questionnaire):
    form = engine.make_form(questionnaire, 0, {})
    field = form.fields[build.id("Organisation name")]
    assert not field.required  # decided on submit
    assert field.help_text.startswith(
        "Answer this only if your answer to “Who are you answering for?” is “An organisation”."
    )


def test_conditional_question_is_required_when_its_condition_is_met(build, questionnaire):
    data = _post(build, {"Name": "Amina", "Who are you answering for?": "org"})
    form = engine.make_form(questionnaire, 0, {}, data=data)
    assert not form.is_valid()
    assert form.errors[build.id("Organisation name")] == ["Answer this question."]


def test_hidden_question_is_not_required_and_what_was_typed_is_dropped(build, questionnaire):
    data = _post(
        build,
        {"Name": "Amina", "Who are you answering for?": "me", "Organisation name": "x" * 99},
    )
    form = engine.make_form(questionnaire, 0, {}, data=data)
    assert form.is_valid(), form.errors  # even its error (too long) does not count
    assert build.id("Organisation name") in form.hidden_ids
    assert form.answers == {
        build.id("Name"): "Amina",
        build.id("Who are you answering for?"): {"choice": "me"},
    }


def test_other_answer_in_the_same_step(build, questionnaire):
    data = _post(build, {"Name": "Amina", "Who are you answering for?": "other:Our network"})
    form = engine.make_form(questionnaire, 0, {}, data=data)
    assert form.is_valid(), form.errors
    assert form.answers[build.id("Who are you answering for?")] == {"other": "Our network"}


def test_contains_condition_on_a_multiple_choice(build, questionnaire):
    answers = {build.id("Name"): "A", build.id("Who are you answering for?"): {"choice": "me"}}
    form = engine.make_form(
        questionnaire, 1, answers, data={f"q-{build.id('Themes')}": ["housing", "jobs"]}
    )
    assert not form.is_valid()
    assert form.errors[build.id("What about housing?")] == ["Answer this question."]
    form = engine.make_form(questionnaire, 1, answers, data={f"q-{build.id('Themes')}": ["jobs"]})
    assert form.is_valid(), form.errors


# -- conditions on earlier steps ----------------------------------------------------------------


def test_section_hidden_by_an_earlier_answer_is_skipped(build, questionnaire):
    me = {build.id("Who are you answering for?"): {"choice": "me"}}
    org = {build.id("Who are you answering for?"): {"choice": "org"}}
    assert [s.heading for s in engine.visible_steps(questionnaire, me)] == [
        "", "Your views", "Finally",
    ]  # fmt: skip
    assert engine.next_step(questionnaire, 1, me) == 3
    assert engine.next_step(questionnaire, 1, org) == 2
    assert engine.previous_step(questionnaire, 3, me) == 1
    assert engine.next_step(questionnaire, 3, me) is None
    assert engine.previous_step(questionnaire, 0, me) is None
    assert engine.make_form(questionnaire, 2, me).fields == {}
    assert set(engine.make_form(questionnaire, 2, org).fields) == {
        build.id("How many members?"), build.id("Since when?"),
    }  # fmt: skip


def test_question_depending_on_an_earlier_step_is_left_out_when_hidden(build):
    q = parse(
        build(
            build.q("yes_no", "Employed?", key="employed"),
            build.section("Work"),
            build.q("short_text", "Employer", required=True, show_if=("employed", "equals", "yes")),
            build.q("short_text", "Anything else"),
        )
    )
    hidden = engine.make_form(q, 1, {build.id("Employed?"): False})
    assert list(hidden.fields) == [build.id("Anything else")]
    assert hidden.hidden_ids == {build.id("Employer")}
    shown = engine.make_form(q, 1, {build.id("Employed?"): True})
    assert shown.fields[build.id("Employer")].required
    assert "Answer this only if" not in shown.fields[build.id("Employer")].help_text


def test_hidden_questions_hide_the_questions_that_depend_on_them(build, questionnaire):
    answers = {
        build.id("Who are you answering for?"): {"choice": "me"},
        build.id("How many members?"): 12,  # stale: answered while "org" was chosen
    }
    shown = engine.visible_ids(questionnaire, answers)
    assert build.id("How many members?") not in shown
    # "Since when?" shows if members is not 0, but members itself is hidden.
    assert build.id("Since when?") not in shown


def test_changing_an_earlier_answer_drops_stale_answers_on_save(build, questionnaire):
    answers = {
        build.id("Name"): "Amina",
        build.id("Who are you answering for?"): {"choice": "org"},
        build.id("Organisation name"): "Migrant Voices",
        build.id("How many members?"): 12,
        build.id("Since when?"): "2019",
        build.id("I feel heard"): 4,
    }
    data = _post(build, {"Name": "Amina", "Who are you answering for?": "me"})
    form = engine.make_form(questionnaire, 0, answers, data=data)
    assert form.is_valid(), form.errors
    saved = engine.save_step(questionnaire, answers, form)
    assert saved == {
        build.id("Name"): "Amina",
        build.id("Who are you answering for?"): {"choice": "me"},
        build.id("I feel heard"): 4,
    }


def test_a_form_starts_from_the_stored_answers(build, questionnaire):
    answers = {
        build.id("Name"): "Amina",
        build.id("Who are you answering for?"): {"other": "Our network"},
    }
    html = engine.make_form(questionnaire, 0, answers).render()
    assert 'value="Amina"' in html
    assert (
        f'value="{OTHER_HTML}" id="id_q-{build.id("Who are you answering for?")}_2" checked' in html
    )
    assert 'value="Our network"' in html


@pytest.mark.parametrize(
    ("block_type", "settings", "operator", "wanted", "answer", "met"),
    [
        ("short_text", {}, "equals", "Berlin", " berlin ", True),
        ("short_text", {}, "contains", "lin", "Berlin", True),
        ("short_text", {}, "not_equals", "Berlin", "Paris", True),
        ("short_text", {}, "equals", "Berlin", None, False),
        ("short_text", {}, "not_equals", "Berlin", None, True),
        ("single_choice", {"options": ["A", "B"]}, "equals", "a", {"choice": "a"}, True),
        ("single_choice", {"options": ["A"], "allow_other": True}, "equals", "other",
         {"other": "x"}, True),
        ("multiple_choice", {"options": ["A", "B"]}, "equals", "b", {"choices": ["a", "b"]}, True),
        ("multiple_choice", {"options": ["A", "B"]}, "not_equals", "b", {"choices": ["a"]}, True),
        ("ranking", {"options": ["A", "B"]}, "equals", "b", ["a", "b"], False),
        ("ranking", {"options": ["A", "B"]}, "contains", "b", ["a", "b"], True),
        ("yes_no", {}, "equals", "no", False, True),
        ("yes_no", {}, "equals", "yes", None, False),
        ("scale", {}, "equals", "4", 4, True),
        ("scale", {"allow_dont_know": True}, "equals", "dont_know", "dont_know", True),
        ("number", {"integer_only": False}, "equals", "2,5", "2.50", True),
        ("date", {}, "equals", "2026-01-31", "2026-01-31", True),
        ("consent", {"required": False}, "equals", "yes", False, False),
        ("consent", {"required": False}, "not_equals", "yes", False, True),
    ],
)  # fmt: skip
def test_condition_operators(build, block_type, settings, operator, wanted, answer, met):
    source = parse(build(build.q(block_type, "Source", key="src", **settings))).questions[0]
    assert engine.condition_met(source, Condition("src", operator, wanted), answer) is met


# -- bad input ----------------------------------------------------------------------------------


def test_a_forged_field_name_is_ignored_and_reported(build, questionnaire, caplog):
    forged = str(uuid.uuid4())
    data = _post(build, {"Name": "Amina", "Who are you answering for?": "me"})
    data.update({f"q-{forged}": "x", "q-admin": "1", f"q-{build.id('Name')}_0": "y"})
    data[f"q-{build.id('How many members?')}"] = "5"  # a real question, of another step
    data["csrfmiddlewaretoken"] = "t"  # the caller's own fields are not ours
    with caplog.at_level(logging.WARNING, logger="participation.questionnaire"):
        form = engine.make_form(questionnaire, 0, {}, data=data)
        assert form.is_valid(), form.errors
    assert form.forged_fields == sorted([f"q-{forged}", "q-admin"])
    assert "not questions of this questionnaire" in caplog.text
    assert set(form.answers) == {build.id("Name"), build.id("Who are you answering for?")}


def test_forged_names_are_recognised_without_a_prefix_when_they_look_like_ids(build, questionnaire):
    forged = str(uuid.uuid4())
    data = {build.id("Name"): "Amina", forged: "x", "action": "next"}
    form = engine.make_form(questionnaire, 0, {}, data=data, prefix=None)
    assert form.forged_fields == [forged]


def test_text_over_the_limit_keeps_what_was_typed(build, questionnaire):
    typed = "شبكة أصوات المهاجرين في برلين"  # Arabic, longer than 20 characters
    data = _post(
        build,
        {"Name": typed, "Who are you answering for?": "org", "Organisation name": "ሰላም"},
    )
    form = engine.make_form(questionnaire, 0, {}, data=data)
    assert not form.is_valid()
    assert form.errors[build.id("Name")] == ["Use at most 20 characters; you used 29."]
    assert form[build.id("Name")].value() == typed
    html = form.render()
    assert f'value="{typed}"' in html and 'value="ሰላም"' in html


@pytest.mark.parametrize("step", [-5, 99, "2", "nonsense", None])
def test_any_step_index_from_a_url_is_brought_into_range(questionnaire, step):
    assert 0 <= engine.clamp_step(questionnaire, step) <= 3
    engine.make_form(questionnaire, step, {})
    engine.progress(questionnaire, step, {})


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.one_of(
            st.text(max_size=30),
            st.lists(st.text(max_size=5), max_size=3),
            st.sampled_from(["org", "me", OTHER_HTML, "housing", "yes", "2026-02-30", "1e9"]),
        ),
        min_size=12,
        max_size=12,
    ),
    step=st.integers(min_value=0, max_value=3),
)
def test_no_posted_data_ever_breaks_a_step(build, questionnaire, values, step):
    names = [f"q-{q.id}" for q in questionnaire.questions] + ["q-x", "q-" + "f" * 36]
    data = dict(zip(names, values, strict=False))
    form = engine.make_form(questionnaire, step, {}, data=data)
    if form.is_valid():
        json.dumps(form.answers)
    else:
        form.render()


# -- saving -------------------------------------------------------------------------------------


def test_save_step_stores_new_files_through_the_caller(build):
    q = parse(build(build.q("file_upload", "Statutes", required=True)))
    upload = SimpleUploadedFile("statutes.pdf", SMALL_PDF)
    form = engine.make_form(q, 0, {}, data={}, files={f"q-{build.id('Statutes')}": upload})
    assert form.is_valid(), form.errors
    assert form.is_multipart()
    assert isinstance(form.new_files[build.id("Statutes")], FileAnswer)
    stored = []

    def store(question, file_answer):
        stored.append((question.label, file_answer.file.read()))
        return file_answer.as_answer(id=41)

    answers = engine.save_step(q, {}, form, store_file=store)
    assert stored == [("Statutes", SMALL_PDF)]
    assert answers == {
        build.id("Statutes"): {
            "name": "statutes.pdf", "content_type": "application/pdf", "size": len(SMALL_PDF),
            "id": 41,
        }
    }  # fmt: skip
    with pytest.raises(ValueError, match="store_file"):
        engine.save_step(q, {}, form)
    # Coming back to the step: the stored file counts, nothing new has to be chosen.
    again = engine.make_form(q, 0, answers, data={}, files={})
    assert again.is_valid(), again.errors
    assert engine.save_step(q, answers, again) == answers


def test_an_optional_stored_file_is_shown_and_can_be_removed(build):
    q = parse(build(build.q("file_upload", "Photo")))
    name = f"q-{build.id('Photo')}"
    answers = {build.id("Photo"): {"name": "صورة.png", "content_type": "image/png", "size": 2048}}
    html = engine.make_form(q, 0, answers).render()
    assert 'Current file: <strong dir="auto">صورة.png</strong> (2.0\xa0KB)' in html
    assert f'<input type="checkbox" name="{name}-clear"' in html
    form = engine.make_form(q, 0, answers, data={f"{name}-clear": "on"}, files={})
    assert form.is_valid(), form.errors
    assert form.forged_fields == []
    assert engine.save_step(q, answers, form) == {}


def test_a_step_with_an_executable_renamed_pdf_shows_the_reason(build):
    q = parse(build(build.q("file_upload", "Statutes", required=True)))
    upload = SimpleUploadedFile("statutes.pdf", ELF, content_type="application/pdf")
    form = engine.make_form(q, 0, {}, files={f"q-{build.id('Statutes')}": upload}, data={})
    assert not form.is_valid()
    assert "is a program, not a document" in form.errors[build.id("Statutes")][0]
    assert "Files have to be chosen again." in form.render()


def test_missing_required_lists_what_a_final_submission_lacks(build, questionnaire):
    answers = {
        build.id("Name"): "Amina",
        build.id("Who are you answering for?"): {"choice": "org"},
        build.id("Themes"): {"choices": ["health"]},
    }
    missing = engine.missing_required(questionnaire, answers)
    assert [q.label for q in missing] == [
        "Organisation name", "How many members?", "I agree that my answer is published.",
    ]  # fmt: skip


# -- progress -----------------------------------------------------------------------------------


def test_progress_counts_only_steps_shown_for_the_answers(build, questionnaire):
    answers = {build.id("Name"): "Amina", build.id("Who are you answering for?"): {"choice": "me"}}
    progress = engine.progress(questionnaire, 1, answers)
    assert (progress.current, progress.total) == (2, 3)
    assert [(s.heading, s.current, s.done) for s in progress.steps] == [
        ("", False, True), ("Your views", True, False), ("Finally", False, False),
    ]  # fmt: skip
    assert (progress.answered, progress.questions) == (2, 5)
    assert (progress.required_answered, progress.required) == (2, 3)
    assert progress.percent == 66

    org = {**answers, build.id("Who are you answering for?"): {"choice": "org"}}
    progress = engine.progress(questionnaire, 1, org)
    assert (progress.current, progress.total) == (2, 4)
    assert progress.steps[0].done is False  # "Organisation name" is now required and missing


# -- editing after responses exist --------------------------------------------------------------


def test_editing_the_questionnaire_keeps_the_meaning_of_stored_answers(build):
    before = build(
        build.q("single_choice", "Status", options=[("ref", "Refugee"), ("stu", "Student")]),
        build.q("short_text", "City"),
        build.q("yes_no", "Employed?"),
    )
    answers = {
        build.id("Status"): {"choice": "ref"},
        build.id("City"): "Київ",
        build.id("Employed?"): True,
    }
    relabelled = build.q(
        "single_choice", "Your status", name="Status",
        options=[("stu", "Student"), ("ref", "Person with refugee status")],
    )  # fmt: skip
    after = parse(build(build.q("yes_no", "Employed?"), relabelled))  # reordered, "City" removed
    form = engine.make_form(after, 0, answers)
    assert form[build.id("Status")].value() == {"choice": "ref", "other": ""}
    assert form[build.id("Employed?")].value() == "yes"
    data = {f"q-{build.id('Status')}": "ref", f"q-{build.id('Employed?')}": "yes"}
    form = engine.make_form(after, 0, answers, data=data)
    assert form.is_valid(), form.errors
    saved = engine.save_step(after, answers, form)
    assert saved == answers  # the removed question's answer stays for exports
    assert parse(before).by_id[build.id("City")].label == "City"


def test_mixed_scripts_round_trip(build):
    q = parse(
        build(
            build.q("long_text", "Comment"),
            build.q("multiple_choice", "Languages", options=[("ar", "العربية"), ("ti", "ትግርኛ")],
                    allow_other=True),
        )
    )  # fmt: skip
    comment = "مرحبا — ሰላም — Привіт, як справи? ґ є ї"
    data = {
        f"q-{build.id('Comment')}": comment,
        f"q-{build.id('Languages')}": ["ti", "ar", OTHER_HTML],
        f"q-{build.id('Languages')}-other": "українська",
    }
    form = engine.make_form(q, 0, {}, data=data)
    assert form.is_valid(), form.errors
    stored = json.loads(json.dumps(engine.save_step(q, {}, form), ensure_ascii=False))
    assert stored == {
        build.id("Comment"): comment,
        build.id("Languages"): {"choices": ["ar", "ti"], "other": "українська"},
    }
    html = engine.make_form(q, 0, stored).render()
    assert comment in html and 'value="українська"' in html and "ትግርኛ" in html
