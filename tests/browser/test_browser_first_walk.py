"""Issue 18, done when: the rough edges of a first walk, walked in Chromium on the demo at 390 px
and 1280 px, in English and in Arabic. Each person signs in through the form as the README says
(the juror and the editor with the code `demo_totp` prints), and at every stop nothing scrolls
sideways:

* a member of an organisation (Amina): the languages chooser of the open expert call filters as
  she types; the steps of the application read as separate steps; her account shows the name she
  chose, never a generated username;
* the demo's juror (Oleksandr): an open round with a nomination assigned to him, and last year's
  scores read with their scale;
* the editor: a consultation's themes listed once each, in the admin's language, and the
  exports as visible buttons on the consultation's header;
* the progress board and "what we heard": under 100 KB of HTML.
"""

import io
import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from browser_helpers import too_wide
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils.translation import gettext, override

from portal.management.commands.load_demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
LANGUAGES = {"en": ("en-GB", ""), "ar": ("ar", "/ar")}
PAGE_KB_LIMIT = 100
TOTP_MARGIN_SECONDS = 10  # a slow CI machine took several seconds between code and submit


def _no_sideways_scroll(page, where: str) -> None:
    bad = too_wide(page)
    assert not bad, f"{where} ({page.url}) scrolls sideways: {bad}"


