"""The shared submission rules, exercised through consultation responses."""

from datetime import timedelta

import pytest
from django.db import IntegrityError

from consultations.models import Response
from participation.audit.services import history
from participation.organisations.models import Membership
from participation.submissions import services
from participation.submissions.services import EditConflict, SubmissionError

pytestmark = pytest.mark.django_db


def start(consultation, user, organisation=None):
    kind = "organisation" if organisation else "individual"
    return services.start_or_resume(
        Response, "consultation", consultation, user, organisation, respondent_type=kind
    )


def test_personal_draft_saved_submitted_with_receipt(consultation, user):
    draft, created = start(consultation, user)
    assert created and draft.is_draft
    draft = services.save_draft(draft, user, {"q1": "مرحبا"}, expected_version=draft.version)
    done = services.submit(draft, user, "CONS")
    assert done.is_submitted and done.receipt_number.startswith("CONS-")
    assert len(done.receipt_number) == len("CONS-2026-ABCD-EFGH")
    # Double click / second tab: the same receipt, no duplicate, no error.
    again = services.submit(draft, user, "CONS")
    assert again.receipt_number == done.receipt_number
    assert Response.objects.count() == 1
    assert [e.action for e in history(done)] == ["started", "draft.saved", "submitted"]


def test_two_tabs_starting_meet_the_same_draft(consultation, user):
    first, _ = start(consultation, user)
    second, created = start(consultation, user)
    assert not created and second.pk == first.pk


def test_concurrent_edit_is_detected_not_overwritten(
    consultation, user, make_user, make_organisation
):
    colleague = make_user("colleague@example.org")
    organisation = make_organisation(user, members=[colleague])
    mine, _ = start(consultation, user, organisation)
    theirs, created = start(consultation, colleague, organisation)
    assert not created and theirs.pk == mine.pk  # one draft per organisation
    loaded_version = mine.version
    services.save_draft(theirs, colleague, {"q1": "their text"}, expected_version=loaded_version)
    with pytest.raises(EditConflict) as conflict:
        services.save_draft(mine, user, {"q1": "my text"}, expected_version=loaded_version)
    assert conflict.value.current.answers == {"q1": "their text"}
    assert "colleague" in str(conflict.value).lower() or "saved this draft" in str(conflict.value)
    assert Response.objects.get().answers == {"q1": "their text"}
    changes = [(e.actor, e.data.get("changed")) for e in history(mine) if e.action == "draft.saved"]
    assert changes == [(colleague, ["q1"])]


def test_second_tab_with_a_stale_copy_gets_the_same_receipt(consultation, user):
    draft, _ = start(consultation, user)
    stale_tab = Response.objects.get(pk=draft.pk)  # loaded before the first tab submitted
    done = services.submit(draft, user, "CONS")
    again = services.submit(stale_tab, user, "CONS")
    assert again.receipt_number == done.receipt_number
    assert history(done).filter(action="submitted").count() == 1


def test_submit_refuses_a_draft_a_colleague_changed_since_it_was_loaded(
    consultation, user, make_user, make_organisation
):
    colleague = make_user("colleague@example.org")
    organisation = make_organisation(user, members=[colleague])
    reviewed, _ = start(consultation, user, organisation)  # what the admin is looking at
    theirs = Response.objects.get(pk=reviewed.pk)
    services.save_draft(theirs, colleague, {"q1": "late change"}, expected_version=theirs.version)
    with pytest.raises(SubmissionError, match="changed this draft just now"):
        services.submit(reviewed, user, "CONS")
    stored = Response.objects.get(pk=reviewed.pk)
    assert stored.is_draft and stored.answers == {"q1": "late change"}
    assert not history(stored).filter(action="submitted").exists()
    # Having seen the change, the admin submits what is stored.
    assert services.submit(stored, user, "CONS").is_submitted


def test_only_the_organisation_admin_submits(consultation, user, make_user, make_organisation):
    member = make_user("member@example.org")
    organisation = make_organisation(user, members=[member])
    draft, _ = start(consultation, member, organisation)
    with pytest.raises(SubmissionError, match="administrator"):
        services.submit(draft, member, "CONS")
    assert services.submit(draft, user, "CONS").is_submitted


def test_member_removed_mid_draft_can_no_longer_edit(
    consultation, user, make_user, make_organisation
):
    member = make_user("member@example.org")
    organisation = make_organisation(user, members=[member])
    draft, _ = start(consultation, member, organisation)
    Membership.objects.filter(user=member).delete()
    with pytest.raises(SubmissionError):
        services.save_draft(draft, member, {"q1": "x"}, expected_version=draft.version)
    with pytest.raises(SubmissionError):
        start(consultation, member, organisation)


def test_stranger_cannot_edit_someone_elses_draft(consultation, user, make_user):
    stranger = make_user("stranger@example.org")
    draft, _ = start(consultation, user)
    with pytest.raises(SubmissionError):
        services.save_draft(draft, stranger, {"q1": "x"}, expected_version=draft.version)


def test_after_the_deadline_the_draft_is_kept(consultation, user):
    draft, _ = start(consultation, user)
    draft = services.save_draft(draft, user, {"q1": "kept"}, expected_version=draft.version)
    late = consultation.closes_at + timedelta(hours=1)
    with pytest.raises(SubmissionError, match="deadline"):
        services.submit(draft, user, "CONS", now=late)
    draft.refresh_from_db()
    assert draft.is_draft and draft.answers == {"q1": "kept"}
    # Within the grace period, a draft started before the close still goes through.
    assert services.submit(
        draft, user, "CONS", now=consultation.closes_at + timedelta(minutes=5)
    ).is_submitted


def test_reopen_and_withdraw(consultation, user):
    draft, _ = start(consultation, user)
    done = services.submit(draft, user, "CONS")
    reopened = services.reopen(done, user)
    assert reopened.is_draft and reopened.receipt_number == done.receipt_number
    withdrawn = services.withdraw(reopened, user)
    assert withdrawn.status == "withdrawn"
    # A withdrawn answer frees the slot: the person may start again.
    fresh, created = start(consultation, user)
    assert created and fresh.pk != withdrawn.pk


def test_refusals_are_translated(consultation, user):
    from django.utils import translation

    draft, _ = start(consultation, user)
    late = consultation.closes_at + timedelta(days=1)
    with translation.override("fr"), pytest.raises(SubmissionError) as refusal:
        services.submit(draft, user, "CONS", now=late)
    assert "deadline" not in str(refusal.value)


def test_receipt_collisions_retry_then_refuse_instead_of_claiming_success(
    consultation, user, make_user, monkeypatch
):
    taken, _ = start(consultation, make_user("first@example.org"))
    taken = services.submit(taken, taken.user, "CONS")
    draft, _ = start(consultation, user)
    numbers = iter([taken.receipt_number, "CONS-2026-NEW2-NEW3"])
    monkeypatch.setattr(services, "new_receipt_number", lambda prefix: next(numbers))
    assert services.submit(draft, user, "CONS").receipt_number == "CONS-2026-NEW2-NEW3"

    other, _ = start(consultation, make_user("third@example.org"))
    monkeypatch.setattr(services, "new_receipt_number", lambda prefix: taken.receipt_number)
    with pytest.raises(IntegrityError):
        services.submit(other, other.user, "CONS")
    assert not history(other).filter(action="submitted").exists()
