"""A chooser for long lists (languages, countries): checkboxes a phone and a screen reader can use.

Without JavaScript it is a plain list of labelled checkboxes in a scrolling region with a
visible border; ``participation/chooser.js`` adds a filter box and a live count of matches.
The chosen items are summarised above the list, so they stay visible however long it is.
"""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django import forms
from django.forms.utils import flatatt
from django.utils import translation


class Chooser(forms.CheckboxSelectMultiple):
    """Checkboxes with a filter. ``search_terms`` returns {value: extra words} the filter also
    matches (e.g. the English name and the name in the language itself), so a reader can type
    a name in the script they know whatever the interface language."""

    template_name = "participation/chooser.html"

    class Media:
        # The public site links both from base.html; the admin gets them from the form's media.
        css = {"all": ["participation/chooser.css"]}
        js = ["participation/chooser.js"]

    def __init__(self, attrs=None, choices=(), search_terms=None):
        super().__init__(attrs, choices)
        self.search_terms = search_terms

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        context["widget"]["chosen"] = [
            str(label) for code, label in self.choices if str(code) in chosen
        ]
        return context

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        terms = self.search_terms() if self.search_terms else {}
        for _group, options, _index in groups:
            for option in options:
                extra = terms.get(str(option["value"]))
                if extra:
                    option["attrs"]["data-search"] = extra
        return groups


class CompactChooser(Chooser):
    """The chooser as the Wagtail admin's page editor sends it, twice (the form, and its JSON
    copy for the client side): the same list, filter and summary in about half the markup.
    Each checkbox sits inside its label (no id and for= pair per option) and carries only the
    search words its label does not already hold."""

    template_name = "participation/chooser_compact.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        # What every checkbox shares (the help text's id, disabled), written out once.
        widget["option_attrs"] = flatatt({k: v for k, v in widget["attrs"].items() if k != "id"})
        widget["options"] = [
            (
                option["value"],
                option["label"],
                _words_beyond(str(option["label"]), option["attrs"].get("data-search", "")),
                option["selected"],
            )
            for _group, options, _index in widget["optgroups"]
            for option in options
        ]
        return context


def _words_beyond(label: str, words: str) -> str:
    """The search words not inside the label already: the filter (chooser.js) matches the
    label and these together, so a word the label contains finds nothing more."""
    return " ".join(word for word in words.split() if word not in label)


@lru_cache(maxsize=1)
def language_search_terms() -> dict[str, str]:
    """Per language code: the code, its English name and its own name (العربية, Українська)."""
    from participation.accounts.languages import LANGUAGE_CODES, language_name

    terms = {}
    for code in LANGUAGE_CODES:
        words = [code, language_name(code, "en")]
        try:
            own = Locale.parse(code).get_language_name(code)
        except (ValueError, UnknownLocaleError):
            own = None  # Babel has no data for a few (Avestan, Fijian...)
        if own:
            words.append(own)
        terms[code] = " ".join(words)
    return terms


@lru_cache(maxsize=1)
def country_search_terms() -> dict[str, str]:
    """Per country code: the code and the English name."""
    from django_countries import countries

    with translation.override("en"):
        return {code: f"{code} {name}" for code, name in countries}


def language_chooser(*, compact: bool = False, **kwargs) -> Chooser:
    """``compact=True``: the Wagtail admin's variant (``CompactChooser``)."""
    cls = CompactChooser if compact else Chooser
    return cls(search_terms=language_search_terms, **kwargs)


def country_chooser(**kwargs) -> Chooser:
    return Chooser(search_terms=country_search_terms, **kwargs)
