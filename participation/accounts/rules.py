"""Who must do what: named predicates, one place."""

from django.conf import settings
from wagtail import hooks

MFA_REQUIRED_HOOK = "participation_mfa_required"


def must_use_mfa(user) -> bool:
    """Staff, editors, committee and jury members must protect their account with TOTP.

    Plugins add their own reasons (e.g. being a reviewer of a process, whatever the state of
    its phases: a closed phase's items can still be read) with the
    `participation_mfa_required` hook: a function taking a user and returning a bool.
    """
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    groups = getattr(settings, "PARTICIPATION_MFA_REQUIRED_GROUPS", [])
    if groups and user.groups.filter(name__in=groups).exists():
        return True
    return any(fn(user) for fn in hooks.get_hooks(MFA_REQUIRED_HOOK))


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
