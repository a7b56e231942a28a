"""Assisted entry in Chromium: a facilitator enters an answer given at a workshop and finds it
in "what we heard" under its channel."""

import pytest
from browser_helpers import axe_check, fill_form, sign_in, sub, tab_to, too_wide
from proof_world import consultation, make_user

pytestmark = pytest.mark.browser
PHONE = {"width": 320, "height": 640}


def with_facilitator(email="facilitator@example.org"):
    """A consultation and a facilitator of it (with TOTP, as the role requires)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    from consultations import assisted

    page_obj = consultation()
    facilitator = make_user(email, totp=True, display_name="Fatou")
    group = Group.objects.get_or_create(name=assisted.GROUP)[0]
    GroupPagePermission.objects.create(
        group=group, page=page_obj, permission=Permission.objects.get(codename=assisted.CODENAME)
    )
    facilitator.groups.add(group)
    return page_obj, facilitator


def q(name):
    from consultations.demo_questionnaire import qid

    return f"q-{qid(name)}"


def test_browser_facilitator_enters_workshop_answer_found_in_what_we_heard(
    new_page, live, server_at_rest, mailoutbox
):
    with server_at_rest:
        page_obj, facilitator = with_facilitator()
    page = new_page()
    sign_in(page, live, facilitator)
    # From the consultation's answer page, the facilitators' own page.
    page.goto(sub(page_obj, "respond_start"))
    page.get_by_role("link", name="As a facilitator").click()
    page.wait_for_url("**/assist/")
    axe_check(page, "facilitators' page")
    fill_form(
        page,
        {
            "channel": "workshop",
            "language": "ar",
            "consent": "on",
            "publication": "anonymous",
            "receipt_email": "person@example.net",
        },
    )
    page.get_by_role("button", name="Start the answer").click()
    page.wait_for_url("**/assist/*/step/0/")
    assert "Answer entered for someone (Workshop)" in page.locator("h1").inner_text()
    fill_form(page, {q("applied"): "yes", q("outcome"): "partial"})
    page.locator("button[value=next]").click()
    page.wait_for_url("**/step/1/")
    fill_form(
        page,
        {q("priorities"): ["time"], q("proposal"): "ترجمة مجانية للشهادات", q("consent"): "on"},
    )
    page.locator("button[value=next]").click()
    page.wait_for_url("**/assist/*/review/")
    # The consent given at the start is already chosen.
    assert page.locator('input[name=publication][value="anonymous"]').is_checked()
    page.get_by_role("button", name="Submit the answer").click()
    page.wait_for_url("**/assist/*/done/")
    axe_check(page, "entered answer submitted")
    assert "Enter the next answer" in page.content()
    with server_at_rest:
        from consultations.models import Response

        answer = Response.objects.get()
    assert answer.receipt_number in page.content()
    assert [m.to for m in mailoutbox] == [["person@example.net"]]
    # "What we heard": the workshop's answer, in the table of channels.
    page.goto(sub(page_obj, "what_we_heard"))
    table = page.get_by_role("region", name="How the answers reached us")
    assert table.locator("tbody tr").all_inner_texts() == ["Workshop\t1"]


def test_browser_facilitator_changes_then_withdraws_an_answer_in_arabic_on_a_phone(
    browser, live, server_at_rest
):
    """The person calls back: on a 320 px phone, in Arabic, with the keyboard, the facilitator
    changes the answer they entered and submits it again, then withdraws it."""
    from consultations.models import Response

    with server_at_rest:
        page_obj, facilitator = with_facilitator()
    context = browser.new_context(base_url=live.url, locale="ar", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, live, facilitator)
    arabic = "/ar" + sub(page_obj, "assist_start")
    page.goto(arabic)
    assert page.locator("html").get_attribute("dir") == "rtl"
    start = "main form.stack"  # the page's other forms: the language switcher's
    fill_form(page, {"channel": "phone", "language": "ar", "consent": "on"}, form=start)
    page.locator('input[name=publication][value="anonymous"]').check()
    page.locator(f"{start} button[type=submit]").click()
    page.wait_for_url("**/assist/*/step/0/")
    fill_form(page, {q("applied"): "yes", q("outcome"): "partial"})
    page.locator("button[value=next]").click()
    page.wait_for_url("**/step/1/")
    fill_form(page, {q("priorities"): ["time"], q("proposal"): "ترجمة مجانية", q("consent"): "on"})
    page.locator("button[value=next]").click()
    page.wait_for_url("**/assist/*/review/")
    page.locator("form[action$='/review/'] button[type=submit]").click()
    page.wait_for_url("**/assist/*/done/")
    with server_at_rest:
        answer = Response.objects.get()
    first_receipt = answer.receipt_number
    assert answer.is_submitted and first_receipt in page.content()
    assert too_wide(page) == []
    axe_check(page, "entered answer, change and withdraw, Arabic, 320 px")
    change = page.get_by_role("button", name="تعديل الإجابة")
    withdraw = page.get_by_role("button", name="سحب الإجابة")
    assert change.is_visible() and withdraw.is_visible()

    # "Change the answer", with the keyboard only: a draft again, at its first step.
    tab_to(page, "form[action$='/change/'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/assist/*/step/0/")
    assert "أصبحت الإجابة مسودة مرة أخرى" in page.content()
    with server_at_rest:
        answer.refresh_from_db()
    assert answer.is_draft
    fill_form(page, {q("applied"): "no"})
    page.locator("button[value=next]").click()
    page.wait_for_url("**/step/1/")
    page.locator("button[value=next]").click()
    page.wait_for_url("**/assist/*/review/")
    page.locator("form[action$='/review/'] button[type=submit]").click()
    page.wait_for_url("**/assist/*/done/")
    with server_at_rest:
        answer.refresh_from_db()
    assert answer.is_submitted and answer.answers[q("applied")[2:]] is False
    assert answer.receipt_number != first_receipt and answer.receipt_number in page.content()

    # "Withdraw the answer": back to the facilitators' page, where it is no longer listed.
    tab_to(page, "form[action$='/withdraw/'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/assist/")
    assert "تم سحب الإجابة." in page.content()
    assert answer.receipt_number not in page.content()
    with server_at_rest:
        answer.refresh_from_db()
    assert answer.status == Response.Status.WITHDRAWN
    assert too_wide(page) == []
    context.close()
