"""Issue 18, point 6, in Chromium, at 1280 px and 390 px, with the admin in English and in
Arabic: (a) a condition is chosen from the questions above and from the chosen question's
answers, and the lists follow the editor's changes; (b) an "Add page" abandoned after autosave
does not block its slug the next time."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_helpers import sign_in
from proof_world import home_page, make_user

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LANGUAGES = ["en", "ar"]


def _editor(language):
    from wagtail.users.models import UserProfile

    editor = make_user("editor@example.org", totp=True, is_staff=True, is_superuser=True)
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    return editor


def _options(n, label, value=None):
    return {"type": "item", "value": {"label": label, "value": value or label.lower()}, "id": n}


def _consultation():
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from consultations.models import ConsultationIndexPage, ConsultationPage

    def q(block_type, label, **value):
        return {"type": block_type, "id": str(uuid.uuid4()), "value": {"label": label, **value}}

    questionnaire = [
        {"type": "section", "id": str(uuid.uuid4()), "value": {"heading": "About you"}},
        q("number", "Your age", key="age"),
        q("yes_no", "Do you work?", key="work"),
        q(
            "single_choice",
            "Sector",
            allow_other=True,
            options=[_options(str(uuid.uuid4()), "Health"), _options(str(uuid.uuid4()), "Schools")],
        ),
        q("short_text", "Details", max_length=250),
        {"type": "section", "id": str(uuid.uuid4()), "value": {"heading": "More"}},
        q("long_text", "Anything else?", max_length=5000),
    ]
    home = home_page()
    index = home.add_child(instance=ConsultationIndexPage(title="Consultations", slug="c"))
    now = timezone.now()
    page = index.add_child(
        instance=ConsultationPage(
            title="Work and health",
            slug="work-health",
            intro="What helps?",
            opens_at=now + timedelta(days=1),
            closes_at=now + timedelta(days=30),
            questionnaire=questionnaire,
        )
    )
    page.save_revision()
    return page


def _values(select):
    return select.evaluate("s => [...s.options].map(o => o.value)")


def _texts(select):
    return select.evaluate("s => [...s.options].map(o => o.text.replace(/[\\u2068\\u2069]/g, ''))")


def _block(page, index):
    """The stream child whose prefix is questionnaire-<index> (the order it was loaded in)."""
    return page.locator(f"[data-streamfield-child]:has(> input[name='questionnaire-{index}-type'])")


def _own_action(page, index, action):
    return _block(page, index).locator(f"[data-streamfield-action={action}]").first


def _open_condition(page, index):
    prefix = f"questionnaire-{index}-value-show_if"
    settings = _own_action(page, index, "SETTINGS")
    if settings.count() and settings.get_attribute("aria-expanded") == "false":
        settings.click()
    toggle = page.locator(f"[aria-controls='block_group-{prefix}-content']")
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    question = page.locator(f"#{prefix}-key-chooser")
    question.scroll_into_view_if_needed()
    return question, page.locator(f"#{prefix}-value-chooser")


def _fits(page, locator):
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def _no_serious_axe_violations(page, selector):
    results = Axe().run(page, context=selector)
    bad = [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]
    assert not bad, bad


@pytest.mark.parametrize("language", LANGUAGES)
def test_conditions_are_chosen_from_the_questions_above(new_page, live, language):
    from django.utils import translation

    consultation = _consultation()
    page = new_page()
    sign_in(page, live, _editor(language))
    page.set_viewport_size(WIDE)
    page.goto(f"/admin/pages/{consultation.pk}/edit/")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    page.locator("[role=tab]").nth(1).click()  # the questionnaire

    # "Details" (block 4): the questions above it, the ones without a key marked as such.
    question, answer = _open_condition(page, 4)
    assert question.evaluate("s => s.labels[0].htmlFor") == question.get_attribute("id")
    assert page.locator("#questionnaire-4-value-show_if-key").is_hidden()
    assert _values(question) == ["", "age", "work", "#3"]
    assert _texts(question)[1:3] == ["1. Your age (age)", "2. Do you work? (work)"]
    assert answer.is_disabled()

    # Choosing "Sector", which has no key, gives it one, and offers its answers.
    question.select_option("#3")
    assert page.locator("#questionnaire-3-value-key").input_value() == "sector"
    assert page.locator("#questionnaire-4-value-show_if-key").input_value() == "sector"
    assert "sector" in page.locator("#questionnaire-4-value-show_if-key-chooser-note").inner_text()
    with translation.override(language):
        from django.utils.translation import gettext

        other = gettext("Other")
        yes, no = gettext("Yes"), gettext("No")
        yes_no_label, no_key = gettext("Yes / no"), gettext("no key yet")
        not_above = gettext("“%(key)s”: no question above has this key") % {"key": "field"}
    assert _values(answer) == ["", "health", "schools", "other"]
    assert _texts(answer)[1:] == ["Health", "Schools", other]
    answer.select_option("health")
    assert page.locator("#questionnaire-4-value-show_if-value").input_value() == "health"
    _no_serious_axe_violations(page, "#block_group-questionnaire-4-value-show_if-content")

    # Renaming an option, re-keying the question: the condition follows.
    page.locator("#questionnaire-3-value-options-0-value-label").fill("Health care")
    page.wait_for_function(
        "() => [...document.querySelector('#questionnaire-4-value-show_if-value-chooser')"
        ".options].some(o => o.text === 'Health care')"
    )
    _own_action(page, 3, "SETTINGS").click()
    page.locator("#questionnaire-3-value-key").fill("field")
    page.wait_for_function(
        "() => document.querySelector('#questionnaire-4-value-show_if-key').value === 'field'"
    )
    assert question.input_value() == "field"

    # Moved above its question, the condition says its key is no question above; moved back,
    # it is whole again.
    last_option = (
        "() => [...document.querySelector('#questionnaire-4-value-show_if-key-chooser')"
        ".options].at(-1).text.includes('Sector')"
    )
    _own_action(page, 4, "MOVE_UP").click()
    page.wait_for_function(f"() => !({last_option})()")
    assert _values(question) == ["", "age", "work", "field"]
    assert _texts(question)[-1] == not_above
    _own_action(page, 4, "MOVE_DOWN").click()
    page.wait_for_function(last_option)
    assert _texts(question)[-1] == "3. Sector (field)"
    assert answer.input_value() == "health"

    # On a phone: the section "More" (block 5) shown only to people who do not work.
    page.set_viewport_size(PHONE)
    question, answer = _open_condition(page, 5)
    assert _values(question) == ["", "age", "work", "field", "#4"]
    assert _fits(page, question) and _fits(page, answer)
    question.select_option("work")
    assert _texts(answer)[1:] == [yes, no]
    answer.select_option("no")
    assert _fits(page, question) and _fits(page, answer)

    # A question added above (after "Do you work?") joins the list, without a key yet.
    _block(page, 2).locator("xpath=following-sibling::*[1]").locator("button").first.click()
    page.get_by_role("option", name=yes_no_label, exact=True).click()
    page.locator("#questionnaire-7-value-label").fill("Do you study?")
    question.focus()
    assert _values(question) == ["", "age", "work", "#3", "field", "#5"]
    assert _texts(question)[3] == f"3. Do you study? ({no_key})"

    # Removing a question takes it off every list below it.
    _own_action(page, 1, "DELETE").click()
    question.focus()
    assert _values(question) == ["", "work", "#2", "field", "#4"]  # "Details" has no key
    _no_serious_axe_violations(page, "#block_group-questionnaire-5-value-show_if-content")

    with page.expect_navigation():
        page.locator("button.action-save").first.click()
    assert page.locator(".error-message, .help-critical").count() == 0
    consultation.refresh_from_db()
    stored = json.loads(consultation.get_latest_revision().content["questionnaire"])
    by_label = {b["value"].get("label") or b["value"].get("heading"): b["value"] for b in stored}
    assert "Your age" not in by_label
    assert by_label["Do you study?"]["key"] == ""  # a key is given only when a condition needs one
    assert by_label["Sector"]["key"] == "field"
    assert by_label["Details"]["show_if"] == {
        "key": "field",
        "operator": "equals",
        "value": "health",
    }
    assert by_label["More"]["show_if"] == {"key": "work", "operator": "equals", "value": "no"}


def _type_a_new_page(page, add, title):
    page.goto(add)
    page.wait_for_load_state("networkidle")
    # Wagtail's unsaved-changes check (which starts autosave) takes the form as it is 2 s after
    # loading as its starting point: a person types later than that, and so does this test.
    page.wait_for_timeout(2500)
    # Typed key by key, as a person does: the slug follows the title at each key.
    page.locator("#id_title").press_sequentially(title, delay=40)
    # Autosave turns "Add page" into the new page's editor in place (history.replaceState).
    page.wait_for_function("() => location.pathname.endsWith('/edit/')")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_abandoned_new_page_does_not_block_its_slug(new_page, live, server_at_rest, language):
    from portal.models import StandardPage

    home = home_page()
    page = new_page()
    sign_in(page, live, _editor(language))
    add = f"/admin/pages/add/portal/standardpage/{home.pk}/"

    # At 1280 px the editor types a title, autosave creates the page, the editor walks away.
    page.set_viewport_size(WIDE)
    _type_a_new_page(page, add, "About us")
    # The database is read only once the editor (and its autosave) is left: on SQLite this
    # thread and the live server share one connection, and their savepoints must not mix.
    page.goto("/admin/")
    with server_at_rest:
        first = StandardPage.objects.get()
    assert (first.slug, first.live) == ("about-us", False)

    # On a phone, the same title again: autosave creates the page with that slug, Save works.
    page.set_viewport_size(PHONE)
    _type_a_new_page(page, add, "About us")
    with page.expect_navigation():
        page.locator("button.action-save").first.click()
    assert page.locator(".error-message, .help-critical").count() == 0
    page.goto("/admin/")
    with server_at_rest:
        second = StandardPage.objects.exclude(pk=first.pk).get()
        first.refresh_from_db()
    assert (second.slug, first.slug) == ("about-us", "about-us-2")
    assert first.title == "About us"
