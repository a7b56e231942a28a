"""Assisted entry in Chromium: a facilitator enters an answer given at a workshop and finds it
in "what we heard" under its channel."""

import pytest
from browser_helpers import axe_check, fill_form, sign_in, sub
from proof_world import consultation, make_user

pytestmark = pytest.mark.browser


def q(name):
    from consultations.demo_questionnaire import qid

    return f"q-{qid(name)}"


def test_browser_facilitator_enters_workshop_answer_found_in_what_we_heard(
    new_page, live, server_at_rest, mailoutbox
):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    from consultations import assisted

    with server_at_rest:
        page_obj = consultation()
        facilitator = make_user("facilitator@example.org", totp=True, display_name="Fatou")
        group = Group.objects.get_or_create(name=assisted.GROUP)[0]
        GroupPagePermission.objects.create(
            group=group,
            page=page_obj,
            permission=Permission.objects.get(codename=assisted.CODENAME),
        )
        facilitator.groups.add(group)
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
