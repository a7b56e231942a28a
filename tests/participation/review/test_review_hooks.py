"""The engine's answers to the accounts hooks: MFA reasons, personal data, deletion."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from review_helpers import full_scores

from participation.accounts.rules import must_use_mfa
from participation.accounts.services import delete_account, deletion_blockers, personal_data
from participation.review import services
from participation.review.models import Phase, Review, Reviewer

pytestmark = pytest.mark.django_db


def test_reviewing_in_an_open_phase_requires_mfa(world, make_user):
    person = make_user("plain@example.org")
    assert not must_use_mfa(person)
    reviewer = services.add_reviewer(world.process, person, world.editor)
    assert must_use_mfa(person)
    services.remove_reviewer(reviewer, world.editor)
    assert not must_use_mfa(person)


@pytest.mark.parametrize("days", [2, -30], ids=["forthcoming", "closed"])
def test_mfa_required_of_a_reviewer_when_no_phase_is_open(world, make_user, days):
    """Issue 16.4: items stay readable before a phase opens and after it closes."""
    person = make_user("later@example.org")
    services.add_reviewer(world.process, person, world.editor)
    now = timezone.now()
    Phase.objects.filter(process=world.process).update(
        opens_at=now + timedelta(days=days), closes_at=now + timedelta(days=days + 1)
    )
    assert must_use_mfa(person)


def test_mfa_closed_phase_reviewer_without_totp_cannot_read_an_item(client, world, make_user):
    """Issue 16.4 end to end: the middleware sends them to set TOTP up, the item is not shown."""
    person = make_user("closed@example.org")
    reviewer = services.add_reviewer(world.process, person, world.editor)
    item = world.items[0]
    services.add_assignment(world.phase, item, reviewer, world.editor)
    services.declare_conflict(item, reviewer, "none", actor=person)
    Phase.objects.filter(process=world.process).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(person)
    response = client.get(reverse("review:item", args=[world.process.pk, item.number]))
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]


def test_personal_data_lists_roles_declarations_and_reviews(world):
    alice = world.reviewers[0]
    assignment = services.add_assignment(world.phase, world.items[0], alice, world.editor)
    services.declare_conflict(world.items[0], alice, "none", actor=alice.user)
    services.save_review(
        assignment,
        alice.user,
        scores=full_scores(),
        comments="mine",
        expected_version=0,
        submit=True,
    )
    data = personal_data(alice.user)["review"]
    assert data["roles"][0]["process"] == "Migrant Expert Group 2026"
    assert data["conflict_declarations"][0]["kind"] == "none"
    assert data["reviews"][0]["comments"] == "mine"


def test_deletion_waits_for_the_running_phase_and_keeps_the_reviews(world):
    alice = world.reviewers[0]
    assignment = services.add_assignment(world.phase, world.items[0], alice, world.editor)
    services.save_review(
        assignment, alice.user, scores=full_scores(), expected_version=0, submit=True
    )
    blockers = deletion_blockers(alice.user)
    assert blockers and "Migrant Expert Group 2026" in blockers[0]
    Phase.objects.filter(pk=world.phase.pk).update(closes_at=timezone.now() - timedelta(days=1))
    assert deletion_blockers(alice.user) == []
    delete_account(alice.user)
    reviewer = Reviewer.objects.get(pk=alice.pk)
    assert reviewer.user is None and reviewer.name == "Former reviewer"
    assert Review.objects.get().is_submitted  # the committee's record stays
    results = services.phase_results(world.phase)
    assert results.reviewer_names[alice.pk] == "Former reviewer"
