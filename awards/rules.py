"""Who may do what with award editions: named predicates, one place."""

from participation import pages_access
from participation.review import rules as review_rules


def edition_editor(user, edition) -> bool:
    """Editors of this edition: the review permission and edit rights on the edition's page
    (and on its original, for a translation), and no seat on one of its juries (the editors'
    pages and reports show every nomination); staff rights alone give nothing."""
    from .services import judges_edition

    return (
        review_rules.can_manage(user)
        and pages_access.can_edit(user, edition)
        and not judges_edition(user, edition_id=edition.pk)
    )
