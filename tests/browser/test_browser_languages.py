"""The language switcher with fifteen languages on a 320 px phone, with and without JavaScript."""

import pytest
from browser_helpers import axe_check, focused_is_visible, tab_to
from django.conf import settings
from proof_world import build_world

pytestmark = pytest.mark.browser
PHONE = {"width": 320, "height": 640}


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_switcher_fits_a_phone_without_javascript_and_reaches_persian(browser, live):
    world = build_world()
    context = browser.new_context(base_url=live.url, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(world.page.url)
        assert _no_sideways_scroll(page)
        links = page.locator("nav.languages a")
        assert not links.first.is_visible()  # closed: one line in the header
        tab_to(page, "nav.languages summary")
        assert focused_is_visible(page)
        page.keyboard.press("Enter")  # <details> opens without any script
        assert links.count() == len(settings.LANGUAGES) == 15
        for index in range(links.count()):
            link = links.nth(index)
            box = link.bounding_box()
            assert link.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 320
            assert box["height"] >= 24  # a target a thumb can hit (WCAG 2.5.8)
            assert link.get_attribute("lang") and link.get_attribute("dir") in ("ltr", "rtl")
        assert _no_sideways_scroll(page)
        page.locator('nav.languages a[lang="fa"]').click()
        page.wait_for_load_state()
        assert page.url.startswith(live.url + "/fa/")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("document.documentElement.lang") == "fa"
        page.locator("nav.languages summary").click()
        assert page.locator('nav.languages a[lang="ti"]').is_visible()
        assert _no_sideways_scroll(page)
    finally:
        context.close()


def test_switcher_open_passes_axe_on_a_phone(new_page, live):
    world = build_world()
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto(world.page.url)
    page.locator("nav.languages summary").click()
    axe_check(page, "language switcher open, 320 px")
