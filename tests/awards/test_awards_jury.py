"""Juries per category with the engine: rounds, import, the permission matrix, notes, ranking."""

import pytest
from django.urls import reverse

from awards import services
from awards.models import DeliberationNote
from participation.review import services as review
from participation.review.models import ConflictDeclaration, Phase, Review

pytestmark = pytest.mark.django_db


def test_each_category_gets_its_own_process_with_three_rounds(juried):
    first, second = juried.first, juried.second
    assert first.review_process_id != second.review_process_id
    assert first.review_process.owner == first
    kinds = list(first.review_process.phases.values_list("kind", "name"))
    assert kinds == [
        (Phase.Kind.SCORING, "Longlist"),
        (Phase.Kind.SHORTLIST, "Shortlist"),
        (Phase.Kind.FINAL, "Winners"),
    ]
    assert first.review_process.items.count() == 3
    # Importing again adds nothing (numbers never change).
    assert services.import_nominations(first, juried.editor) == 3
    assert first.review_process.items.count() == 3


def _open_first_round(juried):
    from datetime import timedelta

    from django.utils import timezone

    phase = juried.first.review_process.phases.get(position=0)
    phase.opens_at = timezone.now() - timedelta(days=1)
    phase.save()
    return phase


def test_jury_permission_matrix(client, juried, make_user):
    """Item of category 1: its assigned juror 200; its other juror (not assigned) 404; the juror
    of category 2 (by URL) 404; a stranger 404; anonymous to the login. Jury notes likewise."""
    phase = _open_first_round(juried)
    item = juried.first.review_process.items.get(number=1)
    review.add_assignment(phase, item, juried.reviewers[0], juried.editor)
    review.declare_conflict(
        item, juried.reviewers[0], ConflictDeclaration.Kind.NONE, actor=juried.jurors[0]
    )
    item_url = reverse("review:item", args=[juried.first.review_process_id, item.number])
    notes_url = juried.edition.route_url("jury_notes", juried.first.pk)
    stranger = make_user("stranger@example.org")
    expected = [
        # who, open the item, score it by URL, jury notes
        (None, 302, 302, 302),
        (stranger, 404, 404, 404),
        (juried.jurors[0], 200, 302, 200),
        (juried.jurors[1], 404, 404, 200),
        (juried.jurors[2], 404, 404, 404),  # juror of the other category
        (juried.editor, 404, 404, 200),
    ]
    data = {"version": 0, "action": "draft", "score_impact": "5"}
    for who, item_status, score_status, notes_status in expected:
        client.logout()
        if who is not None:
            client.force_login(who)
        assert client.get(item_url).status_code == item_status, who
        assert client.post(item_url, data).status_code == score_status, who
        assert client.get(notes_url).status_code == notes_status, who
    assert Review.objects.get().assignment.reviewer == juried.reviewers[0]
    assert not Review.objects.filter(assignment__reviewer=juried.reviewers[2]).exists()


def test_juror_of_another_category_cannot_score_it_through_the_service(juried):
    phase = _open_first_round(juried)
    item = juried.first.review_process.items.get(number=2)
    with pytest.raises(review.NotAssigned):
        review.access(juried.jurors[2], juried.first.review_process_id, item.number)
    assert phase.assignments.count() == 0


def test_deliberation_notes_by_jurors(client, juried):
    client.force_login(juried.jurors[1])
    url = juried.edition.route_url("jury_notes", juried.first.pk)
    response = client.post(url, {"text": "We agreed to read all evidence twice.", "phase": ""})
    assert response.status_code == 302
    note = DeliberationNote.objects.get()
    assert note.author == juried.jurors[1] and note.category == juried.first
    page = client.get(url).content.decode()
    assert "read all evidence twice" in page
    empty = client.post(url, {"text": "   "})
    assert empty.status_code == 200 and DeliberationNote.objects.count() == 1
    other = juried.edition.route_url("jury_notes", juried.second.pk)
    assert client.get(other).status_code == 404
    assert client.get(juried.edition.url + "jury/99999999/").status_code == 404


