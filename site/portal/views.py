from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Locale, Page
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
        pages = Page.objects.live().public().filter(locale=locale).specific().search(parsed)
        backend = get_search_backend()
        organisations = backend.search(query, Organisation.objects.filter(verified=True))[:10]
        themes = backend.search(query, Theme.objects.filter(locale=locale))[:10]
    page = Paginator(pages, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/search.html",
        {"query": query, "page": page, "organisations": organisations, "themes": themes},
    )
