"""Assignment through algorithms.assign: balanced, conflict-free, expertise preferred; editors'
overrides; reviewers removed mid-round; gaps filled; everything in the audit trail."""

from collections import Counter

import pytest
from review_helpers import full_scores, make_application

from participation.audit.services import history
from participation.review import services
from participation.review.models import Assignment, ConflictDeclaration, Review, ReviewItem

pytestmark = pytest.mark.django_db


def active_pairs(phase):
    return set(
        Assignment.objects.filter(phase=phase, active=True).values_list("item_id", "reviewer_id")
    )


def test_every_item_gets_k_reviewers_with_balanced_loads(world):
    outcome = services.assign_reviewers(world.phase, world.editor, seed=1)
    assert outcome.mode == "full" and outcome.created == 8
    per_item = Counter(i for i, _r in active_pairs(world.phase))
    assert set(per_item.values()) == {2} and len(per_item) == 4
    loads = Counter(r for _i, r in active_pairs(world.phase))
    assert sorted(loads.values()) in ([2, 3, 3], [3, 3, 2])
    assert max(loads.values()) - min(loads.values()) <= 1


def test_automatic_conflicts_are_never_assigned(world, make_user):
    alice = world.reviewers[0]
    # Alice joins the organisation of application 1, and is named in application 2.
    from participation.organisations.models import Membership

    Membership.objects.create(organisation=world.organisation, user=alice.user)
    world.applications[1].nominee_pk = alice.user.pk
    world.applications[1].save()
    services.sync_item(world.process, world.applications[1])
    conflicts = services.conflict_map(world.process)
    assert conflicts.automatic[(world.items[0].pk, alice.pk)] == services.AUTOMATIC_ORGANISATION
    assert conflicts.automatic[(world.items[1].pk, alice.pk)] == services.AUTOMATIC_PERSON
    services.assign_reviewers(world.phase, world.editor)
    pairs = active_pairs(world.phase)
    assert (world.items[0].pk, alice.pk) not in pairs
    assert (world.items[1].pk, alice.pk) not in pairs


def test_the_submitter_is_an_automatic_conflict(world, with_totp):
    applicant = world.applicants[2]
    reviewer = services.add_reviewer(world.process, with_totp(applicant), world.editor)
    conflicts = services.conflict_map(world.process)
    assert conflicts.automatic[(world.items[2].pk, reviewer.pk)] == services.AUTOMATIC_PERSON


def test_declared_conflicts_are_excluded(world):
    bruno = world.reviewers[1]
    services.declare_conflict(
        world.items[3], bruno, ConflictDeclaration.Kind.PERSONAL, actor=bruno.user
    )
    services.assign_reviewers(world.phase, world.editor)
    assert (world.items[3].pk, bruno.pk) not in active_pairs(world.phase)


def test_expertise_is_preferred(world):
    services.assign_reviewers(world.phase, world.editor, seed=3)
    alice = world.reviewers[0]
    alices = {i for i, r in active_pairs(world.phase) if r == alice.pk}
    employment = {item.pk for item in world.items if "employment" in item.tags}
    # Alice (employment) gets the two employment items among her load.
    assert employment <= alices


def test_same_seed_same_assignment(world):
    services.assign_reviewers(world.phase, world.editor, seed=7)
    first = active_pairs(world.phase)
    services.assign_reviewers(world.phase, world.editor, seed=7)
    assert active_pairs(world.phase) == first


def test_manual_pairs_are_kept_and_removed_pairs_not_readded(world):
    alice, bruno, _chiara = world.reviewers
    item = world.items[1]
    manual = services.add_assignment(world.phase, item, bruno, world.editor)
    assert manual.source == Assignment.Source.MANUAL
    services.assign_reviewers(world.phase, world.editor, seed=2)
    assert (item.pk, bruno.pk) in active_pairs(world.phase)
    # The editor takes another item away from Alice; a recomputation does not give it back.
    pair = Assignment.objects.filter(phase=world.phase, reviewer=alice, active=True).first()
    services.remove_assignment(pair, world.editor)
    services.assign_reviewers(world.phase, world.editor, seed=2)
    assert (pair.item_id, alice.pk) not in active_pairs(world.phase)
    actions = [e.action for e in history(world.process)]
    assert {"assignment.added", "assignment.removed", "assignment.run"} <= set(actions)


