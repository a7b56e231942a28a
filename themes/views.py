from django.shortcuts import get_object_or_404, render
from wagtail.models import Locale

from .models import Theme
from .selectors import canonical_themes, localized_names, themed_content


def index(request):
    themes = list(canonical_themes())
    names = localized_names(themes)
    groups = [
        (label, [(t, names[t.pk]) for t in themes if t.kind == kind])
        for kind, label in Theme.Kind.choices
    ]
    return render(request, "themes/index.html", {"groups": groups})


def detail(request, slug):
    theme = get_object_or_404(canonical_themes(), slug=slug)
    # Show the translation in the reader's language when editors have made one.
    shown = theme
    try:
        shown = theme.get_translation(Locale.get_active())
    except (Theme.DoesNotExist, Locale.DoesNotExist):
        pass
    return render(
        request,
        "themes/detail.html",
        {"theme": theme, "shown": shown, "sections": themed_content(theme, request)},
    )
