"""Who may do what in the review engine: named predicates, one place."""

from django.db.models import Q
from django.utils import timezone

from .models import Reviewer


def can_manage(user) -> bool:
    """Editors of review processes: staff with the permission (TOTP is enforced for all staff)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("review.change_reviewprocess")
    )


def reviewer_must_use_mfa(user) -> bool:
    """Being an active reviewer of any process makes two-factor authentication mandatory
    (registered on the ``participation_mfa_required`` hook): a reviewer reads items, booklets
    and dossiers whether a phase is open, not open yet or closed."""
    if not user.is_authenticated:
        return False
    return Reviewer.objects.filter(user=user, active=True).exists()


def reviews_in_progress(user):
    """Processes where ``user`` reviews in a phase that has not closed yet."""
    now = timezone.now()
    return (
        Reviewer.objects.filter(Q(process__phases__closes_at__gt=now), user=user, active=True)
        .select_related("process")
        .distinct()
    )