def _sign_in(page, prefix: str, email: str, totp: bool) -> None:
    page.goto(f"{prefix}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    if totp:
        cache.clear()  # allauth refuses a code used before; each stop of the walk signs in anew
        # allauth accepts only the current window's code: never type one about to expire.
        period = mfa_settings.TOTP_PERIOD
        left = period - time.time() % period
        if left < TOTP_MARGIN_SECONDS:
            time.sleep(left + 0.5)
        code = io.StringIO()
        with override_settings(DEBUG=True):  # demo_totp serves only the demo site
            call_command("demo_totp", stdout=code)
        page.fill("input[name=code]", code.getvalue().strip())
        page.locator("form:has(input[name=code]) button[type=submit]").first.click()
        page.wait_for_load_state()
    assert "/accounts/login/" not in page.url and "/2fa/" not in page.url, (
        page.url,
        page.locator("main").inner_text()[:500],
    )


def _member(page, prefix: str, language: str, where: str) -> None:
    from expertgroup.models import ExpertCallPage

    _sign_in(page, prefix, "amina@example.org", totp=False)
    call = ExpertCallPage.objects.get(slug="expert-group-2027", locale__language_code="en")
    page.goto(prefix + call.url + call.reverse_subpage("apply_start"))
    _no_sideways_scroll(page, f"{where}: application start")
    if not page.url.endswith("/details/"):
        draft = page.locator("main a[href$='/details/']")  # her draft of an earlier stop
        if draft.count():
            draft.first.click()
        else:
            page.locator("main form:not([action*=withdraw]) button[type=submit]").last.click()
        page.wait_for_url("**/details/")
    _no_sideways_scroll(page, f"{where}: application details")
    # The languages chooser filters as she types: a name in its own script finds it.
    languages = page.locator("[data-chooser]:has(input[name=languages])").first
    languages.locator("input[type=search]").fill("Українська")
    visible = page.evaluate(
        "() => [...document.querySelectorAll('input[name=languages]')]"
        ".filter(e => !e.closest('li').hidden).map(e => e.value)"
    )
    assert "uk" in visible and "fr" not in visible, visible
    # Each step of a questionnaire is an entry of its own (not "1. Your experience2. ...").
    from consultations.models import ConsultationPage

    consultation = ConsultationPage.objects.get(
        slug="recognition-of-qualifications", locale__language_code="en"
    )
    page.goto(prefix + consultation.url + consultation.reverse_subpage("respond_start"))
    draft = page.locator("main a[href*='/step/']")
    if draft.count():
        draft.first.click()
    else:
        page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/step/**")
    _no_sideways_scroll(page, f"{where}: a consultation's first step")
    steps = page.locator("ol.questionnaire-steps > li")
    assert steps.count() >= 2
    boxes = [steps.nth(i).bounding_box() for i in range(steps.count())]
    texts = [steps.nth(i).inner_text().strip() for i in range(steps.count())]
    assert all(texts) and len(set(texts)) == len(texts), texts
    for a, b in zip(boxes, boxes[1:], strict=False):  # side by side or one under the other
        apart = a["x"] + a["width"] <= b["x"] + 1 or b["x"] + b["width"] <= a["x"] + 1
        assert apart or a["y"] + a["height"] <= b["y"] + 1, (texts, boxes)
    page.goto(f"{prefix}/accounts/profile/")
    _no_sideways_scroll(page, f"{where}: account")
    assert page.locator("input[name=display_name]").input_value() == "Amina Yusuf"
    assert not re.search(r">\s*amina\s*<", page.content()), "a generated username is shown"


def _juror(page, prefix: str, language: str, where: str) -> None:
    from participation.review.models import ReviewProcess

    _sign_in(page, prefix, "oleksandr@example.org", totp=True)
    page.goto(f"{prefix}/review/")
    _no_sideways_scroll(page, f"{where}: juror's workspace")
    open_jury = ReviewProcess.objects.get(name__startswith="Integration Award 2027")
    assert page.locator(f'main a[href*="/review/{open_jury.pk}/items/"]').count(), (
        "no nomination to score now"
    )
    past = ReviewProcess.objects.get(name__startswith="Integration Award 2026 · Local")
    page.locator(f'main a[href*="/review/{past.pk}/items/"]').first.click()
    page.wait_for_load_state()
    _no_sideways_scroll(page, f"{where}: a scored nomination")
    with override(language):
        scale = gettext("%(score)s on a scale of %(low)s to %(high)s")
    pattern = re.escape(scale).replace(re.escape("%(score)s"), r"\d+")
    pattern = pattern.replace(re.escape("%(low)s"), r"\d+").replace(re.escape("%(high)s"), r"\d+")
    assert re.search(pattern, page.locator("main").inner_text()), "scores without their scale"


def _editor(page, prefix: str, language: str, where: str) -> None:
    from django.contrib.auth import get_user_model
    from wagtail.users.models import UserProfile

    from consultations.models import ConsultationPage
    from themes.models import Theme

    editor = get_user_model().objects.get(email="editor@example.org")
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    _sign_in(page, prefix, "editor@example.org", totp=True)
    consultation = ConsultationPage.objects.get(
        slug="housing-for-newcomers", locale__language_code="en"
    )
    page.goto(f"/admin/pages/{consultation.pk}/edit/")
    assert page.evaluate("document.documentElement.lang") == language
    # The exports are buttons on the header, not hidden in its "..." menu.
    exports = page.locator(
        f"a[href$='/consultations/{consultation.pk}/responses.csv']:visible,"
        f" a[href$='/consultations/{consultation.pk}/responses.xlsx']:visible"
    )
    assert exports.count() >= 2, "the exports are not visible on the header"
    # Themes: once each (not once per language).
    themes = page.locator("input[name=themes]")
    assert themes.count() == Theme.objects.filter(locale__language_code="en").count()
    _no_sideways_scroll(page, f"{where}: consultation editor")


def _light_pages(page, prefix: str, language: str, where: str) -> None:
    for path in ("/progress/", "/consultations/housing-for-newcomers/what-we-heard/"):
        response = page.goto(prefix + path)
        assert response.status == 200
        kb = len(response.body()) / 1000
        assert kb < PAGE_KB_LIMIT, f"{prefix + path}: {kb:.1f} KB of HTML"
        _no_sideways_scroll(page, f"{where}: {path}")


def test_first_walk_on_a_phone_and_a_desktop_in_english_and_arabic(browser, live, demo):
    for size_name, size in SIZES.items():
        for language, (browser_locale, prefix) in LANGUAGES.items():
            where = f"{size_name}, {language}"
            for walk in (_member, _juror, _editor, _light_pages):
                context = browser.new_context(
                    base_url=live.url, locale=browser_locale, viewport=size
                )
                context.set_default_timeout(15_000)
                try:
                    page = context.new_page()
                    errors = []
                    page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
                    walk(page, prefix, language, where)
                    assert not errors, f"{where}: {errors}"
                finally:
                    context.close()
