from django.shortcuts import get_object_or_404, render

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
        {"theme": theme, "shown": shown, "sections": themed_content(theme, request)},
    )
