"""Saving reviews (service level): scale checks, drafts and submission, closed phases, two tabs,
score changes in the audit trail."""

from datetime import timedelta

import pytest
from django.utils import timezone
from review_helpers import full_scores

from participation.audit.services import history
from participation.review import services
from participation.review.models import Phase, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world):
    alice = world.reviewers[0]
    return services.add_assignment(world.phase, world.items[1], alice, world.editor)


def test_draft_then_submit(pair, world):
    user = pair.reviewer.user
    draft = services.save_review(
        pair, user, scores={"relevance": 4}, comments="half", expected_version=0
    )
    assert draft.status == Review.Status.DRAFT and draft.version == 1
    done = services.save_review(
        pair,
        user,
        scores=full_scores(4, 15, note=2),
        comments="all",
        expected_version=1,
        submit=True,
    )
    assert done.is_submitted and done.submitted_at and done.version == 2
    assert done.scores == {"relevance": 4, "experience": 15, "note": 2}
    assert services.review_total(done, services.criteria_of(world.process)) == 2 * 4 + 15
    actions = [e.action for e in history(world.process)]
    assert "review.draft_saved" in actions and "review.submitted" in actions


def test_score_outside_the_scale_is_refused_with_a_clear_message(pair):
    with pytest.raises(services.ScoreError) as error:
        services.save_review(
            pair,
            pair.reviewer.user,
            scores=full_scores(relevance=7),
            expected_version=0,
            submit=True,
        )
    assert error.value.errors == {
        "relevance": "The score for “Relevance” must be between 0 and 5; you entered 7."
    }
    assert not Review.objects.exists()


def test_not_counted_criteria_are_still_checked(pair):
    with pytest.raises(services.ScoreError) as error:
        services.save_review(
            pair, pair.reviewer.user, scores=full_scores(note=9), expected_version=0
        )
    assert set(error.value.errors) == {"note"}


def test_submit_needs_every_counted_score_but_a_draft_does_not(pair):
    user = pair.reviewer.user
    with pytest.raises(services.ScoreError) as error:
        services.save_review(pair, user, scores={"relevance": 2}, expected_version=0, submit=True)
    assert set(error.value.errors) == {"experience"}
    draft = services.save_review(pair, user, scores={"relevance": 2}, expected_version=0)
    assert draft.scores == {"relevance": 2}


def test_unknown_criteria_are_refused(pair):
    with pytest.raises(services.ScoreError, match="no criterion"):
        services.save_review(pair, pair.reviewer.user, scores={"charm": 3}, expected_version=0)


def test_two_tabs_never_overwrite_each_other(pair):
    user = pair.reviewer.user
    services.save_review(pair, user, scores={"relevance": 1}, expected_version=0)  # tab A
    with pytest.raises(services.ReviewEditConflict) as error:  # tab B loaded version 0
        services.save_review(pair, user, scores={"relevance": 5}, expected_version=0)
    assert error.value.current.scores == {"relevance": 1}
    assert Review.objects.get().scores == {"relevance": 1}
    # Having compared, tab B saves against the version now stored.
    again = services.save_review(
        pair, user, scores={"relevance": 5}, expected_version=error.value.current.version
    )
    assert again.scores == {"relevance": 5}


def test_editing_after_the_phase_closed_is_refused(pair, world):
    user = pair.reviewer.user
    services.save_review(pair, user, scores=full_scores(), expected_version=0, submit=True)
    Phase.objects.filter(pk=world.phase.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.PhaseClosed, match="closed on"):
        services.save_review(pair, user, scores=full_scores(1, 1), expected_version=1)
    assert Review.objects.get().scores == full_scores()


def test_before_the_phase_opens_nothing_is_saved(pair, world):
    Phase.objects.filter(pk=world.phase.pk).update(opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(services.PhaseClosed, match="not opened"):
        services.save_review(pair, pair.reviewer.user, scores={}, expected_version=0)


def test_changes_after_submission_are_recorded_with_old_and_new_scores(pair, world):
    user = pair.reviewer.user
    services.save_review(pair, user, scores=full_scores(3, 10), expected_version=0, submit=True)
    services.save_review(
        pair, user, scores=full_scores(5, 10), expected_version=1, comments="changed my mind"
    )
    review = Review.objects.get()
    assert review.is_submitted and review.scores["relevance"] == 5
    event = history(world.process).filter(action="review.changed").get()
    assert event.data["changes"] == {"relevance": [3, 5]} and event.data["comments_changed"]
    # A submitted review stays complete: dropping a counted score is refused.
    with pytest.raises(services.ScoreError):
        services.save_review(pair, user, scores={"relevance": 5}, expected_version=2)


def test_someone_else_cannot_save_it(pair, world):
    with pytest.raises(services.NotAssigned):
        services.save_review(pair, world.reviewers[1].user, scores={}, expected_version=0)


def test_removed_reviewer_cannot_save_but_the_submitted_review_stays(pair, world):
    user = pair.reviewer.user
    services.save_review(pair, user, scores=full_scores(), expected_version=0, submit=True)
    services.remove_reviewer(pair.reviewer, world.editor)
    with pytest.raises(services.NotAssigned):
        services.save_review(pair, user, scores=full_scores(1, 1), expected_version=1)
    assert Review.objects.get().scores == full_scores()


def test_eligibility_phase_asks_yes_or_no(world, make_process):
    process = make_process(name="Screened", phases=("eligibility", "scoring"))
    alice = services.add_reviewer(process, world.reviewers[0].user, world.editor)
    item = services.sync_item(process, world.applications[0])
    phase = process.phases.get(kind="eligibility")
    assignment = services.add_assignment(phase, item, alice, world.editor)
    with pytest.raises(services.ScoreError, match="eligible"):
        services.save_review(assignment, alice.user, scores={}, expected_version=0, submit=True)
    review = services.save_review(
        assignment,
        alice.user,
        scores={"relevance": 3},
        eligible=True,
        expected_version=0,
        submit=True,
    )
    assert review.eligible is True and review.scores == {}


def test_parse_score_reads_what_people_type():
    assert services.parse_score("4") == 4
    assert services.parse_score(" 3,5 ") == 3.5
    assert services.parse_score("") is None
    for bad in ("nan", "inf", "four"):
        with pytest.raises(ValueError):
            services.parse_score(bad)
