"""The typed conflict register: declared before content, automatic from data, waivers by editors,
all in the audit trail; a conflict bars scoring and hides results."""

import pytest
from review_helpers import full_scores

from participation.audit.services import history
from participation.review import services
from participation.review.models import Assignment, ConflictDeclaration, Waiver

pytestmark = pytest.mark.django_db

Kind = ConflictDeclaration.Kind


@pytest.fixture
def assigned(world):
    services.assign_reviewers(world.phase, world.editor, seed=1)
    return world


def an_assignment(world, reviewer):
    return Assignment.objects.filter(phase=world.phase, reviewer=reviewer, active=True).first()


def test_other_needs_details(world):
    with pytest.raises(services.ReviewError, match="what the conflict is"):
        services.declare_conflict(world.items[0], world.reviewers[0], Kind.OTHER, "  ")


def test_unknown_kind_is_refused(world):
    with pytest.raises(services.ReviewError):
        services.declare_conflict(world.items[0], world.reviewers[0], "cousin")


def test_no_conflict_then_conflict_withdraws_the_assignment(assigned):
    world = assigned
    bruno = world.reviewers[1]
    assignment = an_assignment(world, bruno)
    services.declare_conflict(assignment.item, bruno, Kind.NONE, actor=bruno.user)
    services.declare_conflict(
        assignment.item, bruno, Kind.PROFESSIONAL, "They fund my NGO", actor=bruno.user
    )
    assignment.refresh_from_db()
    assert not assignment.active
    events = history(world.process).filter(action="conflict.declared")
    assert [e.data["kind"] for e in events] == ["none", "professional"]
    assert events.last().data["details"] == "They fund my NGO"


def test_a_conflict_cannot_be_taken_back_by_the_reviewer(world):
    chiara = world.reviewers[2]
    services.declare_conflict(world.items[1], chiara, Kind.PERSONAL, actor=chiara.user)
    with pytest.raises(services.ConflictOfInterest, match="Only an editor"):
        services.declare_conflict(world.items[1], chiara, Kind.NONE, actor=chiara.user)


def test_declaring_the_same_answer_twice_records_it_once(world):
    alice = world.reviewers[0]
    services.declare_conflict(world.items[1], alice, Kind.NONE, actor=alice.user)
    services.declare_conflict(world.items[1], alice, Kind.NONE, actor=alice.user)
    assert history(world.process).filter(action="conflict.declared").count() == 1


def test_conflicted_reviewer_cannot_score_even_with_an_assignment(assigned):
    world = assigned
    alice = world.reviewers[0]
    assignment = an_assignment(world, alice)
    services.declare_conflict(assignment.item, alice, Kind.NONE, actor=alice.user)
    # Membership found after the assignment: an automatic conflict blocks the save.
    from participation.organisations.models import Membership

    item = assignment.item
    item.organisation = world.organisation
    item.save()
    Membership.objects.create(organisation=world.organisation, user=alice.user)
    with pytest.raises(services.ConflictOfInterest):
        services.save_review(assignment, alice.user, scores=full_scores(), expected_version=0)
    with pytest.raises(services.ConflictOfInterest):
        services.access(alice.user, world.process.pk, item.number)


def test_waiver_lifts_the_conflict_and_is_logged_with_its_reason(world):
    alice = world.reviewers[0]
    item = world.items[2]
    services.add_assignment(world.phase, item, alice, world.editor)
    services.declare_conflict(item, alice, Kind.SAME_ORGANISATION, actor=alice.user)
    with pytest.raises(services.ConflictOfInterest):
        services.access(alice.user, world.process.pk, item.number)
    with pytest.raises(services.ReviewError, match="reason"):
        services.grant_waiver(item, alice, "", world.editor)
    waiver = services.grant_waiver(item, alice, "A federation of 300 members", world.editor)
    with pytest.raises(services.ReviewError, match="exists already"):
        services.grant_waiver(item, alice, "again", world.editor)
    assert not services.pair_conflict(item, alice).is_blocked(item.pk, alice.pk)
    # Access returns once an editor assigns the item again.
    services.add_assignment(world.phase, item, alice, world.editor)
    assert services.access(alice.user, world.process.pk, item.number).item == item
    event = history(world.process).filter(action="conflict.waived").get()
    assert event.data["reason"] == "A federation of 300 members" and event.actor == world.editor
    services.revoke_waiver(waiver, world.editor)
    assert not Waiver.objects.exists()
    assert not Assignment.objects.filter(item=item, reviewer=alice, active=True).exists()
    assert history(world.process).filter(action="conflict.waiver_revoked").exists()


def test_a_conflicted_review_does_not_count_in_results(assigned):
    world = assigned
    alice = world.reviewers[0]
    assignment = an_assignment(world, alice)
    services.save_review(
        assignment, alice.user, scores=full_scores(5, 20), expected_version=0, submit=True
    )
    before = services.phase_results(world.phase)
    assert before.aggregation.by_item()[assignment.item_id].count == 1
    services.declare_conflict(assignment.item, alice, Kind.PERSONAL, actor=alice.user)
    after = services.phase_results(world.phase)
    assert after.aggregation is None or assignment.item_id not in after.aggregation.by_item()
    assert after.excluded and after.excluded[0][2] == "conflict of interest"


def test_results_shown_to_reviewers_leave_out_their_conflicts(assigned):
    world = assigned
    world.phase.results_visible_to_reviewers = True
    world.phase.save()
    for assignment in Assignment.objects.filter(phase=world.phase, active=True):
        services.save_review(
            assignment,
            assignment.reviewer.user,
            scores=full_scores(),
            expected_version=0,
            submit=True,
        )
    chiara = world.reviewers[2]
    services.declare_conflict(world.items[3], chiara, Kind.PERSONAL, actor=chiara.user)
    shown = services.results_for_reviewer(world.phase, chiara)
    assert world.items[3].pk not in {row.item.pk for row in shown.rows}
    assert shown.excluded == [] and shown.reviewer_names == {}
    other = services.results_for_reviewer(world.phase, world.reviewers[0])
    assert world.items[3].pk in {row.item.pk for row in other.rows}
