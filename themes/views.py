from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation

from participation.fragments import CACHE_SECONDS

from .models import Theme
from .selectors import canonical_themes, localized, themed_content


def index(request):
    pairs = localized(canonical_themes())
    groups = [
        (label, [pair for pair in pairs if pair[0].kind == kind])
        for kind, label in Theme.Kind.choices
    ]
    return render(request, "themes/index.html", {"groups": groups})


def detail(request, slug):
    theme = get_object_or_404(canonical_themes(), slug=slug)
    [(_canonical, shown)] = localized([theme])
    return render(
        request,
        "themes/detail.html",
        {"theme": theme, "shown": shown, "sections": cached_sections(theme, request)},
    )


def cached_sections(theme, request):
    """The sections of every plugin, read once per version of the pages they list (themes/
    versions.py: bumped in the transaction of every publication, move, restriction, ...),
    language and host (links are relative to the request's site), and kept no longer than
    the first moment a section changes with time alone (a call opening or closing)."""
    from . import versions

    key = "themes:sections:{}:{}:{}:{}".format(
        theme.pk, translation.get_language() or "", request.get_host(), versions.current()
    )
    sections = cache.get(key)
    if sections is None:
        sections = themed_content(theme, request)
        now = timezone.now()
        ends = [s.until for s in sections if s.until is not None]
        seconds = min([CACHE_SECONDS, *((end - now).total_seconds() for end in ends)])
        if seconds >= 1:
            cache.set(key, sections, int(seconds))
    return sections
