"""Which page holds a slug, whether it was left unfinished after autosave, and moving it aside.

Plain functions; ``wagtail_hooks.py`` calls them from Wagtail's page hooks.
"""

from datetime import timedelta

from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry, get_default_page_content_type

from .models import AutosavedNewPage

# Wagtail's editor pings its editing session every 10 seconds while the page is on screen, and
# releases it when the tab is hidden or closed: another person's session seen this recently is
# a page open in front of them, which is never moved under their feet. The asking editor's own
# sessions do not count: leaving the editor does not always release the session at once (the
# release is a beacon sent as the page goes), and the person retrying "Add page" is the one who
# walked away.
OPEN_WITHIN = timedelta(minutes=1)

SLUG_FREED = "pagedrafts.slug_freed"


def is_autosave(request) -> bool:
    """Wagtail's own test (``expects_json_response``): autosave asks for JSON, a click on Save
    or Publish submits the form and asks for HTML."""
    return not request.accepts("text/html")


def remember_autosaved(page) -> None:
    AutosavedNewPage.objects.get_or_create(page_id=page.pk)


def forget(page) -> None:
    """The page was saved or published by hand: it is nobody's abandoned draft any more."""
    AutosavedNewPage.objects.filter(page_id=page.pk).delete()


def slug_holder(parent, slug: str, page=None) -> Page | None:
    """The child of ``parent`` that has ``slug``, other than ``page`` itself."""
    siblings = parent.get_children().filter(slug=slug)
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    return siblings.first()


def is_open(page, user=None, now=None) -> bool:
    """Someone other than ``user`` has the page open in the editor."""
    now = now or timezone.now()
    sessions = EditingSession.objects.filter(
        content_type=get_default_page_content_type(),
        object_id=str(page.pk),
        last_seen_at__gte=now - OPEN_WITHIN,
    )
    if user is not None:
        sessions = sessions.exclude(user=user)
    return sessions.exists()


def is_abandoned(page, user=None, now=None) -> bool:
    """Created by autosave and never saved by hand, never published, not locked, and open in
    nobody else's editor."""
    return (
        not page.live
        and page.first_published_at is None
        and not page.locked
        and AutosavedNewPage.objects.filter(page_id=page.pk).exists()
        and not is_open(page, user, now)
    )


def was_moved_aside(page) -> bool:
    return PageLogEntry.objects.filter(page_id=page.pk, action=SLUG_FREED).exists()


def free_slug(parent, slug: str, page) -> str:
    """The first of ``slug-2``, ``slug-3``, ... that no other child of ``parent`` has."""
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = slug[: 255 - len(suffix)] + suffix
        if Page._slug_is_available(candidate, parent, page):
            return candidate
        number += 1


def move_aside(page, user) -> str:
    """Give an abandoned page the next free slug, in the page and in the latest revision (what
    its editor opens, and what publishing it would restore), and note the move in its history.
    Nothing else of the page changes. Returns the new slug."""
    parent = page.get_parent()
    old = page.slug
    new = free_slug(parent, old, page)
    page.slug = new
    page.save(update_fields=["slug", "url_path"])
    revision = page.latest_revision
    if revision is not None and revision.content.get("slug") == old:
        revision.content["slug"] = new
        revision.content["url_path"] = page.url_path
        revision.save(update_fields=["content"])
    forget(page)
    log(instance=page.specific, action=SLUG_FREED, user=user, data={"old": old, "new": new})
    return new
