"""Editors' side in the Wagtail admin: every page renders, only editors get in, and each action
(assign, override, waive, shortlist, quotas, run, apply) goes through and is audited."""

import pytest
from django.urls import reverse
from review_helpers import full_scores

from participation.audit.services import history
from participation.review import services
from participation.review.models import (
    Assignment,
    ConflictDeclaration,
    Phase,
    Quota,
    Reviewer,
    ReviewProcess,
    SelectionRun,
    Waiver,
)

pytestmark = pytest.mark.django_db


def admin_urls(world):
    p, phase = world.process.pk, world.phase.pk
    return [
        reverse("review_admin:index"),
        reverse("review_admin:process", args=[p]),
        reverse("review_admin:items", args=[p]),
        reverse("review_admin:reviewers", args=[p]),
        reverse("review_admin:reviewer_edit", args=[p, world.reviewers[0].pk]),
        reverse("review_admin:assignments", args=[p, phase]),
        reverse("review_admin:results", args=[p, phase]),
        reverse("review_admin:conflicts", args=[p]),
        reverse("review_admin:selection", args=[p]),
        reverse("review_admin:audit", args=[p]),
        reverse("review_processes:edit", args=[p]),
        reverse("review_processes:add"),
    ]


@pytest.fixture
def busy(world):
    """Assigned, partly reviewed, a conflict and a selection run."""
    services.assign_reviewers(world.phase, world.editor, seed=1)
    for assignment in Assignment.objects.filter(phase=world.phase, active=True)[:6]:
        services.save_review(
            assignment,
            assignment.reviewer.user,
            scores=full_scores(assignment.item.number % 6, 9),
            expected_version=0,
            submit=True,
        )
    services.declare_conflict(
        world.items[3],
        world.reviewers[2],
        ConflictDeclaration.Kind.OTHER,
        "Neighbour",
        world.reviewers[2].user,
    )
    Quota.objects.create(process=world.process, attribute="gender", value="f", min=1)
    world.run = services.run_selection(world.phase, 2, world.editor)
    return world


def test_every_editor_page_renders(client, busy):
    client.force_login(busy.editor)
    for url in admin_urls(busy) + [
        reverse("review_admin:selection_run", args=[busy.process.pk, busy.run.pk]),
        reverse("review_admin:results", args=[busy.process.pk, busy.phase.pk]) + "?cutoff=2&seed=4",
        reverse("review_admin:audit", args=[busy.process.pk]) + "?action=review.",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("review_admin:process", args=[busy.process.pk])).content.decode()
    assert "Migrant Expert Group 2026" in page and "Alice" in page


@pytest.mark.parametrize("who", ["anonymous", "member", "reviewer", "staff_without_permission"])
def test_only_editors_get_in(client, world, make_user, with_totp, who):
    if who == "member":
        client.force_login(make_user("member@example.org"))
    elif who == "reviewer":
        client.force_login(world.reviewers[0].user)
    elif who == "staff_without_permission":
        staff = with_totp(make_user("staff@example.org", is_staff=True))
        from django.contrib.auth.models import Permission

        staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(staff)
    for url in admin_urls(world):
        response = client.get(url)
        assert response.status_code in (302, 403), (who, url)
        if response.status_code == 302:
            assert "login" in response.url or response.url.startswith("/admin")
    response = client.get(reverse("review_admin:score_sheet", args=[world.process.pk, "csv"]))
    assert response.status_code in (302, 403)
    assert b"Relevance" not in response.content


def test_editor_runs_assignment_adds_and_removes_pairs(client, world):
    client.force_login(world.editor)
    url = reverse("review_admin:assignments", args=[world.process.pk, world.phase.pk])
    response = client.post(url, {"action": "run", "seed": "3"}, follow=True)
    assert "8 assignments made" in response.content.decode()
    pair = Assignment.objects.filter(phase=world.phase, active=True).first()
    client.post(url, {"action": "remove", "assignment": pair.pk})
    pair.refresh_from_db()
    assert not pair.active
    response = client.post(
        url,
        {"action": "add", "manual-item": pair.item_id, "manual-reviewer": pair.reviewer_id},
        follow=True,
    )
    pair.refresh_from_db()
    assert pair.active and pair.source == Assignment.Source.MANUAL
    response = client.post(
        url,
        {"action": "add", "manual-item": pair.item_id, "manual-reviewer": pair.reviewer_id},
        follow=True,
    )
    assert "already reviews" in response.content.decode()
    response = client.post(url, {"action": "run", "seed": "-4"})
    assert response.status_code == 200  # form error, not a 500
    assert client.post(url, {"action": "junk"}).status_code == 404
    actions = {e.action for e in history(world.process)}
    assert {"assignment.run", "assignment.removed", "assignment.added"} <= actions


def test_no_reviewers_is_shown_not_crashed(client, world, make_process):
    empty = make_process(name="Nobody yet")
    services.sync_item(empty, world.applications[0])
    client.force_login(world.editor)
    url = reverse("review_admin:assignments", args=[empty.pk, empty.phases.get().pk])
    response = client.post(url, {"action": "run", "seed": "0"}, follow=True)
    assert "no reviewers in this process yet" in response.content.decode()


