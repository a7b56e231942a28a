"""Everything that changes organisations and their members. Views call these; so do tests."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from participation.i18n import in_language_of
from participation.text import isolate_text

from .models import Invitation, Membership, Organisation


class OrganisationError(Exception):
    """A refused change; the message is meant for the person who asked."""


def organisations_of(user, role: str | None = None):
    if not user.is_authenticated:
        return Organisation.objects.none()
    memberships = Membership.objects.filter(user=user)
    if role:
        memberships = memberships.filter(role=role)
    return Organisation.objects.filter(pk__in=memberships.values("organisation"))


def membership_of(user, organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def is_admin(user, organisation) -> bool:
    membership = membership_of(user, organisation)
    return bool(membership and membership.is_admin)


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:200] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_organisation(user, **fields) -> Organisation:
    """Create an organisation with `user` as its first administrator; unverified until checked."""
    organisation = Organisation(**fields)
    organisation.slug = _unique_slug(organisation.name)
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.ADMIN)
    return organisation


def _require_admin(user, organisation):
    if not is_admin(user, organisation):
        raise OrganisationError(_("Only an administrator of this organisation can do that."))


def _admin_count(organisation) -> int:
    return organisation.memberships.filter(role=Membership.Role.ADMIN).count()


@transaction.atomic
def invite(organisation, by, email: str, role: str = Membership.Role.MEMBER) -> Invitation:
    _require_admin(by, organisation)
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise OrganisationError(_("%(email)s is already a member.") % {"email": email})
    # A new invitation replaces any pending one to the same address.
    organisation.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    days = getattr(settings, "PARTICIPATION_INVITATION_DAYS", 14)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=days),
    )
    # Written in the invitee's language if the address has an account, else in the language
    # the inviter is using now.
    language = translation.get_language()
    transaction.on_commit(lambda: send_invitation_email(invitation, language))
    return invitation


def send_invitation_email(invitation: Invitation, language: str = "") -> None:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    context = {"invitation": invitation, "url": base + invitation.get_absolute_url()}
    with in_language_of(email=invitation.email, fallback=language):
        subject = _("You are invited to join %(name)s") % {
            "name": isolate_text(invitation.organisation.name)
        }
        body = render_to_string("organisations/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def accept_invitation(token: str, user) -> Membership:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token=token)
        .first()
    )
    if invitation is None or invitation.revoked_at:
        raise OrganisationError(_("This invitation link is not valid. Ask for a new invitation."))
    if invitation.accepted_at:
        raise OrganisationError(_("This invitation has already been used."))
    if invitation.is_expired:
        raise OrganisationError(
            _("This invitation expired on %(date)s. Ask the organisation for a new one.")
            % {"date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d")}
        )
    # The link may have been forwarded: only the person who owns the address can accept it.
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        raise OrganisationError(
            _(
                "This invitation was sent to %(email)s. Sign in with that address, or add and "
                "verify it in your account, to accept."
            )
            % {"email": invitation.email}
        )
    membership, created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.ADMIN and not membership.is_admin:
        membership.role = Membership.Role.ADMIN
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def revoke_invitation(invitation: Invitation, by) -> None:
    _require_admin(by, invitation.organisation)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def _lock(organisation):
    # Serialise changes to one organisation's admins so two admins cannot both step down at once.
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


@transaction.atomic
def leave(organisation, user) -> None:
    organisation = _lock(organisation)
    membership = membership_of(user, organisation)
    if membership is None:
        raise OrganisationError(_("You are not a member of this organisation."))
    if membership.is_admin and _admin_count(organisation) == 1:
        raise OrganisationError(
            _("You are the last administrator. Make another member administrator before you leave.")
        )
    membership.delete()


@transaction.atomic
def remove_member(organisation, by, membership: Membership) -> None:
    organisation = _lock(organisation)
    _require_admin(by, organisation)
    if membership.organisation_id != organisation.pk:
        raise OrganisationError(_("That person is not a member of this organisation."))
    if membership.is_admin and _admin_count(organisation) == 1:
        raise OrganisationError(_("The last administrator cannot be removed."))
    membership.delete()


@transaction.atomic
def set_role(organisation, by, membership: Membership, role: str) -> Membership:
    organisation = _lock(organisation)
    _require_admin(by, organisation)
    if membership.organisation_id != organisation.pk:
        raise OrganisationError(_("That person is not a member of this organisation."))
    if role not in Membership.Role.values:
        raise OrganisationError(_("Unknown role."))
    if membership.is_admin and role != Membership.Role.ADMIN and _admin_count(organisation) == 1:
        raise OrganisationError(_("The organisation needs at least one administrator."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def transfer_admin(organisation, by, to: Membership) -> None:
    """Make `to` an administrator and `by` an ordinary member, in one step."""
    set_role(organisation, by, to, Membership.Role.ADMIN)
    own = membership_of(by, organisation)
    if own.pk != to.pk:
        own.role = Membership.Role.MEMBER
        own.save(update_fields=["role"])


@transaction.atomic
def delete_organisation(organisation, by) -> None:
    """An administrator may delete an organisation that has no other member."""
    organisation = _lock(organisation)
    _require_admin(by, organisation)
    if organisation.memberships.exclude(user=by).exists():
        raise OrganisationError(
            _("Remove the other members first, or hand the organisation over to them.")
        )
    organisation.delete()


def deletion_blockers(user) -> list[str]:
    """Organisations that would be left without an administrator if `user` went away."""
    reasons = []
    for membership in Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN
    ).select_related("organisation"):
        if _admin_count(membership.organisation) == 1:
            reasons.append(
                _(
                    "You are the last administrator of %(name)s. Make another member "
                    "administrator, or delete the organisation, first."
                )
                % {"name": membership.organisation.name}
            )
    return reasons


def verify(organisation, by, verified: bool = True) -> None:
    organisation.verified = verified
    organisation.verified_at = timezone.now() if verified else None
    organisation.verified_by = by if verified else None
    organisation.save(update_fields=["verified", "verified_at", "verified_by"])
