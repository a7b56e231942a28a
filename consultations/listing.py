"""The consultation index: filters by theme, state and language, each option with its count.

Consultations number in the hundreds at most, so facets are counted in Python over one query
(with themes prefetched); the query count does not grow with the number of consultations.
"""

from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from participation.accounts.languages import language_name
from participation.i18n import with_submissions_pages
from themes.selectors import canonical_themes, localized_names

from .models import ConsultationPage


@dataclass
class Facet:
    name: str
    label: str
    options: list = field(default_factory=list)  # (value, label, count, checked)


@dataclass
class Listing:
    consultations: list
    facets: list
    total: int
    selected_count: int


def _selected(params: QueryDict, name: str, allowed: set[str]) -> set[str]:
    return {v for v in params.getlist(name) if v in allowed}


def consultation_listing(index_page, request) -> Listing:
    # A translated consultation's state is its original's: resolved in one query for all.
    pages = with_submissions_pages(
        ConsultationPage.objects.live()
        .public()
        .child_of(index_page)
        .prefetch_related("themes")
        .order_by("-opens_at", "title")
    )
    themes = list(canonical_themes())
    theme_names = localized_names(themes)
    states = list(ConsultationPage.State.choices)
    languages = sorted({code for page in pages for code in page.accepted_languages})

    def facts(page):
        return {
            "theme": {t.slug for t in page.themes.all()},
            "state": {page.state},
            # No list means every language is welcome.
            "language": set(page.accepted_languages) or set(languages),
        }

    params = request.GET
    chosen = {
        "theme": _selected(params, "theme", {t.slug for t in themes}),
        "state": _selected(params, "state", {s for s, _l in states}),
        "language": _selected(params, "language", set(languages)),
    }
    page_facts = [(page, facts(page)) for page in pages]
    for page in pages:  # theme names in the reader's language, without a query per card
        page.theme_labels = [(t.slug, theme_names.get(t.pk, t.name)) for t in page.themes.all()]

    def matches(fact, skip=None):
        return all(not want or (fact[name] & want) for name, want in chosen.items() if name != skip)

    def count(name, value):
        return sum(1 for _p, fact in page_facts if value in fact[name] and matches(fact, skip=name))

    facets = [
        Facet(
            "state",
            _("State"),
            [(s, label, count("state", s), s in chosen["state"]) for s, label in states],
        ),
        Facet(
            "theme",
            _("Theme"),
            [
                (t.slug, theme_names[t.pk], count("theme", t.slug), t.slug in chosen["theme"])
                for t in themes
            ],
        ),
        Facet(
            "language",
            _("Language"),
            [
                (code, language_name(code), count("language", code), code in chosen["language"])
                for code in languages
            ],
        ),
    ]
    selected = [page for page, fact in page_facts if matches(fact)]
    return Listing(selected, facets, len(pages), len(selected))
