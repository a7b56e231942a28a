"""Issue 18.6 (a): conditions chosen from the questions above, not typed.

The chooser itself runs in the browser (tests/browser/test_browser_editor.py); here, what the
server gives it (the script, its words in the editor's language) and what the server still
refuses whatever the browser sends: a forged key, a forged answer, a forged operator.
"""

import json

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.admin.telepath import JSContext
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from participation.questionnaire.blocks import (
    ConditionBlock,
    QuestionnaireBlock,
    condition_chooser_texts,
)

CHOOSER = "participation.questionnaire.ConditionBlock"


def _packed_conditions(packed):
    """Every packed ConditionBlock definition in a telepath payload."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("_type") == CHOOSER:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(packed)
    return found


def test_conditions_are_packed_for_the_chooser_with_its_script():
    context = JSContext()
    packed = context.pack(QuestionnaireBlock())
    conditions = _packed_conditions(packed)
    assert conditions  # a section's and every question type's "show_if"
    meta = conditions[0]["_args"][2]
    assert meta["chooser"]["always"] == "No condition: always shown"
    assert set(meta["chooser"]) == set(condition_chooser_texts())
    scripts = [str(js) for js in context.media._js]
    blocks_js = next(i for i, js in enumerate(scripts) if "telepath/blocks.js" in js)
    chooser_js = scripts.index("questionnaire/condition-chooser.js")
    assert blocks_js < chooser_js  # it extends Wagtail's StructBlockDefinition
    assert "questionnaire/condition-chooser.css" in context.media._css["all"]


def test_stored_condition_is_still_the_key_and_answer_strings():
    value = ConditionBlock().to_python({"key": "work", "operator": "equals", "value": "yes"})
    assert ConditionBlock().get_prep_value(value) == {
        "key": "work",
        "operator": "equals",
        "value": "yes",
    }


def test_chooser_words_are_in_the_editors_language():
    with translation.override("ar"):
        texts = json.loads(json.dumps(JSContext().pack(ConditionBlock())["_args"][2]["chooser"]))
        assert texts["yes"] == gettext("Yes") != "Yes"
        assert texts["other"] == gettext("Other") != "Other"


def _consultation_form(page, questionnaire):
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": page.intro,
            "opens_at": page.opens_at.strftime("%Y-%m-%d %H:%M"),
            "closes_at": page.closes_at.strftime("%Y-%m-%d %H:%M"),
            "time_zone": page.time_zone,
            "grace_minutes": 0,
            "background": rich_text(""),
            "documents": streamfield([]),
            "questionnaire": streamfield(questionnaire),
            "outcome_intro": rich_text(""),
            "outcome_items": inline_formset([]),
        }
    )


def _question(block_type, label, key="", show_if=None, options=(), **settings):
    value = {"label": label, "help_text": "", "key": key, **settings}
    key, operator, wanted = show_if or ("", "equals", "")
    value["show_if"] = {"key": key, "operator": operator, "value": wanted}
    if options:
        value["options"] = {
            "count": len(options),
            **{
                str(n): {"deleted": "", "order": n, "id": "", "value": {"label": o, "value": ""}}
                for n, o in enumerate(options)
            },
        }
    return (block_type, value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "condition, field, message",
    [
        (("nope", "equals", "yes"), "key", "No earlier question has the key “nope”."),
        (("sector", "equals", "mining"), "value", "“mining” is not an answer of “Sector”."),
        (("sector", "drop table", "health"), "operator", "Select a valid choice."),
    ],
)
def test_forged_condition_posted_to_the_page_editor_is_refused_with_a_clear_error(
    client, make_user, condition, field, message
):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "security"))
    from proof_world import consultation

    page = consultation()
    before = page.get_latest_revision().pk
    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(editor)
    questionnaire = [
        _question("single_choice", "Sector", key="sector", options=("Health", "Education")),
        _question("short_text", "Details", show_if=condition, max_length=250),
    ]
    data = _consultation_form(page, questionnaire)

    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 200  # the editor again, with errors: never a 500
    assert "The page could not be saved due to validation errors" in response.content.decode()
    assert page.get_latest_revision().pk == before

    form_class = type(page).get_edit_handler().get_form_class()
    form = form_class(data, instance=page, parent_page=page.get_parent(), for_user=editor)
    assert not form.is_valid()
    [error] = form.errors.as_data()["questionnaire"]
    shown = json.dumps(error.as_json_data(), ensure_ascii=False)
    assert message in shown
    assert error.as_json_data()["blockErrors"][1]["blockErrors"]["show_if"]["blockErrors"][field]
