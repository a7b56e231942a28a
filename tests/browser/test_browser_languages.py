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


def _fonts_of(page, selector):
    """The fonts Chromium drew an element's letters with (DevTools: platform fonts)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def test_tigrinya_reads_as_letters_without_an_ethiopic_font_on_the_device(browser, live):
    """This machine has no Ethiopic font: the site's own (/fonts/scripts.css) draws the letters,
    regular and bold, instead of boxes."""
    world = build_world()
    context = browser.new_context(base_url=live.url, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(world.page.url)
        page.locator("nav.languages summary").click()
        page.locator('nav.languages a[lang="ti"]').click()
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.lang") == "ti"
        page.evaluate("document.fonts.ready")
        page.wait_for_function("[...document.fonts].filter(f => f.status === 'loaded').length >= 2")
        for selector in ("nav.languages summary", ".brand", "main p"):
            text = page.locator(selector).first.inner_text()
            letters = sum(1 for ch in text if "\u1200" <= ch <= "\u139f")
            fonts = _fonts_of(page, selector)
            drawn = sum(
                f["glyphCount"]
                for f in fonts
                if f["familyName"] == "Noto Sans Ethiopic" and f["isCustomFont"]
            )
            # Every Ethiopic letter drawn by the site's Ethiopic font, none as a box by another.
            assert letters and drawn >= letters, (selector, text, fonts)
    finally:
        context.close()
