from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from wagtail import views as wagtail_views
from wagtail.models import Locale, Page, Site
from wagtail.search.backends import get_search_backend
from wagtail.search.utils import parse_query_string

from participation.organisations.models import Organisation
from participation.text import clean_query
from themes.models import Theme


@cache_control(public=True, max_age=3600)
def script_fonts(request):
    """The site's fonts for scripts a device may lack (participation.documents.fonts): pages
    and the admin link to it; a browser downloads a font only for a letter it cannot draw."""
    from participation.documents.fonts import web_font_css

    css = web_font_css(lambda name: static(f"documents/fonts/{name}"))
    return HttpResponse(css, content_type="text/css; charset=utf-8")


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
    """Wagtail's page serving, plus: a path with no page in the reader's language is looked up
    in the default language's tree, then in the other languages' trees (a page written in one
    language only, reached from the language switcher), and served under the reader's prefix
    with the interface in their language (see participation.i18n), instead of a 404."""
    try:
        return wagtail_views.serve(request, path)
    except Http404:
        # Only when no page matched the path in this language; a 404 from a page's own view
        # (an answer that is not yours) stands.
        if getattr(request, "_wagtail_route_for_request", True) is not None:
            raise
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    components = [component for component in path.split("/") if component]
    route = _route_in_other_languages(request, site, components)
    if route is None:
        raise Http404
    request._wagtail_route_for_request = route
    # Editors' text keeps its own language in the markup ({% content_lang %}).
    request.content_language = route.page.locale.language_code
    return wagtail_views.serve(request, path)


def _route_in_other_languages(request, site, components):
    """The page at ``components`` in the default language's tree, else in another language's
    (in the order of settings.LANGUAGES), skipping the reader's, which Wagtail tried."""
    active = get_language()
    order = [code for code, _name in settings.LANGUAGES]
    translations = site.root_page.get_translations().select_related("locale")
    roots = [site.root_page] + sorted(
        translations,
        key=lambda root: (
            order.index(root.locale.language_code)
            if root.locale.language_code in order
            else len(order)
        ),
    )
    roots = [root for root in roots if root.locale.language_code != active]
    for root in roots:
        try:
            return root.specific.route(request, components)
        except Http404:
            continue
    return None
