"""Who may do what with expert calls: named predicates, one place."""

from wagtail.models import Page

from participation import pages_access

SENSITIVE_PERMISSION = "expertgroup.view_sensitive_data"


def can_manage_call(user, page: Page) -> bool:
    """Editors in charge of a call: staff who may edit its page in Wagtail."""
    return pages_access.can_edit(user, page)


def can_view_sensitive(user, page: Page) -> bool:
    """Special-category data: only editors in charge of this call who also hold the dedicated
    permission. Reviewers are never staff editors of the page, so they never pass."""
    return can_manage_call(user, page) and user.has_perm(SENSITIVE_PERMISSION)


def can_apply(user) -> bool:
    return bool(user.is_authenticated and user.is_active)
