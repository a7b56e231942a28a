"""Answering a consultation in Chromium: keyboard only as an individual, as an organisation
drafted by two members and submitted by its administrator, in Arabic right to left; axe-core
on every public page and form state."""

import pytest
from browser_helpers import axe_check, choose_radio, focused_is_visible, sign_in, sub, tab_to
from proof_world import build_world

pytestmark = pytest.mark.browser


def q(name):
    from consultations.demo_questionnaire import qid

    return f"q-{qid(name)}"


def test_consultation_keyboard_only_individual_answer(new_page, live, mailoutbox):
    from consultations.models import Response

    world = build_world()
    person = world.users["stranger"]
    page = new_page()
    sign_in(page, live, person)
    page.goto(world.page.url)
    axe_check(page, "consultation page")
    tab_to(page, 'a[href$="/respond/"]')
    assert focused_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/respond/")
    axe_check(page, "start form")
    tab_to(page, "select[name=country]")
    page.keyboard.type("Germany")
    tab_to(page, "form.stack button[type=submit], form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/step/0/")
    axe_check(page, "step 1, empty")
    # The step numbers sit with their own names: each step's box starts with its number (an
    # outside marker sat against the previous name: "1. Your experience2. Your proposals").
    steps = page.evaluate(
        """() => [...document.querySelectorAll('.questionnaire-steps li')].map(li => {
            const box = li.getBoundingClientRect();
            return [getComputedStyle(li).listStylePosition, box.width > 0];
        })"""
    )
    assert len(steps) >= 2 and all(steps_ == ["inside", True] for steps_ in steps), steps

    # Submitting the step empty: errors, linked and announced, then fixed with the keyboard.
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[role=alert]")
    # Every error message is tied to its question by aria-describedby (fieldset or input).
    unlinked = page.evaluate(
        """() => [...document.querySelectorAll('.errors[id]')].filter(e =>
            !document.querySelector(`[aria-describedby~="${e.id}"]`)).map(e => e.id)"""
    )
    assert page.locator(".errors[id]").count() >= 1 and unlinked == []
    axe_check(page, "step 1, with errors")
    page.keyboard.press("Shift+Tab")  # focus back to the top of the page, then forward again
    choose_radio(page, q("applied"), "yes")
    choose_radio(page, q("outcome"), "partial")
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/step/1/")
    axe_check(page, "step 2, empty")
    tab_to(page, f'input[name="{q("priorities")}"][value=time]')
    page.keyboard.press("Space")
    tab_to(page, f'textarea[name="{q("proposal")}"]')
    page.keyboard.type("Free translation of diplomas — ترجمة مجانية")
    tab_to(page, f'input[name="{q("consent")}"]')
    page.keyboard.press("Space")
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/review/")
    axe_check(page, "review before submitting")
    choose_radio(page, "publication", "anonymous")
    tab_to(page, "form button[type=submit]:not([value])")
    page.keyboard.press("Enter")
    page.wait_for_url("**/done/")
    axe_check(page, "submitted")
    (answer,) = Response.objects.filter(user=person)
    assert answer.is_submitted and answer.receipt_number in page.content()
    assert answer.publication == "anonymous"
    assert "ترجمة مجانية" in str(answer.answers)


def test_consultation_organisation_draft_by_two_members_admin_submits(new_page, live):
    from consultations.models import Response

    world = build_world()
    member, admin = new_page(), new_page()
    sign_in(member, live, world.users["member"])
    sign_in(admin, live, world.users["org_admin"])

    # The member continues the organisation's one draft.
    member.goto(sub(world.page, "respond_step", world.draft.pk, 0))
    member.check(f'input[name="{q("applied")}"][value=no]')
    member.locator("button[value=next]").click()
    member.wait_for_url("**/step/1/")
    member.check(f'input[name="{q("priorities")}"][value=time]')
    member.fill(f'textarea[name="{q("proposal")}"]', "Drafted by the member")
    member.check(f'input[name="{q("consent")}"]')
    member.locator("button[value=save]").click()
    member.wait_for_load_state()

    # The administrator sees the member's text and the change history, and adds to it.
    admin.goto(sub(world.page, "respond_step", world.draft.pk, 1))
    assert admin.locator(f'textarea[name="{q("proposal")}"]').input_value() == (
        "Drafted by the member"
    )
    assert "Member Mo" in admin.content()
    admin.fill(f'textarea[name="{q("proposal")}"]', "Drafted by the member, approved by Ada")
    admin.locator("button[value=next]").click()
    admin.wait_for_url("**/review/")

    # A member cannot submit for the organisation; the administrator can.
    member.goto(sub(world.page, "respond_review", world.draft.pk))
    axe_check(member, "organisation review as member")
    assert member.locator("form button[type=submit]", has_text="Submit on behalf").count() == 0
    admin.reload()
    admin.check("input[name=publication][value=named]")
    admin.locator("form button[type=submit]", has_text="Submit on behalf").click()
    admin.wait_for_url("**/done/")
    draft = Response.objects.get(pk=world.draft.pk)
    assert draft.is_submitted and draft.organisation == world.org
    assert "approved by Ada" in str(draft.answers)


PUBLIC = [
    "/",
    "/organisations/",
    "/themes/",
    "/search/?q=recognition",
    "/accounts/login/",
    "/accounts/password/reset/",
]


def test_public_pages_pass_axe_in_english_and_arabic(new_page, live):
    from consultations.models import Response

    world = build_world()
    Response.objects.filter(pk=world.mine.pk).update(publication="named", moderation="approved")
    page = new_page()
    pages = PUBLIC + [
        world.page.get_parent().url,
        world.page.url,
        world.page.url + "what-we-heard/",
        world.page.url + "responses/",
        f"/organisations/{world.org.slug}/",
    ]
    from themes.models import Theme

    theme = Theme.objects.first()
    if theme is not None:
        pages.append(f"/themes/{theme.slug}/")
    for url in pages:
        for prefix in ("", "/ar"):
            response = page.goto(prefix + url)
            assert response.status == 200, prefix + url
            axe_check(page, prefix + url)
    # A form with errors: sign-in with a wrong password.
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "nobody@example.org")
    page.fill("input[name=password]", "wrong")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    axe_check(page, "sign-in with errors")


def test_arabic_switch_gives_a_right_to_left_layout(new_page, live):
    world = build_world()
    page = new_page()
    page.goto(world.page.url)
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.locator("nav.languages summary").click()  # the switcher is a disclosure
    page.locator('nav.languages a[lang="ar"]').click()
    page.wait_for_load_state()
    assert page.url.startswith(live.url + "/ar/")
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # Layout really mirrored: the menu runs from the right edge (its first entry rightmost)...
    entries = page.evaluate(
        """() => [...document.querySelectorAll('nav.primary-nav li')].map(
            li => li.getBoundingClientRect().left)"""
    )
    assert len(entries) >= 2 and entries[0] > entries[-1], entries
    # ...while the consultation, written in English only, keeps its own language and direction.
    heading = page.evaluate(
        """() => { const h = document.querySelector('main h1'), marked = h.closest('[lang]');
        return [marked.lang, getComputedStyle(h).direction]; }"""
    )
    assert heading == ["en", "ltr"], heading
    assert "الاستشارة" in page.content() or page.locator("main").count() == 1
    axe_check(page, "consultation in Arabic")
