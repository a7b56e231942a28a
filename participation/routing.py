"""Routing a request down the page tree in fewer queries than Wagtail's ``Page.route``.

Wagtail walks the path one slug at a time, and at every level reads the child (one query) and
then its specific page (a second query), so that the child's own ``route`` can take over. A
consultation under its index page paid two more queries than a page under the home page, about
an eighth of its request. ``QuickRouteMixin`` (on the home page, where every walk starts) walks
the same way with the same semantics, but:

- a page in the middle of the path whose class keeps Wagtail's ``route`` (an index page) is
  stepped through as the plain ``Page`` it was read as: its class is known from its content type
  without a query;
- a page whose children can only be of one type (``subpage_types``: the consultations' index)
  has its child read as that type directly, one query instead of two;
- a page with its own ``route`` (the routable call pages) takes over with the rest of the path,
  as under Wagtail; a missing child is a 404, and only a live page is served.
"""

from django.http import Http404
from wagtail.models import Page
from wagtail.url_routing import RouteResult


class QuickRouteMixin:
    def route(self, request, path_components):
        page = self
        for position, slug in enumerate(path_components):
            page = _child(page, slug)
            if _has_own_route(page.specific_class):
                return page.specific.route(request, path_components[position + 1 :])
        if not page.live:
            raise Http404
        return RouteResult(page.specific)


def _has_own_route(page_class) -> bool:
    """Whether pages of this class route their own sub-paths (a removed class: Wagtail's)."""
    return page_class is not None and page_class.route not in (Page.route, QuickRouteMixin.route)


def _child(parent, slug: str):
    """The child of ``parent`` with this slug: read as its specific type when that is the only
    type the parent allows, else as a plain ``Page``; Http404 when there is none."""
    parent_class = parent.specific_class
    allowed = parent_class.allowed_subpage_models() if parent_class is not None else []
    if len(allowed) == 1 and allowed[0] is not Page:
        try:
            child = allowed[0]._default_manager.child_of(parent).get(slug=slug)
        except allowed[0].DoesNotExist:
            pass  # perhaps a child of another type, made before the rule: ask as Wagtail does
        else:
            return _with_parent(child, parent)
    try:
        child = parent.get_children().get(slug=slug)
    except Page.DoesNotExist as missing:
        raise Http404 from missing
    return _with_parent(child, parent)


def _with_parent(child, parent):
    # As Wagtail does, get_parent() then needs no query; the parent is of its own class (its
    # links keep the reader's language), its own fields read only if asked for.
    child._cached_parent_obj = parent.specific_deferred
    return child
