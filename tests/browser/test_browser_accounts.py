"""Sign up and verify the address from the email, in Chromium, with axe-core on every state."""

import pytest
from browser_helpers import axe_check, link_in_mail

pytestmark = pytest.mark.browser

PASSWORD = "a-Long-passphrase-for-tests-2026"  # noqa: S105


def test_signup_verify_and_sign_in_in_a_browser(new_page, live, mailoutbox):
    from django.contrib.auth import get_user_model

    page = new_page()
    page.goto("/accounts/signup/")
    axe_check(page, "sign-up, empty")
    page.locator("input[name=email]").fill("nadia@example.org")
    page.locator("input[name=display_name]").fill("Nadia")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill("something else")
    with page.expect_navigation():  # the form posts and comes back with its errors
        page.locator("form button[type=submit]").last.click()
    assert page.locator(".errorlist, [role=alert], .error").count() >= 1
    axe_check(page, "sign-up, with errors")
    assert page.locator("input[name=email]").input_value() == "nadia@example.org"  # kept

    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/confirm-email/**")
    axe_check(page, "verification sent")
    user = get_user_model().objects.get(email="nadia@example.org")
    assert not user.emailaddress_set.get().verified

    (message,) = mailoutbox
    page.goto(link_in_mail(message, "/confirm-email/"))
    axe_check(page, "confirm email")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert user.emailaddress_set.get().verified
    page.goto("/accounts/profile/")
    assert "/accounts/login/" not in page.url  # signed in on confirmation
    axe_check(page, "profile")


def test_signup_in_arabic_on_a_phone(new_page, live, mailoutbox, tmp_path):
    """390 px wide, Arabic: the name and language fields are there, right to left, the
    language offered is the one being read, and the email that follows is in Arabic."""
    import os

    from django.contrib.auth import get_user_model

    page = new_page(locale="ar")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/ar/accounts/signup/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("select[name=preferred_language]").input_value() == "ar"
    axe_check(page, "sign-up in Arabic, 390 px")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("input[name=email]").fill("layla@example.org")
    page.locator("input[name=display_name]").fill("ليلى")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    shot = os.environ.get("SIGNUP_SCREENSHOT") or str(tmp_path / "signup-ar-390.png")
    page.screenshot(path=shot, full_page=True)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/confirm-email/**")
    person = get_user_model().objects.get(email="layla@example.org")
    assert person.display_name == "ليلى" and person.preferred_language == "ar"
    (message,) = mailoutbox
    assert "مرحبا" in message.body and person.username not in message.body.replace(person.email, "")
