"""The reviewer workspace on the public site: permission matrix, the conflict question first,
the score form (no JavaScript needed), bad input, and a query count that does not grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from review_helpers import full_scores, make_application

from participation.review import services
from participation.review.models import Assignment, ConflictDeclaration, Phase, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world, make_user):
    """Alice assigned to item 2 (conflict question answered), Bruno reviewer without it,
    Chiara assigned to item 2 too but with a declared conflict."""
    alice, bruno, chiara = world.reviewers
    item = world.items[1]
    services.add_assignment(world.phase, item, alice, world.editor)
    services.add_assignment(world.phase, item, chiara, world.editor)
    services.declare_conflict(item, alice, ConflictDeclaration.Kind.NONE, actor=alice.user)
    services.declare_conflict(item, chiara, ConflictDeclaration.Kind.PERSONAL, actor=chiara.user)
    world.phase.results_visible_to_reviewers = True
    world.phase.save()
    world.item = item
    world.stranger = make_user("stranger@example.org", display_name="Stranger")
    return world


def urls(world):
    p, n = world.process.pk, world.item.number
    return {
        "workspace": ("get", reverse("review:workspace")),
        "item": ("get", reverse("review:item", args=[p, n])),
        "save": ("post", reverse("review:item", args=[p, n])),
        "declare": ("post", reverse("review:declare", args=[p, n])),
        "results": ("get", reverse("review:results", args=[p, world.phase.pk])),
    }


EXPECTED = {
    #            anonymous, stranger, assigned, unassigned, conflicted, editor
    "workspace": (302, 200, 200, 200, 200, 200),
    "item": (302, 404, 200, 404, 403, 404),
    "save": (302, 404, 302, 404, 403, 404),
    "declare": (302, 404, 302, 404, 403, 404),
    "results": (302, 404, 200, 200, 200, 404),
}


@pytest.mark.parametrize("who", range(6))
def test_permission_matrix(client, scene, who):
    people = [
        None,
        scene.stranger,
        scene.reviewers[0].user,
        scene.reviewers[1].user,
        scene.reviewers[2].user,
        scene.editor,
    ]
    if people[who] is not None:
        client.force_login(people[who])
    for name, (method, url) in urls(scene).items():
        data = {"version": 0, "action": "draft", "score_relevance": "3", "kind": "none"}
        response = client.get(url) if method == "get" else client.post(url, data)
        assert response.status_code == EXPECTED[name][who], (name, who)
        if response.status_code == 302 and people[who] is None:
            assert "/accounts/login/" in response.url


def test_refusals_say_why(client, scene):
    client.force_login(scene.reviewers[2].user)
    response = client.get(reverse("review:item", args=[scene.process.pk, scene.item.number]))
    assert "conflict of interest with Application 2" in response.content.decode()
    client.force_login(scene.reviewers[1].user)
    response = client.get(reverse("review:item", args=[scene.process.pk, scene.item.number]))
    assert "not assigned to you" in response.content.decode()
    response = client.get(reverse("review:item", args=[scene.process.pk, 999]))
    assert response.status_code == 404


def test_conflict_question_comes_before_any_content(client, world):
    bruno = world.reviewers[1]
    item = world.items[2]
    services.add_assignment(world.phase, item, bruno, world.editor)
    client.force_login(bruno.user)
    url = reverse("review:item", args=[world.process.pk, item.number])
    page = client.get(url).content.decode()
    assert "any conflict of interest?" in page.lower()
    assert "vocational training" not in page and "Ten years" not in page
    assert 'name="score_relevance"' not in page
    # Posting scores before answering does nothing.
    response = client.post(url, {"version": 0, "action": "submit", "score_relevance": "3"})
    assert "First answer the question" in response.content.decode()
    assert not Review.objects.exists()
    # "Other" without details is refused, with the form kept.
    declare = reverse("review:declare", args=[world.process.pk, item.number])
    response = client.post(declare, {"kind": "other", "details": ""})
    assert response.status_code == 200 and "what the conflict is" in response.content.decode()
    response = client.post(declare, {"kind": "none"})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert "vocational training" in page and 'name="score_relevance"' in page


def test_declaring_a_conflict_takes_the_item_off_the_list(client, world):
    bruno = world.reviewers[1]
    item = world.items[2]
    services.add_assignment(world.phase, item, bruno, world.editor)
    client.force_login(bruno.user)
    declare = reverse("review:declare", args=[world.process.pk, item.number])
    response = client.post(declare, {"kind": "professional"})
    assert response.status_code == 302 and response.url == reverse("review:workspace")
    page = client.get(reverse("review:workspace")).content.decode()
    assert "Application 3 has been taken off your list" in page
    assert reverse("review:item", args=[world.process.pk, item.number]) not in page
    response = client.get(reverse("review:item", args=[world.process.pk, item.number]))
    assert response.status_code == 403


def test_a_conflict_noticed_while_reading_can_still_be_declared(client, scene):
    alice = scene.reviewers[0]
    client.force_login(alice.user)
    url = reverse("review:item", args=[scene.process.pk, scene.item.number])
    page = client.get(url).content.decode()
    assert "I have noticed a conflict of interest" in page
    declare = reverse("review:declare", args=[scene.process.pk, scene.item.number])
    client.post(declare, {"kind": "personal"})
    assert client.get(url).status_code == 403


def review_url(scene):
    return reverse("review:item", args=[scene.process.pk, scene.item.number])


def test_save_draft_then_submit_through_the_form(client, scene):
    client.force_login(scene.reviewers[0].user)
    url = review_url(scene)
    page = client.get(url).content.decode()
    assert 'type="radio" name="score_relevance" value="5"' in page  # 0-5: radios
    assert 'type="number" name="score_experience"' in page and 'max="20"' in page  # 0-20
    assert "How relevant is the experience?" in page  # guidance
    response = client.post(
        url, {"version": 0, "action": "draft", "score_relevance": "4", "comments": "Strong"}
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.scores == {"relevance": 4} and not review.is_submitted
    page = client.get(url).content.decode()
    assert 'value="4" id="id_score_relevance_4" checked' in page
    response = client.post(
        url,
        {
            "version": 1,
            "action": "submit",
            "score_relevance": "4",
            "score_experience": "12,5",
            "comments": "Strong",
        },
    )
    assert response.status_code == 302 and response.url == reverse("review:workspace")
    review.refresh_from_db()
    assert review.is_submitted and review.scores == {"relevance": 4, "experience": 12.5}
    page = client.get(reverse("review:workspace")).content.decode()
    assert '<progress id="progress-' in page and 'value="1"' in page
    assert "1 of 1 done" in page


def test_score_outside_the_scale_keeps_what_was_typed(client, scene):
    client.force_login(scene.reviewers[0].user)
    response = client.post(
        review_url(scene),
        {
            "version": 0,
            "action": "submit",
            "score_relevance": "7",
            "score_experience": "25",
            "comments": "My careful comments",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "must be between 0 and 5; you entered 7" in page
    assert "must be between 0 and 20; you entered 25" in page
    assert 'value="25"' in page and "My careful comments" in page
    assert "Nothing you typed has been lost" in page
    assert not Review.objects.exists()


def test_submit_with_a_missing_score_says_which(client, scene):
    client.force_login(scene.reviewers[0].user)
    response = client.post(
        review_url(scene), {"version": 0, "action": "submit", "score_relevance": "2"}
    )
    assert "Give a score for “Experience” to submit, or save a draft." in response.content.decode()


def test_junk_never_500(client, scene):
    client.force_login(scene.reviewers[0].user)
    for junk in ["x" * 5000, "\x00", "nan", "1e309", "<script>", "-1"]:
        response = client.post(
            review_url(scene),
            {
                "version": junk,
                "action": junk,
                "score_relevance": junk,
                "score_experience": junk,
                "comments": junk,
            },
        )
        assert response.status_code < 500, junk
    for junk in ["", "maybe", "\x00"]:
        response = client.post(
            reverse("review:declare", args=[scene.process.pk, 2]), {"kind": junk, "details": junk}
        )
        assert response.status_code < 500


def test_two_tabs_saving_the_same_review(client, scene):
    client.force_login(scene.reviewers[0].user)
    url = review_url(scene)
    tab_a = {"version": 0, "action": "draft", "score_relevance": "1", "comments": "Tab A text"}
    tab_b = {"version": 0, "action": "draft", "score_relevance": "5", "comments": "Tab B text"}
    assert client.post(url, tab_a).status_code == 302
    response = client.post(url, tab_b)
    page = response.content.decode()
    assert response.status_code == 409
    assert "saved in another window or tab" in page
    assert "Tab A text" in page and "Tab B text" in page  # stored shown, typed kept
    assert Review.objects.get().comments == "Tab A text"
    assert 'name="version" value="1"' in page  # saving again now goes through
    tab_b["version"] = 1
    assert client.post(url, tab_b).status_code == 302
    assert Review.objects.get().comments == "Tab B text"


def test_editing_after_the_round_closed(client, scene):
    client.force_login(scene.reviewers[0].user)
    url = review_url(scene)
    client.post(
        url, {"version": 0, "action": "submit", "score_relevance": "3", "score_experience": "3"}
    )
    Phase.objects.filter(pk=scene.phase.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    page = client.get(url).content.decode()
    assert 'name="score_relevance"' not in page and "Your submitted review" in page
    response = client.post(
        url,
        {
            "version": 1,
            "action": "submit",
            "score_relevance": "1",
            "score_experience": "1",
            "comments": "late thoughts",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "reviews can no longer be changed" in page
    assert "late thoughts" in page  # what was typed is shown, not lost
    assert Review.objects.get().scores == {"relevance": 3, "experience": 3}


def test_removed_reviewer_loses_access_at_once(client, scene):
    alice = scene.reviewers[0]
    client.force_login(alice.user)
    url = review_url(scene)
    client.post(
        url, {"version": 0, "action": "submit", "score_relevance": "3", "score_experience": "3"}
    )
    services.remove_reviewer(alice, scene.editor)
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": 1, "action": "draft"}).status_code == 404
    workspace = client.get(reverse("review:workspace")).content.decode()
    assert "You have no review assignments" in workspace
    assert Review.objects.get().is_submitted


def test_other_reviews_show_only_when_the_phase_allows_and_after_submitting(client, scene):
    bruno = scene.reviewers[1]
    services.add_assignment(scene.phase, scene.item, bruno, scene.editor)
    services.declare_conflict(scene.item, bruno, ConflictDeclaration.Kind.NONE, actor=bruno.user)
    bruno_assignment = Assignment.objects.get(reviewer=bruno, item=scene.item)
    services.save_review(
        bruno_assignment,
        bruno.user,
        scores=full_scores(),
        comments="Opinion of the second reviewer",
        expected_version=0,
        submit=True,
    )
    client.force_login(scene.reviewers[0].user)
    url = review_url(scene)
    client.post(
        url, {"version": 0, "action": "submit", "score_relevance": "3", "score_experience": "3"}
    )
    assert "Opinion of the second reviewer" not in client.get(url).content.decode()
    scene.phase.reviews_visible_to_reviewers = True
    scene.phase.save()
    page = client.get(url).content.decode()
    assert "Opinion of the second reviewer" in page and "Reviewer 1" in page
    assert "Bruno</" not in page  # anonymised


def test_workspace_query_count_does_not_grow_with_assignments(client, world):
    alice = world.reviewers[0]

    def give(n):
        existing = Assignment.objects.filter(reviewer=alice).count()
        for i in range(existing, n):
            item = services.sync_item(world.process, make_application(world.call, name=f"Q{i}"))
            Assignment.objects.create(phase=world.phase, item=item, reviewer=alice)
            if i % 3 == 0:
                ConflictDeclaration.objects.create(item=item, reviewer=alice, kind="none")

    client.force_login(alice.user)
    url = reverse("review:workspace")

    def count():
        client.get(url)  # warm-up (sessions, caches)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    give(3)
    small, page = count()
    assert "0 of 3 done" in page
    give(30)
    large, page = count()
    assert "0 of 30 done" in page
    assert small == large


def test_reviewers_in_an_open_phase_must_use_two_factor(client, world, make_user):
    newcomer = make_user("newcomer@example.org")
    services.add_reviewer(world.process, newcomer, world.editor)
    client.force_login(newcomer)
    response = client.get(reverse("review:workspace"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_reviewers_of_closed_processes_must_too(client, world, make_user):
    """Issue 16.4: a closed phase's items can still be read."""
    Phase.objects.filter(pk=world.phase.pk).update(closes_at=timezone.now() - timedelta(days=1))
    newcomer = make_user("later@example.org")
    services.add_reviewer(world.process, newcomer, world.editor)
    client.force_login(newcomer)
    response = client.get(reverse("review:workspace"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
