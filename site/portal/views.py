from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Locale, Page, Site
from wagtail.search.backends import get_search_backend
from wagtail.search.utils import parse_query_string

from participation.organisations.models import Organisation
from participation.text import clean_query
from themes.models import Theme


def search(request):
    """Search pages in the reader's language, themes and verified organisations."""
    query = clean_query(request.GET.get("q"))
    pages = organisations = themes = []
    if query:
        filters, parsed = parse_query_string(query, operator="and")
        try:
            locale = Locale.get_active()
        except Locale.DoesNotExist:
            locale = Locale.get_default()
        default = Locale.get_default()
        # The reader's language, and the default language's pages not translated into it.
        untranslated = Q(locale=default) & ~Q(
            translation_key__in=Page.objects.filter(locale=locale).values("translation_key")
        )
        pages = (
            Page.objects.live()
            .public()
            .filter(Q(locale=locale) | untranslated)
            .specific()
            .search(parsed)
        )
        backend = get_search_backend()
        organisations = backend.search(query, Organisation.objects.filter(verified=True))[:10]
        themes = backend.search(query, Theme.objects.filter(locale=locale))[:10]
    page = Paginator(pages, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/search.html",
        {"query": query, "page": page, "organisations": organisations, "themes": themes},
    )


def serve(request, path):
    """Wagtail's page serving, plus: a page that has no translation in the reader's interface
    language is served from the default language's tree under the reader's prefix (see
    participation.i18n), instead of a 404."""
    try:
        return wagtail_views.serve(request, path)
    except Http404:
        # Only when no page matched the path in this language; a 404 from a page's own view
        # (an answer that is not yours) stands.
        if getattr(request, "_wagtail_route_for_request", True) is not None:
            raise
        if get_language() == settings.LANGUAGE_CODE:
            raise
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    components = [component for component in path.split("/") if component]
    request._wagtail_route_for_request = site.root_page.specific.route(request, components)
    # Editors' text keeps its own language in the markup ({% content_lang %}).
    request.content_language = settings.LANGUAGE_CODE
    return wagtail_views.serve(request, path)
