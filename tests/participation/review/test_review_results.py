"""Results computed from stored reviews with algorithms.aggregate and bootstrap intervals (one
query for the reviews, none per item); shortlists carry items into the next phase."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from review_helpers import full_scores, make_application

from participation.audit.services import history
from participation.review import algorithms, services
from participation.review.models import Assignment, ItemStatus, Review

pytestmark = pytest.mark.django_db


def score_all(world, scores_by_reviewer):
    """Every active assignment gets its reviewer's scores (a function of the item number)."""
    for assignment in Assignment.objects.filter(
        phase__process=world.process, active=True
    ).select_related("item", "reviewer__user", "phase"):
        scores = scores_by_reviewer[assignment.reviewer.name](assignment.item.number)
        services.save_review(
            assignment, assignment.reviewer.user, scores=scores, expected_version=0, submit=True
        )


LENIENCY = {
    "Alice": lambda n: full_scores(min(5, n + 1), 10 + n),  # generous
    "Bruno": lambda n: full_scores(max(0, n - 2), n),  # harsh
    "Chiara": lambda n: full_scores(n % 5, 2 * n),
}


def test_results_match_the_algorithms_on_the_stored_reviews(world):
    services.assign_reviewers(world.phase, world.editor, seed=4)
    score_all(world, LENIENCY)
    results = services.phase_results(world.phase, cutoff=2, seed=3)
    criteria = [c.as_algorithm() for c in services.criteria_of(world.process)]
    reviews = [
        algorithms.Review(
            item=r.assignment.item_id, reviewer=r.assignment.reviewer_id, scores=r.scores
        )
        # In the order phase_results reads them: without it PostgreSQL may return any order.
        for r in Review.objects.select_related("assignment").order_by(
            "assignment__item__number", "assignment__reviewer_id"
        )
    ]
    expected = algorithms.aggregate(reviews, criteria, disagreement_threshold=3.0, cutoff=2)
    assert results.aggregation == expected
    assert results.bootstrap == algorithms.bootstrap_rank_intervals(
        reviews, criteria, cutoff=2, seed=3
    )
    # Rows are ranked by the normalised mean; each row carries its aggregate and interval.
    ranks = [row.aggregate.normalised_rank for row in results.rows]
    assert ranks == sorted(ranks) == [1, 2, 3, 4]
    assert all(
        row.interval.low <= row.aggregate.normalised_rank <= row.interval.high
        for row in results.rows
    )
    names = {results.reviewer_names[s.reviewer] for s in results.aggregation.reviewers}
    assert names == {"Alice", "Bruno", "Chiara"}


def test_disagreement_is_flagged(world):
    item = world.items[0]
    alice, bruno = world.reviewers[:2]
    for reviewer, scores in ((alice, full_scores(5, 20)), (bruno, full_scores(0, 0))):
        assignment = services.add_assignment(world.phase, item, reviewer, world.editor)
        services.save_review(
            assignment, reviewer.user, scores=scores, expected_version=0, submit=True
        )
    row = services.phase_results(world.phase).rows[0]
    assert row.aggregate.spread > 3 and row.aggregate.disagreement


def test_drafts_do_not_count(world):
    alice = world.reviewers[0]
    assignment = services.add_assignment(world.phase, world.items[0], alice, world.editor)
    services.save_review(assignment, alice.user, scores=full_scores(), expected_version=0)
    results = services.phase_results(world.phase)
    assert results.aggregation is None and "No submitted reviews" in results.message


def test_reviews_that_no_longer_fit_the_criteria_are_left_out_and_said_so(world):
    alice = world.reviewers[0]
    assignment = services.add_assignment(world.phase, world.items[0], alice, world.editor)
    services.save_review(
        assignment, alice.user, scores=full_scores(), expected_version=0, submit=True
    )
    world.process.criteria.filter(key="relevance").update(scale_max=2)  # edited afterwards
    results = services.phase_results(world.phase)
    assert results.excluded == [("Application 1", "Alice", "does not fit the current criteria")]


def test_one_query_for_the_reviews_none_per_item(world):
    def grow(n):
        while world.process.items.count() < n:
            services.sync_item(world.process, make_application(world.call, name="More"))
        services.assign_reviewers(world.phase, world.editor, seed=1)
        for assignment in Assignment.objects.filter(
            phase=world.phase, active=True, review__isnull=True
        ):
            services.save_review(
                assignment,
                assignment.reviewer.user,
                scores=full_scores(assignment.item.number % 6, 7),
                expected_version=0,
                submit=True,
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            results = services.phase_results(world.phase, cutoff=3)
        assert results.aggregation is not None
        return len(queries), len(results.rows)

    grow(4)
    small, rows_small = count()
    grow(30)
    large, rows_large = count()
    assert (rows_small, rows_large) == (4, 30)
    assert small == large


def test_shortlist_carries_items_into_the_next_phase(world, make_process):
    process = make_process(name="Award: housing", phases=("scoring", "shortlist", "final"))
    scoring, shortlist, final = process.phases.all()
    items = [services.sync_item(process, application) for application in world.applications]
    alice = services.add_reviewer(process, world.reviewers[0].user, world.editor)
    assert {i.phase for i in items} == {scoring}
    kept, dropped = services.advance(scoring, [items[0].pk, items[2].pk], world.editor)
    assert kept == [1, 3] and dropped == [2, 4]
    assert list(services.phase_items(shortlist)) == [items[0], items[2]]
    assert {i.status for i in process.items.filter(number__in=dropped)} == {
        ItemStatus.NOT_SHORTLISTED
    }
    # Assignment in the next phase only sees the shortlisted items.
    services.add_reviewer(process, world.reviewers[1].user, world.editor)
    process.reviews_per_item = 1
    process.save()
    services.assign_reviewers(shortlist, world.editor)
    assert set(
        Assignment.objects.filter(phase=shortlist).values_list("item__number", flat=True)
    ) == {1, 3}
    services.advance(shortlist, [items[2].pk], world.editor)
    with pytest.raises(services.ReviewError, match="last phase"):
        services.advance(final, [], world.editor)
    assert list(services.phase_items(final)) == [items[2]]
    event = history(process).filter(action="phase.advanced").first()
    assert event.data["kept"] == [1, 3] and event.data["dropped"] == [2, 4]
    assert alice.active


def test_eligibility_screening_screens_out(world, make_process):
    process = make_process(name="Screened call", phases=("eligibility", "scoring"))
    screening = process.phases.get(kind="eligibility")
    items = [services.sync_item(process, application) for application in world.applications[:2]]
    alice = services.add_reviewer(process, world.reviewers[0].user, world.editor)
    for item, verdict in zip(items, (True, False), strict=True):
        assignment = services.add_assignment(screening, item, alice, world.editor)
        services.save_review(
            assignment, alice.user, scores={}, eligible=verdict, expected_version=0, submit=True
        )
    results = services.phase_results(screening)
    assert [(r.eligible_yes, r.eligible_no) for r in results.rows] == [(1, 0), (0, 1)]
    services.advance(screening, [items[0].pk], world.editor)
    items[1].refresh_from_db()
    assert items[1].status == ItemStatus.SCREENED_OUT


def test_reviewer_results_only_when_the_phase_shows_them(world):
    assert services.results_for_reviewer(world.phase, world.reviewers[0]) is None
