"""The admin's variant of the languages chooser (participation.widgets.CompactChooser): the same
choices, ticks and filter words as the public one, in far less markup."""

import re

from consultations.choices import content_language_choices
from participation.widgets import language_chooser, language_search_terms

HELP = "panel-child-accepted_languages-helptext"
ATTRS = {"id": "id_accepted_languages", "aria-describedby": HELP}


def _render(compact, value=("ar", "uk")):
    widget = language_chooser(compact=compact)
    widget.choices = content_language_choices()
    return widget, widget.render("accepted_languages", list(value), attrs=dict(ATTRS))


def test_each_checkbox_inside_its_label_with_the_help_text_and_its_tick():
    widget, html = _render(compact=True)
    options = re.findall(r"<li><label>(<input [^>]*>)([^<]+)</label></li>", html)
    assert len(options) == len(widget.choices) == html.count('type="checkbox"')
    labels = dict(widget.choices)
    for field, label in options:
        value = re.search(r'value="([^"]+)"', field).group(1)
        assert label == str(labels[value])
        assert f'aria-describedby="{HELP}"' in field and " id=" not in field
        assert (" checked" in field) == (value in ("ar", "uk"))
    assert " for=" not in html and 'id="id_accepted_languages"' in html
    assert re.search(r'id="id_accepted_languages_chosen">.*Arabic, Ukrainian', html, re.S)


def test_the_filter_finds_every_language_by_the_same_words():
    widget, html = _render(compact=True)
    terms = language_search_terms()
    found = {}
    for field, label in re.findall(r"<label>(<input [^>]*>)([^<]+)</label>", html):
        value = re.search(r'value="([^"]+)"', field).group(1)
        search = re.search(r'data-search="([^"]*)"', field)
        found[value] = f"{label} {search.group(1) if search else ''}"
    assert len(found) == len(widget.choices)
    for code, words in found.items():
        # chooser.js matches what is typed inside the label and the search words together
        assert all(word in words for word in terms[code].split()), code
    assert "العربية" in found["ar"] and "українська" in found["uk"]


def test_compact_chooser_is_much_lighter_and_the_public_one_unchanged():
    _widget, compact = _render(compact=True)
    _widget, public = _render(compact=False)
    assert len(compact) < 0.75 * len(public)
    assert '<label for="id_accepted_languages_0">' in public  # the public forms' markup
    widget = language_chooser(compact=True)
    assert widget.value_from_datadict(
        {"accepted_languages": ["ar", "fr"]}, {}, "accepted_languages"
    ) == ["ar", "fr"]
