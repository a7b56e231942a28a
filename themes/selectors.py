"""Reading themes: in the reader's language, with counts, and everything tagged with one."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from wagtail import hooks
from wagtail.models import Locale

from participation.i18n import active_locale, default_locale_id

from .models import Theme

THEMED_CONTENT_HOOK = "register_themed_content"


def canonical_themes():
    """Themes in the default locale: the rows that content is tagged with."""
    default = default_locale_id()  # kept per process: no query
    if default is None:
        return Theme.objects.filter(locale=Locale.get_default()).select_related("locale")
    return Theme.objects.filter(locale_id=default).select_related("locale")


def localized(themes) -> list[tuple[Theme, Theme]]:
    """Pairs (canonical, shown): `shown` is the translation in the active language when editors
    have made one, else the canonical theme itself (one query)."""
    themes = list(themes)
    try:
        active = active_locale()
    except Locale.DoesNotExist:
        return [(t, t) for t in themes]
    translations = {}
    if themes and any(t.locale_id != active.pk for t in themes):
        translations = {
            t.translation_key: t
            for t in Theme.objects.filter(
                locale=active, translation_key__in=[t.translation_key for t in themes]
            ).select_related("locale")
        }
    return [(t, translations.get(t.translation_key, t)) for t in themes]


def localized_names(themes) -> dict[int, str]:
    """Map canonical theme id -> name in the active language."""
    return {canonical.pk: shown.name for canonical, shown in localized(themes)}


def with_counts(queryset, field: str = "themes"):
    """Canonical themes annotated with how many rows of `queryset` carry each (one query)."""
    related = queryset.model._meta.get_field(field).related_query_name()
    in_queryset = Q(**{f"{related}__in": queryset.values("pk")})
    return canonical_themes().annotate(count=Count(related, filter=in_queryset, distinct=True))


@dataclass(frozen=True)
class ThemedItem:
    title: str
    url: str
    summary: str = ""
    kind: str = ""


@dataclass(frozen=True)
class ThemedSection:
    heading: str
    items: list[ThemedItem]
    # When the items may change with time alone (a call that opens or closes): the theme's
    # page keeps its cached sections until then (themes/views.py). None: only data changes.
    until: datetime | None = None


def themed_content(theme: Theme, request=None) -> list[ThemedSection]:
    """Everything tagged with `theme`, gathered from every plugin.

    A plugin registers a function with the `register_themed_content` hook; it takes the canonical
    theme and the request and returns a ThemedSection (or None when it has nothing).
    """
    sections = []
    for fn in hooks.get_hooks(THEMED_CONTENT_HOOK):
        section = fn(theme, request)
        if section and section.items:
            sections.append(section)
    return sections
