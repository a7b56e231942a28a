"""Issue 18, point 1, in Chromium: the languages chooser filtered by typing, ticked with the
keyboard, announced to screen readers; and the same application filled with JavaScript off."""

import pytest
from browser_helpers import axe_check, fill_form, sign_in, tab_to
from proof_world import build_world

pytestmark = pytest.mark.browser


def _details(page, live, world):
    call = world.call
    sign_in(page, live, world.users["stranger"])
    page.goto(call.url + call.reverse_subpage("apply_start"))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/details/")


def _visible_languages(page):
    return page.evaluate(
        "() => [...document.querySelectorAll('input[name=languages]')]"
        ".filter(e => !e.closest('li').hidden).map(e => e.value)"
    )


def test_filter_by_typing_and_tick_with_the_keyboard(new_page, live):
    world = build_world()
    page = new_page()
    _details(page, live, world)
    assert len(_visible_languages(page)) > 150
    languages = page.locator("fieldset:has(legend:text-is('Languages you work in'))").first
    box = languages.get_by_label("Filter the list")
    box.fill("arab")
    visible = _visible_languages(page)
    assert "ar" in visible and "fr" not in visible and len(visible) < 5
    status = languages.locator("[role=status]")
    status.filter(has_text="Matches:").wait_for()
    assert status.get_attribute("aria-live") == "polite"
    # Enter in the filter does not submit the form.
    box.press("Enter")
    assert page.url.endswith("/details/")
    # Only the keyboard: Tab from the filter to the checkbox, Space ticks it.
    box.focus()
    tab_to(page, "input[name=languages][value=ar]")
    page.keyboard.press("Space")
    assert page.locator("input[name=languages][value=ar]").is_checked()
    assert languages.locator("[data-chooser-chosen]").inner_text() == "Arabic"
    # A name in its own script finds it too; a ticked language stays listed whatever the filter.
    box.fill("Українська")
    visible = _visible_languages(page)
    assert "uk" in visible and "ar" in visible and "fr" not in visible
    box.fill("zzzz")
    languages.locator("[role=status]").filter(has_text="No match").wait_for()
    box.fill("")
    assert len(_visible_languages(page)) > 150
    axe_check(page, "application details, chooser filtered")


def test_without_javascript_the_plain_list_works(browser, live, tmp_path):
    from expertgroup.models import Application
    from themes.models import Theme

    world = build_world()
    context = browser.new_context(base_url=live.url, locale="en-GB", java_script_enabled=False)
    try:
        page = context.new_page()
        _details(page, live, world)
        assert page.get_by_label("Filter the list").count() == 0
        region = page.locator("#id_languages")
        # A bounded scrolling region with a visible border, not a page 180 lines long.
        assert region.evaluate(
            "e => { const s = getComputedStyle(e); return s.overflowY === 'auto'"
            " && e.scrollHeight > e.clientHeight && parseFloat(s.borderTopWidth) > 0; }"
        )
        page.locator("input[name=languages][value=uk]").focus()
        page.keyboard.press("Space")
        cv = tmp_path / "cv.pdf"
        cv.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        themes = [str(pk) for pk in Theme.objects.values_list("pk", flat=True)[:1]]
        fill_form(
            page,
            {
                "full_name": "Olena Kovalenko",
                "profile_type": "academia",
                "expertise": themes,
                "languages": ["ar"],
                "country": "PL",
                "nationalities": ["UA"],
                "migrant_background": "refugee",
                "motivation": "To help.",
                "experience": "Ten years.",
                "cv": str(cv),
            },
        )
        page.locator("main form button[name=action][value=next]").click()
        page.wait_for_url("**/review/")
        answers = page.locator("main").inner_text()
        assert "Arabic, Ukrainian" in answers or "Ukrainian, Arabic" in answers
        assert "Ukraine" in answers
        application = Application.objects.get(user=world.users["stranger"])
        assert sorted(application.languages) == ["ar", "uk"]
    finally:
        context.close()
