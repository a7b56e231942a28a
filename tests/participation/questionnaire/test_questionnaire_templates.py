"""The step and progress templates: accessible, without JavaScript, right-to-left ready."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from participation.questionnaire import engine
from participation.questionnaire.structure import parse


@pytest.fixture
def questionnaire(build):
    return parse(
        build(
            build.section("About you", help_text="A few questions.\nTwo minutes."),
            build.q("short_text", "Name", required=True, help_text="As you like to be called."),
            build.q("single_choice", "Status", key="status", options=["Refugee", "Student"],
                    allow_other=True),
            build.q("multiple_choice", "Themes", options=["Housing", "Health"]),
            build.q("scale", "Heard", min_label="Not at all", max_label="Fully"),
            build.q("yes_no", "Employed"),
            build.q("ranking", "Priorities", options=["Housing", "Health"]),
            build.q("long_text", "Why?", show_if=("status", "equals", "student")),
            build.q("number", "Age"),
            build.q("date", "Arrival"),
            build.q("file_upload", "Statutes"),
            build.q("consent", "I agree."),
            build.section("Thanks"),
            build.q("short_text", "Anything else?"),
        )
    )  # fmt: skip


def _fieldset_legends(html):
    return re.findall(r"<legend><span[^>]*>([^<]*)", html)


def test_step_renders_choices_in_fieldsets_with_legends(questionnaire):
    html = engine.make_form(questionnaire, 0, {}).render()
    assert _fieldset_legends(html) == [
        "Status", "Themes", "Heard", "Employed", "Priorities",
    ]  # fmt: skip
    assert '<h2 class="questionnaire-step-heading">About you</h2>' in html
    assert "A few questions.<br>Two minutes." in html


def test_step_labels_every_input_and_describes_it(build, questionnaire):
    form = engine.make_form(questionnaire, 0, {})
    html = form.render()
    for input_id in re.findall(r'<(?:input|textarea|select)[^>]* id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id
    name_id = f"id_q-{build.id('Name')}"
    assert f'aria-describedby="{name_id}_helptext"' in html
    assert "As you like to be called.<br>At most 250 characters." in html
    assert '<span class="required">(required)</span>' in html


def test_text_inputs_take_their_direction_from_what_is_typed(questionnaire):
    html = engine.make_form(questionnaire, 0, {}).render()
    for tag in re.findall(r"<(?:input type=\"text\"|textarea)[^>]*>", html):
        assert 'dir="auto"' in tag, tag


def test_ranking_has_one_labelled_select_per_rank(build, questionnaire):
    html = engine.make_form(questionnaire, 0, {}).render()
    ranking = f"q-{build.id('Priorities')}"
    assert f'<label for="id_{ranking}_0">Rank 1</label>' in html
    assert f'<select name="{ranking}_1" id="id_{ranking}_1">' in html


def test_errors_are_summarised_with_links_and_shown_at_each_question(build, questionnaire):
    data = {f"q-{build.id('Name')}": "", f"q-{build.id('Status')}": "forged"}
    form = engine.make_form(questionnaire, 0, {}, data=data)
    assert not form.is_valid()
    html = form.render()
    assert 'role="alert"' in html
    assert "Nothing you typed has been lost." in html
    name, status = build.id("Name"), build.id("Status")
    assert f'<a href="#id_q-{name}"><span>Name</span></a>: Answer this question.' in html
    assert f'<a href="#id_q-{status}"><span>Status</span></a>: That choice is not offered' in html
    assert 'aria-invalid="true"' in html
    assert 'class="field question question-short_text has-error"' in html


def test_choices_other_text_and_ranks_are_kept_after_an_error(build, questionnaire):
    ranking, status = f"q-{build.id('Priorities')}", f"q-{build.id('Status')}"
    data = {
        f"q-{build.id('Name')}": "",  # the error
        status: "__other__",
        f"{status}-other": "طالب لجوء",
        f"{ranking}_0": "health",
        f"{ranking}_1": "health",  # another error: the same option twice
        f"q-{build.id('Themes')}": ["health"],
    }
    form = engine.make_form(questionnaire, 0, {}, data=data)
    assert not form.is_valid()
    html = form.render()
    assert 'value="طالب لجوء"' in html
    assert html.count('<option value="health" selected>') == 2
    assert f'value="__other__" id="id_{status}_2" checked' in html
    assert f'value="health" id="id_q-{build.id("Themes")}_1" checked' in html
    assert "You gave “Health” more than one rank" in html


def test_the_form_renders_with_its_own_template_or_by_include(questionnaire):
    form = engine.make_form(questionnaire, 1, {})
    included = render_to_string("questionnaire/step.html", {"form": form})
    assert "Anything else?" in str(form) and "Anything else?" in included


def test_progress_is_an_ordered_list_with_the_current_step_marked(questionnaire):
    progress = engine.progress(questionnaire, 1, {})
    html = render_to_string("questionnaire/progress.html", {"progress": progress})
    assert "Step 2 of 2" in html
    assert '<nav class="questionnaire-progress" aria-label="Progress">' in html
    items = re.findall(r"<li[^>]*>.*?</li>", html)
    assert len(items) == 2
    assert 'aria-current="step"' in items[1] and "Thanks" in items[1]
    assert "(not complete)" in items[0]  # "Name" and "I agree." are required and unanswered
    assert "0 of 2 required questions answered" in html


def test_progress_is_translated(questionnaire):
    with translation.override("fr"):
        html = render_to_string(
            "questionnaire/progress.html", {"progress": engine.progress(questionnaire, 0, {})}
        )
    assert "Étape 1 sur 2" in html and 'aria-current="step"' in html


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ar", "أجب عن هذا السؤال."),
        ("uk", "Дайте відповідь на це питання."),
        ("de", "Beantworten Sie diese Frage."),
    ],
)
def test_messages_are_in_the_respondents_language(build, questionnaire, language, message):
    with translation.override(language):
        form = engine.make_form(questionnaire, 0, {}, data={f"q-{build.id('Name')}": ""})
        assert form.errors[build.id("Name")] == [message]
        assert form.render()
