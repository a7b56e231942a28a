"""Who may read what a page holds outside the page itself: its generated documents, exports and
file downloads. Two questions, asked the same way everywhere:

- ``restrictions_pass(request, page)``: Wagtail's view restrictions of the page and of its
  ancestors (password, sign-in, groups), checked as Wagtail's own ``serve`` checks them
  (``page.get_view_restrictions()`` then ``restriction.accept_request(request)``; a password is
  passed through Wagtail's password form, which marks the restriction in the session).
- ``can_edit(user, page)``: the editors in charge of this very page (Wagtail's per-page
  permissions), never "any staff member".

``can_read(request, page)`` is the rule for what the public may read: the editors in charge, or
whoever passes the page's restrictions.
"""

from wagtail.models import Page


def _governing_pages(page: Page) -> list[Page]:
    """The page and, for a translation, the original whose submissions it shows: a document of a
    translation holds the original's answers, so the original's restrictions apply too."""
    pages = [page]
    original = getattr(page, "submissions_page", None)
    if callable(original):
        other = original()
        if other is not None and other.pk != page.pk:
            pages.append(other)
    return pages


def restrictions_pass(request, page: Page) -> bool:
    """True when every view restriction of the page (and its ancestors) accepts the request."""
    for governing in _governing_pages(page):
        for restriction in governing.get_view_restrictions():
            if not restriction.accept_request(request):
                return False
    return True


def can_edit(user, page: Page | None) -> bool:
    """Editors in charge: active staff (who sign in with two factors) who may edit this page."""
    if page is None or not getattr(user, "is_authenticated", False):
        return False
    if not (user.is_active and user.is_staff):
        return False
    return all(p.permissions_for_user(user).can_edit() for p in _governing_pages(page))


def can_read(request, page: Page | None) -> bool:
    """The public's rule for a page's documents and files: editors in charge, or whoever passes
    the page's view restrictions. No page (deleted, unpublished): nobody but its editors."""
    if page is None:
        return False
    return can_edit(request.user, page) or restrictions_pass(request, page)


def page_of(owner) -> Page | None:
    """The page something belongs to: itself when it is a page, else its ``page`` (an award
    category's edition); None when no page governs it."""
    if isinstance(owner, Page):
        return owner
    page = getattr(owner, "page", None)
    return page if isinstance(page, Page) else None
