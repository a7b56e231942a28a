"""Who may do what with expert calls: named predicates, one place."""

from wagtail.models import Page

SENSITIVE_PERMISSION = "expertgroup.view_sensitive_data"


def reviews_call(user, page: Page) -> bool:
    """Whether ``user`` sits on the call's committee (an active reviewer of its process)."""
    from participation.i18n import submissions_page
    from participation.review.models import Reviewer

    if not user.is_authenticated:
        return False
    # Asked of the database, not of ``page``: an instance loaded before the process was made
    # (or a translation, whose process is the original's) must not let a member through.
    source = submissions_page(page) or page
    return Reviewer.objects.filter(
        user=user, active=True, process__expert_call__pk__in={page.pk, source.pk}
    ).exists()


def can_manage_call(user, page: Page) -> bool:
    """Editors in charge of a call: staff who may edit its page in Wagtail and do not sit on its
    committee. The call's admin pages show every application with its names (and conflicted
    ones); a committee member reviews blind and sees only what the review engine shows them,
    whatever other role they hold."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if not page.permissions_for_user(user).can_edit():
        return False
    return not reviews_call(user, page)


def can_view_sensitive(user, page: Page) -> bool:
    """Special-category data: only editors in charge of this call who also hold the dedicated
    permission; never a member of its committee (the review engine refuses to add someone who
    holds the permission, and this refuses one who got it afterwards)."""
    return can_manage_call(user, page) and user.has_perm(SENSITIVE_PERMISSION)


def can_apply(user) -> bool:
    return bool(user.is_authenticated and user.is_active)