def test_manual_pair_with_a_conflict_is_refused_until_waived(world):
    chiara = world.reviewers[2]
    item = world.items[0]
    services.declare_conflict(
        item, chiara, ConflictDeclaration.Kind.OTHER, "My former boss", actor=chiara.user
    )
    with pytest.raises(services.ReviewError, match="conflict of interest"):
        services.add_assignment(world.phase, item, chiara, world.editor)
    services.grant_waiver(item, chiara, "Ended ten years ago", world.editor)
    assert services.add_assignment(world.phase, item, chiara, world.editor).active


def test_no_reviewers_is_a_clear_refusal(make_process, world):
    empty = make_process(name="Empty")
    services.sync_item(empty, world.applications[0])
    with pytest.raises(services.ReviewError, match="no reviewers"):
        services.assign_reviewers(empty.phases.get(), world.editor)


def test_no_items_is_a_clear_refusal(make_process, world):
    empty = make_process(name="No items")
    services.add_reviewer(empty, world.reviewers[0].user, world.editor)
    with pytest.raises(services.ReviewError, match="no items"):
        services.assign_reviewers(empty.phases.get(), world.editor)


def test_infeasible_assignment_says_why_and_changes_nothing(world):
    world.process.reviews_per_item = 4  # only 3 reviewers
    world.process.save()
    world.phase.refresh_from_db()
    with pytest.raises(services.ReviewError, match="only 3"):
        services.assign_reviewers(world.phase, world.editor)
    assert not Assignment.objects.exists()


def test_conflicts_leave_too_few_reviewers(world):
    for reviewer in world.reviewers[:2]:
        services.declare_conflict(
            world.items[2], reviewer, ConflictDeclaration.Kind.PERSONAL, actor=reviewer.user
        )
    with pytest.raises(services.ReviewError) as error:
        services.assign_reviewers(world.phase, world.editor)
    assert "Application 3" in str(error.value)
    assert not Assignment.objects.exists()


def test_reviewer_removed_mid_round_keeps_submitted_reviews_and_gaps_are_filled(world):
    services.assign_reviewers(world.phase, world.editor, seed=5)
    alice = world.reviewers[0]
    hers = list(Assignment.objects.filter(phase=world.phase, reviewer=alice, active=True))
    assert len(hers) >= 2
    done, unfinished = hers[0], hers[1:]
    services.save_review(
        done, alice.user, scores=full_scores(4, 12), expected_version=0, submit=True
    )
    services.save_review(unfinished[0], alice.user, scores={"relevance": 1}, expected_version=0)

    outcome = services.remove_reviewer(alice, world.editor)
    assert outcome["kept_submitted"] == 1
    assert outcome["unfinished"] == sorted(a.item.number for a in unfinished)
    assert not Assignment.objects.filter(reviewer=alice, active=True).exists()
    # Her submitted review still exists and still counts; her draft is kept but does not count.
    assert Review.objects.filter(assignment__reviewer=alice).count() == 2
    results = services.phase_results(world.phase)
    assert results.aggregation.by_item()[done.item_id].count == 1

    topped = services.assign_reviewers(world.phase, world.editor)
    assert topped.mode == "top_up" and topped.created == len(unfinished)
    for item in ReviewItem.objects.filter(process=world.process):
        counted = Assignment.objects.filter(phase=world.phase, item=item, active=True).count()
        counted += int(item.pk == done.item_id)
        assert counted == 2, item
    # Nothing was taken from Bruno and Chiara: their earlier pairs are all still there.
    event = history(world.process).filter(action="reviewer.removed").get()
    assert event.data["kept_submitted"] == 1


def test_removed_reviewer_can_be_added_again(world):
    alice = world.reviewers[0]
    services.remove_reviewer(alice, world.editor)
    with pytest.raises(services.ReviewError, match="no longer a reviewer"):
        services.remove_reviewer(alice, world.editor)
    again = services.add_reviewer(world.process, alice.user, world.editor)
    assert again.pk == alice.pk and again.active
    with pytest.raises(services.ReviewError, match="already a reviewer"):
        services.add_reviewer(world.process, alice.user, world.editor)


def test_a_late_item_is_given_reviewers_without_touching_the_others(world):
    services.assign_reviewers(world.phase, world.editor, seed=1)
    first = active_pairs(world.phase)
    review_pair = Assignment.objects.filter(phase=world.phase).first()
    services.save_review(review_pair, review_pair.reviewer.user, scores={}, expected_version=0)
    late = services.sync_item(world.process, make_application(world.call, name="Late Comer"))
    outcome = services.assign_reviewers(world.phase, world.editor, seed=1)
    assert outcome.mode == "top_up" and outcome.created == 2 and outcome.untouched == 4
    after = active_pairs(world.phase)
    assert first <= after and len({r for i, r in after - first if i == late.pk}) == 2
