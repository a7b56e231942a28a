"""Invitations go to an address the inviter typed: limited per organisation and address and
per inviter, and they name the inviter by the name they chose, never by their address."""

import pytest
from django.core import mail
from django.urls import reverse

from participation.organisations.models import Invitation

pytestmark = pytest.mark.django_db


def invite(client, organisation, email, capture):
    with capture(execute=True):
        return client.post(
            reverse("organisations:invite", args=[organisation.slug]),
            {"email": email, "role": "member"},
        )


def test_invitation_to_one_address_is_limited(
    client, user, make_organisation, django_capture_on_commit_callbacks
):
    organisation = make_organisation(user)
    client.force_login(user)
    statuses = [
        invite(
            client, organisation, "target@example.org", django_capture_on_commit_callbacks
        ).status_code
        for _ in range(8)
    ]
    assert statuses == [302] * 3 + [429] * 5
    assert len(mail.outbox) == 3
    refused = invite(client, organisation, "target@example.org", django_capture_on_commit_callbacks)
    assert "No invitation was sent" in refused.content.decode()
    assert 'value="target@example.org"' in refused.content.decode()  # what was typed is kept
    # The last invitation sent is still pending: a refusal withdraws nothing.
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1


def test_invitations_have_a_daily_cap_per_inviter(
    client, user, make_organisation, django_capture_on_commit_callbacks
):
    organisation = make_organisation(user)
    client.force_login(user)
    statuses = [
        invite(
            client, organisation, f"person{i}@example.org", django_capture_on_commit_callbacks
        ).status_code
        for i in range(21)
    ]
    assert statuses == [302] * 20 + [429]  # PARTICIPATION_RATE_LIMITS: 20 a day per sender
    assert len(mail.outbox) == 20


def test_invitation_names_no_part_of_the_inviters_address(
    client, make_user, make_organisation, django_capture_on_commit_callbacks
):
    inviter = make_user("jane.q.doe@example.org")  # no display name, no first/last name
    organisation = make_organisation(inviter, name="Welcome Network")
    client.force_login(inviter)
    invite(client, organisation, "target@example.org", django_capture_on_commit_callbacks)
    body = mail.outbox[0].body
    assert "jane.q.doe" not in body and "Welcome Network" in body
    client.force_login(make_user("target@example.org"))
    page = client.get(Invitation.objects.get().get_absolute_url()).content.decode()
    assert "jane.q.doe" not in page and "Welcome Network" in page


def test_invitation_names_the_inviter_by_display_name(
    client, user, make_organisation, django_capture_on_commit_callbacks
):
    organisation = make_organisation(user, name="Welcome Network")
    client.force_login(user)
    invite(client, organisation, "target@example.org", django_capture_on_commit_callbacks)
    # Names are isolated (FSI...PDI) in plain-text emails.
    body = mail.outbox[0].body
    assert "\u2068Amina\u2069 invites you to join \u2068Welcome Network\u2069" in body
