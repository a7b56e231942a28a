from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from participation.organisations import services
from participation.organisations.models import Invitation, Membership, Organisation
from participation.organisations.services import OrganisationError

pytestmark = pytest.mark.django_db


def test_creating_an_organisation_makes_me_its_admin(client, user):
    client.force_login(user)
    response = client.post(
        reverse("organisations:create"),
        {
            "name": "Самопоміч Україна",
            "kind": "migrant_led",
            "country": "PL",
            "website": "example.org",
        },
    )
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert organisation.slug == "самопоміч-україна"
    assert organisation.website == "https://example.org"
    assert not organisation.verified
    assert services.is_admin(user, organisation)


def test_create_form_errors_keep_input(client, user):
    client.force_login(user)
    response = client.post(
        reverse("organisations:create"), {"name": "Kept", "kind": "not-a-kind", "country": "DE"}
    )
    assert response.status_code == 200
    assert 'value="Kept"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_invitation_is_emailed_and_accepted_once(
    client, user, make_user, make_organisation, django_capture_on_commit_callbacks
):
    organisation = make_organisation(user)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:invite", args=[organisation.slug]),
            {"email": "New.Member@Example.org", "role": "member"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new.member@example.org"
    assert len(mail.outbox) == 1 and invitation.get_absolute_url() in mail.outbox[0].body

    newcomer = make_user("new.member@example.org")
    client.force_login(newcomer)
    assert client.get(invitation.get_absolute_url()).status_code == 200
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer).role == "member"

    # Used twice: a clear message and nothing changes.
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_expired_invitation_is_refused(client, user, make_user, make_organisation):
    organisation = make_organisation(user)
    invitation = services.invite(organisation, user, "late@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    late = make_user("late@example.org")
    client.force_login(late)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 400 and "expired" in response.content.decode()
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert not Membership.objects.filter(user=late).exists()


def test_forwarded_invitation_cannot_be_accepted_by_someone_else(
    client, user, make_user, make_organisation
):
    organisation = make_organisation(user)
    invitation = services.invite(organisation, user, "invited@example.org")
    stranger = make_user("stranger@example.org")
    client.force_login(stranger)
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 400
    assert "invited@example.org" in response.content.decode()
    assert not Membership.objects.filter(user=stranger).exists()


def test_unknown_invitation_token_is_a_clear_400(client, user):
    client.force_login(user)
    response = client.get(reverse("organisations:invitation", args=["forged-token"]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_only_admins_invite(user, make_user, make_organisation):
    member = make_user("member@example.org")
    organisation = make_organisation(user, members=[member])
    with pytest.raises(OrganisationError):
        services.invite(organisation, member, "x@example.org")


def test_last_admin_cannot_leave_or_be_demoted(client, user, make_user, make_organisation):
    member = make_user("member@example.org")
    organisation = make_organisation(user, members=[member])
    own = Membership.objects.get(user=user)
    with pytest.raises(OrganisationError):
        services.leave(organisation, user)
    with pytest.raises(OrganisationError):
        services.set_role(organisation, user, own, Membership.Role.MEMBER)
    client.force_login(user)
    response = client.post(reverse("organisations:leave", args=[organisation.slug]), follow=True)
    assert "last administrator" in response.content.decode()
    assert Membership.objects.filter(user=user, role="admin").exists()


def test_member_removing_the_last_admin_is_refused(client, user, make_user, make_organisation):
    member = make_user("member@example.org")
    organisation = make_organisation(user, members=[member])
    client.force_login(member)
    response = client.post(
        reverse("organisations:member_action", args=[organisation.slug]),
        {"membership": Membership.objects.get(user=user).pk, "action": "remove"},
        follow=True,
    )
    assert "Only an administrator" in response.content.decode()
    assert Membership.objects.filter(organisation=organisation).count() == 2


def test_transfer_admin_role(client, user, make_user, make_organisation):
    member = make_user("member@example.org")
    organisation = make_organisation(user, members=[member])
    client.force_login(user)
    client.post(
        reverse("organisations:member_action", args=[organisation.slug]),
        {"membership": Membership.objects.get(user=member).pk, "action": "transfer"},
    )
    assert Membership.objects.get(user=member).role == "admin"
    assert Membership.objects.get(user=user).role == "member"
    # Now the former admin may leave.
    services.leave(organisation, user)
    assert not Membership.objects.filter(user=user).exists()


def test_forged_membership_id_from_another_organisation_is_refused(
    client, user, make_user, make_organisation
):
    other_admin = make_user("other@example.org")
    mine = make_organisation(user, name="Mine")
    theirs = make_organisation(other_admin, name="Theirs")
    client.force_login(user)
    response = client.post(
        reverse("organisations:member_action", args=[mine.slug]),
        {"membership": Membership.objects.get(organisation=theirs).pk, "action": "remove"},
        follow=True,
    )
    assert response.status_code == 200
    assert "not a member of this organisation" in response.content.decode()
    assert Membership.objects.filter(organisation=theirs).count() == 1


def test_member_pages_are_404_for_non_members(client, make_user, user, make_organisation):
    organisation = make_organisation(user)
    stranger = make_user("stranger@example.org")
    client.force_login(stranger)
    for name in ["members", "edit"]:
        assert (
            client.get(reverse(f"organisations:{name}", args=[organisation.slug])).status_code
            == 404
        )
    for name in ["leave", "delete", "invite", "member_action"]:
        assert (
            client.post(reverse(f"organisations:{name}", args=[organisation.slug])).status_code
            == 404
        )


def test_admin_can_delete_an_organisation_with_no_other_member(
    client, user, make_user, make_organisation
):
    alone = make_organisation(user, name="Alone")
    member = make_user("m@example.org")
    busy = make_organisation(user, name="Busy", members=[member])
    with pytest.raises(OrganisationError):
        services.delete_organisation(busy, user)
    client.force_login(user)
    client.post(reverse("organisations:delete", args=[alone.slug]))
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Busy"]


def test_pending_invitation_can_be_withdrawn(client, user, make_organisation):
    organisation = make_organisation(user)
    invitation = services.invite(organisation, user, "x@example.org")
    client.force_login(user)
    client.post(reverse("organisations:revoke", args=[organisation.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and not invitation.is_pending