def test_editor_adds_edits_and_removes_reviewers(client, world, make_user):
    newcomer = make_user("dina@example.org", display_name="Dina", languages_spoken=["fr", "ar"])
    client.force_login(world.editor)
    url = reverse("review_admin:reviewers", args=[world.process.pk])
    response = client.post(url, {"email": "nobody@example.org", "role": "member"})
    assert "No account uses this address" in response.content.decode()
    client.post(
        url,
        {
            "email": "DINA@example.org",
            "role": "chair",
            "expertise": "housing, health",
            "languages": "",
        },
    )
    dina = Reviewer.objects.get(user=newcomer)
    assert dina.role == "chair" and dina.expertise == ["housing", "health"]
    assert dina.languages == ["fr", "ar"]  # from the profile
    edit = reverse("review_admin:reviewer_edit", args=[world.process.pk, dina.pk])
    client.post(edit, {"role": "member", "expertise": "education", "languages": "fr"})
    dina.refresh_from_db()
    assert dina.expertise == ["education"] and dina.role == "member"
    response = client.post(edit, {"action": "remove"}, follow=True)
    dina.refresh_from_db()
    assert not dina.active and "has been removed" in response.content.decode()
    assert {"reviewer.added", "reviewer.changed", "reviewer.removed"} <= {
        e.action for e in history(world.process)
    }


def test_editor_grants_and_revokes_a_waiver(client, world):
    item, chiara = world.items[0], world.reviewers[2]
    services.declare_conflict(item, chiara, ConflictDeclaration.Kind.PERSONAL, actor=chiara.user)
    client.force_login(world.editor)
    url = reverse("review_admin:conflicts", args=[world.process.pk])
    page = client.get(url).content.decode()
    assert "A family or personal relation" in page
    assert "Member of the organisation" not in page
    response = client.post(url, {"item": item.pk, "reviewer": chiara.pk, "reason": ""})
    assert response.status_code == 200 and Waiver.objects.count() == 0
    client.post(url, {"item": item.pk, "reviewer": chiara.pk, "reason": "Distant cousin"})
    waiver = Waiver.objects.get()
    assert waiver.granted_by == world.editor
    client.post(url, {"action": "revoke", "waiver": waiver.pk})
    assert not Waiver.objects.exists()


def test_automatic_conflicts_are_listed_for_editors(client, world, with_totp):
    services.add_reviewer(world.process, with_totp(world.applicants[0]), world.editor)
    client.force_login(world.editor)
    page = client.get(reverse("review_admin:conflicts", args=[world.process.pk])).content.decode()
    assert "Submitted it or is named in it" in page


def test_results_page_shows_both_rankings_and_moves_the_shortlist_on(client, world, make_process):
    process = make_process(name="Two rounds", phases=("scoring", "final"), k=1)
    scoring = process.phases.get(kind="scoring")
    alice = services.add_reviewer(process, world.reviewers[0].user, world.editor)
    items = [services.sync_item(process, a) for a in world.applications]
    for item in items:
        assignment = services.add_assignment(scoring, item, alice, world.editor)
        services.save_review(
            assignment,
            alice.user,
            scores=full_scores(item.number, 10),
            expected_version=0,
            submit=True,
        )
    client.force_login(world.editor)
    url = reverse("review_admin:results", args=[process.pk, scoring.pk])
    page = client.get(url + "?cutoff=2").content.decode()
    assert "Rank (raw)" in page and "Rank (normalised)" in page and "Rank interval" in page
    assert page.count('name="keep"') == 4 and page.count("checked") >= 2
    client.post(url, {"keep": [items[3].pk, items[2].pk]})
    final = process.phases.get(kind="final")
    assert set(services.phase_items(final)) == {items[2], items[3]}
    response = client.post(url, {"keep": ["x"]}, follow=True)
    assert response.status_code == 200


