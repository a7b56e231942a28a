"""The expert call and the award in Chromium: nominate a third party for the award, and the
nominee confirms from the link in the email; axe-core on each state."""

import pytest
from browser_helpers import axe_check, fill_form, link_in_mail, sign_in
from proof_world import build_world

pytestmark = pytest.mark.browser


def test_nominate_for_the_award_and_nominee_confirms(new_page, live, mailoutbox):
    from awards.models import Nomination

    world = build_world()
    edition, category = world.edition, world.second_category
    page = new_page()
    sign_in(page, live, world.users["stranger"])
    page.goto(edition.url + edition.reverse_subpage("nominate_start"))
    axe_check(page, "nominate: start")
    fill_form(page, {"category": category.pk, "kind": "third_party"})
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/nominate/*/")
    axe_check(page, "nomination form, empty")
    page.locator("main form button[name=action][value=submit]").click()  # nothing filled
    page.wait_for_load_state()
    axe_check(page, "nomination form, with errors")
    fill_form(
        page,
        {
            "nominee_name": "Théâtre des Exilés",
            "nominee_country": "FR",
            "nominee_city": "Lyon",
            "contact_name": "Lina",
            "contact_email": "lina@theatre.example",
            "project_title": "Stories on stage",
            "description": "Refugees and neighbours write plays together.",
            "results": "Forty actors, six plays, two jobs.",
            "publication_consent": "on",
        },
    )
    page.locator("main form button[name=action][value=submit]").click()
    page.wait_for_url("**/done/")
    axe_check(page, "nomination submitted")
    nomination = Nomination.objects.get(nominee_name="Théâtre des Exilés")
    assert nomination.is_submitted and nomination.confirmed_at is None
    assert nomination.receipt_number in page.content()

    message = next(m for m in mailoutbox if m.to == ["lina@theatre.example"])
    nominee = new_page()  # the nominee has no account
    nominee.goto(link_in_mail(message, "/confirm/"))
    assert "Théâtre des Exilés" in nominee.content()
    axe_check(nominee, "nominee confirmation")
    nominee.locator("button[name=answer][value=confirm]").click()
    nominee.wait_for_load_state()
    nomination.refresh_from_db()
    assert nomination.is_confirmed
    axe_check(nominee, "nominee confirmed")


def test_apply_to_the_expert_call(new_page, live, tmp_path):
    from expertgroup.models import Application, SensitiveDeclaration
    from themes.models import Theme

    world = build_world()
    call = world.call
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page = new_page()
    sign_in(page, live, world.users["stranger"])
    page.goto(call.url + call.reverse_subpage("apply_start"))
    axe_check(page, "apply: start")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/details/")
    axe_check(page, "application details, empty")
    page.locator("main form button[name=action][value=next]").click()  # nothing filled
    page.wait_for_load_state()
    axe_check(page, "application details, with errors")
    themes = [str(pk) for pk in Theme.objects.order_by("sort_order").values_list("pk", flat=True)]
    fill_form(
        page,
        {
            "full_name": "Nadia Haddad حداد",
            "profile_type": "academia",
            "expertise": themes[:2],
            "languages": ["ar", "fr"],
            "country": "FR",
            "nationalities": ["SY"],
            "gender": "woman",
            "migrant_background": "refugee",
            "motivation": "I want to bring the voice of refugees.",
            "experience": "I ran a legal clinic for eight years.",
            "cv": str(cv),
        },
    )
    page.locator("main form button[name=action][value=next]").click()
    page.wait_for_url("**/review/")
    axe_check(page, "application review")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    application = Application.objects.get(user=world.users["stranger"])
    assert application.is_submitted and application.receipt_number in page.content()
    assert SensitiveDeclaration.objects.get(application=application).migrant_background == (
        "refugee"
    )
    axe_check(page, "application submitted")


def test_juror_scores_a_nomination_in_the_review_workspace(new_page, live):
    from datetime import timedelta

    from django.utils import timezone

    from participation.review import services as review
    from participation.review.models import Review

    world = build_world()
    process = world.first_category.review_process
    phase = process.phases.get(position=0)
    phase.opens_at = timezone.now() - timedelta(days=1)
    phase.save()
    item = process.items.get(number=1)
    juror = world.users["reviewer_assigned"]
    review.add_assignment(phase, item, process.reviewers.get(user=juror), world.users["editor"])
    page = new_page()
    sign_in(page, live, juror)
    page.goto("/review/")
    axe_check(page, "juror's workspace")
    page.locator(f'main a[href="/review/{process.pk}/items/1/"]').click()
    page.wait_for_load_state()
    page.check("input[name=kind][value=none]")
    page.get_by_role("button", name="Answer").click()
    page.wait_for_load_state()
    assert "Football for All" in page.content() or "NOMINATION" in page.content()
    axe_check(page, "nomination to score")
    criteria = page.evaluate(
        "() => [...new Set([...document.querySelectorAll('input[type=radio][name^=score_]')]"
        ".map(e => e.name))]"
    )
    assert criteria
    for name in criteria:  # every criterion of the category, scored 4 of 5
        page.check(f'input[name="{name}"][value="4"]')
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    assert Review.objects.filter(assignment__item=item).exists(), page.locator("main").inner_text()
    saved = Review.objects.get(assignment__item=item)
    assert set(saved.scores.values()) == {4} and len(saved.scores) == len(criteria)
    assert saved.submitted_at
    # The juror of the other category cannot open it.
    other = new_page()
    sign_in(other, live, world.users["reviewer_unassigned"])
    assert other.goto(f"/review/{process.pk}/items/1/").status == 404