def _score_all(juried):
    phase = _open_first_round(juried)
    items = list(juried.first.review_process.items.order_by("number"))
    for reviewer, offset in zip(juried.reviewers[:2], (0, 1), strict=True):
        for n, item in enumerate(items):
            review.add_assignment(phase, item, reviewer, juried.editor)
            review.declare_conflict(
                item, reviewer, ConflictDeclaration.Kind.NONE, actor=reviewer.user
            )
            assignment = item.assignments.get(reviewer=reviewer, phase=phase)
            score = min(5, n + offset)
            review.save_review(
                assignment,
                reviewer.user,
                scores={"impact": score, "participation": score, "sustainability": score},
                expected_version=0,
                submit=True,
            )
    return phase


def test_ranking_and_outcomes_chosen_by_editors(client, juried):
    _score_all(juried)
    results, rows = services.ranking(juried.first)
    assert results is not None and len(rows) == 3
    client.force_login(juried.editor)
    url = reverse("awards_admin:category", args=[juried.first.pk])
    page = client.get(url)
    assert page.status_code == 200
    best = rows[0][1]
    data = {f"outcome-{n.pk}": "shortlisted" for n in juried.nominations}
    data[f"outcome-{best.pk}"] = "winner"
    data[f"citation-{best.pk}"] = "For bringing a town together."
    # A nomination of another category posted here is ignored.
    data[f"outcome-{juried.others[0].pk}"] = "winner"
    response = client.post(url, data)
    assert response.status_code == 302
    best.refresh_from_db()
    assert best.outcome == "winner" and best.citation.startswith("For bringing")
    juried.others[0].refresh_from_db()
    assert juried.others[0].outcome == ""
    bad = client.post(url, {f"outcome-{best.pk}": "emperor"})
    assert bad.status_code == 302
    best.refresh_from_db()
    assert best.outcome == "winner"


def test_admin_pages_need_the_review_permission(client, juried):
    client.force_login(juried.jurors[0])
    for url in (
        reverse("awards_admin:edition", args=[juried.edition.pk]),
        reverse("awards_admin:category", args=[juried.first.pk]),
    ):
        assert client.get(url).status_code in (302, 403)


def test_edition_dashboard_query_count_does_not_grow(
    client, juried, make_nomination, django_assert_max_num_queries
):
    client.force_login(juried.editor)
    url = reverse("awards_admin:edition", args=[juried.edition.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        assert client.get(url).status_code == 200
    for i in range(8):
        make_nomination(juried.edition, juried.first, f"Extra {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_import_from_the_dashboard_and_hostile_category(client, edition, make_nomination, editor):
    make_nomination(edition)
    client.force_login(editor)
    url = reverse("awards_admin:edition", args=[edition.pk])
    response = client.post(url, {"action": "import", "category": edition.categories.first().pk})
    assert response.status_code == 302
    assert edition.categories.first().review_process.items.count() == 1
    assert client.post(url, {"action": "import", "category": "abc"}).status_code == 404
    assert client.post(url, {"action": "nonsense"}).status_code == 302


def test_jurors_request_their_category_booklet_only(client, juried):
    from participation.documents.models import GeneratedDocument

    phase = juried.first.review_process.phases.get(position=0)
    url = reverse("documents:request", args=["awards.jury_booklet"])
    client.force_login(juried.jurors[0])
    page = client.get(juried.edition.route_url("jury_notes", juried.first.pk)).content.decode()
    assert "Jury booklets" in page and url in page
    own = {"category": juried.first.pk, "phase": phase.pk, "viewer": juried.reviewers[0].pk}
    assert f'name="viewer" value="{juried.reviewers[0].pk}"' in page
    response = client.post(url, own)
    assert response.status_code == 302
    assert GeneratedDocument.objects.filter(kind="awards.jury_booklet").count() == 1
    client.force_login(juried.jurors[2])  # the other category's juror
    response = client.post(url, {"category": juried.first.pk, "phase": phase.pk})
    assert response.status_code in (403, 404)
    response = client.post(url, own)
    assert response.status_code in (403, 404)
    assert GeneratedDocument.objects.filter(kind="awards.jury_booklet").count() == 1