def test_selection_pages_store_runs_show_infeasibility_and_apply(client, world):
    for assignment in [
        services.add_assignment(world.phase, item, world.reviewers[0], world.editor)
        for item in world.items
    ]:
        services.save_review(
            assignment,
            assignment.reviewer.user,
            scores=full_scores(assignment.item.number, 5),
            expected_version=0,
            submit=True,
        )
    client.force_login(world.editor)
    url = reverse("review_admin:selection", args=[world.process.pk])
    data = {
        "action": "quotas",
        "quotas-TOTAL_FORMS": "1",
        "quotas-INITIAL_FORMS": "0",
        "quotas-MIN_NUM_FORMS": "0",
        "quotas-MAX_NUM_FORMS": "1000",
        "quotas-0-attribute": "gender",
        "quotas-0-value": "f",
        "quotas-0-min": "9",
        "quotas-0-max": "",
    }
    client.post(url, data)
    assert Quota.objects.get().min == 9
    bad = dict(data, **{"quotas-0-min": "5", "quotas-0-max": "2"})
    response = client.post(url, bad)
    assert "cannot be below" in response.content.decode()
    response = client.post(
        url,
        {"action": "run", "phase": world.phase.pk, "n": "2", "basis": "normalised", "seed": ""},
        follow=True,
    )
    page = response.content.decode()
    run = SelectionRun.objects.get()
    assert not run.feasible
    assert "No selection meets the quotas" in page
    assert "gender = f: lower “at least” from 9 to 2" in page
    run_url = reverse("review_admin:selection_run", args=[world.process.pk, run.pk])
    client.post(run_url, {"action": "relax"})
    assert Quota.objects.get().min == 2
    client.post(
        url, {"action": "run", "phase": world.phase.pk, "n": "2", "basis": "raw", "seed": "5"}
    )
    run = SelectionRun.objects.filter(feasible=True).get()
    run_url = reverse("review_admin:selection_run", args=[world.process.pk, run.pk])
    page = client.get(run_url).content.decode()
    assert "Price of diversity" in page and "Reserve list" in page
    assert "Replacement if they withdraw" in page
    response = client.post(run_url, {"action": "verify"}, follow=True)
    assert "the same result" in response.content.decode()
    client.post(run_url, {"action": "apply"})
    run.refresh_from_db()
    assert run.applied_at is not None
    assert world.process.items.filter(status="selected").count() == 2


def test_process_is_created_with_phases_and_criteria_in_the_admin(client, world):
    client.force_login(world.editor)
    data = {
        "name": "Award: education",
        "item_noun": "Nomination",
        "blind": "on",
        "identifying_fields": "website, nominee",
        "reviews_per_item": "3",
        "disagreement_threshold": "",
        "seats": "1",
        "phases-TOTAL_FORMS": "1",
        "phases-INITIAL_FORMS": "0",
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "1000",
        "phases-0-kind": "scoring",
        "phases-0-name": "Jury",
        "phases-0-position": "0",
        "phases-0-opens_at": "2026-01-01 09:00",
        "phases-0-closes_at": "2026-02-01 18:00",
        "phases-0-reviews_per_item": "",
        "phases-0-ORDER": "1",
        "phases-0-DELETE": "",
        "phases-0-id": "",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-key": "impact",
        "criteria-0-name": "Impact",
        "criteria-0-guidance": "",
        "criteria-0-position": "0",
        "criteria-0-scale_min": "0",
        "criteria-0-scale_max": "10",
        "criteria-0-weight": "1",
        "criteria-0-counts_in_total": "on",
        "criteria-0-ORDER": "1",
        "criteria-0-DELETE": "",
        "criteria-0-id": "",
    }
    response = client.post(reverse("review_processes:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    process = ReviewProcess.objects.get(name="Award: education")
    assert process.identifying_fields == ["website", "nominee"]
    assert Phase.objects.get(process=process).name == "Jury"
    assert process.criteria.get().key == "impact"


@pytest.mark.parametrize("junk", ["abc", "", "-1", "9" * 40, "\x00", "<script>"])
def test_junk_posted_to_editor_pages_never_500(client, busy, junk):
    client.force_login(busy.editor)
    p, phase = busy.process.pk, busy.phase.pk
    posts = [
        (
            reverse("review_admin:assignments", args=[p, phase]),
            {"action": "remove", "assignment": junk},
        ),
        (
            reverse("review_admin:assignments", args=[p, phase]),
            {"action": "add", "manual-item": junk, "manual-reviewer": junk},
        ),
        (reverse("review_admin:assignments", args=[p, phase]), {"action": "run", "seed": junk}),
        (reverse("review_admin:conflicts", args=[p]), {"action": "revoke", "waiver": junk}),
        (
            reverse("review_admin:conflicts", args=[p]),
            {"item": junk, "reviewer": junk, "reason": junk},
        ),
        (reverse("review_admin:results", args=[p, phase]), {"keep": [junk]}),
        (
            reverse("review_admin:selection", args=[p]),
            {"action": "run", "phase": junk, "n": junk, "basis": junk, "seed": junk},
        ),
        (reverse("review_admin:selection", args=[p]), {"action": "quotas"}),
        (reverse("review_admin:selection_run", args=[p, busy.run.pk]), {"action": junk}),
        (reverse("review_admin:reviewers", args=[p]), {"email": junk, "role": junk}),
        (
            reverse("review_admin:reviewer_edit", args=[p, busy.reviewers[0].pk]),
            {"role": junk, "expertise": junk * 3, "languages": junk},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code < 500, (url, data)
    for url in [
        reverse("review_admin:results", args=[p, phase]) + f"?cutoff={junk}&seed={junk}",
        reverse("review_admin:items", args=[p]) + f"?status={junk}&page={junk}",
        reverse("review_admin:audit", args=[p]) + f"?action={junk}&page={junk}",
    ]:
        assert client.get(url).status_code < 500, url
    assert Reviewer.objects.get(pk=busy.reviewers[0].pk).active
