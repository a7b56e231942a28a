"""The demo in every interface language, made with Wagtail's own translation workflow.

The English demo's text (``strings.json`` in ``demo_content/``, written by ``manage.py
demo_strings``) is translated once per language into ``demo_content/<code>.json``
(``{English text: translation}``). ``load_demo`` then copies each demo page and snippet for a
locale with ``copy_for_translation`` and replaces every text by its translation, as a translator
would in the admin. Answers, applications and nominations given on a translated call still land
on the original (participation.i18n).

A text is anything a reader reads: text fields, rich text, and the prose inside StreamFields
(questionnaire labels, help texts, option labels, section headings), of the object and of its
child objects (award categories, eligibility criteria, outcome items). Identifiers are not text:
slugs, keys, stored option values, conditions, addresses, codes.
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import override
from modelcluster.models import get_all_child_relations
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.tasks import update_reference_index_task

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
STRINGS_FILE = CONTENT_DIR / "strings.json"

# Text fields that hold identifiers, not prose (slugs, addresses and choices are left out by
# their type): a page's place in the tree, keys, an SPDX licence code, the question keys and
# receipt numbers an outcome item refers to.
NOT_PROSE_FIELDS = {"path", "key", "licence", "question_keys", "receipts"}
# Inside StreamFields: a question's key and an option's stored value are what answers are
# stored under, and a condition names them; translating them would break the answers.
NOT_PROSE_BLOCKS = {"key", "value", "show_if"}
TEXT_BLOCKS = (blocks.CharBlock, blocks.TextBlock, blocks.RichTextBlock)

HTML_TAG = re.compile(r"<[^>]+>")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")


@dataclass(frozen=True)
class Text:
    text: str
    note: str = ""


class MissingTranslations(Exception):
    def __init__(self, missing):
        super().__init__(f"{len(missing)} texts have no translation")
        self.missing = missing


# --- Finding the text of an object ----------------------------------------------------------------


@cache
def _field_note(model, name: str, *, rich: bool = False) -> str:
    with override(settings.LANGUAGE_CODE):
        where = f"{model._meta.verbose_name} › {name}"
    return where + (" (HTML: keep the tags)" if rich else "")


def _text_fields(model):
    """(field, kind) for the fields of ``model`` that readers read: "text", "rich" or "stream"."""
    for field in model._meta.concrete_fields:
        if not field.editable or field.name in NOT_PROSE_FIELDS:
            continue
        if isinstance(field, StreamField):
            yield field, "stream"
        elif isinstance(field, RichTextField):
            yield field, "rich"
        elif (
            isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
        ):
            yield field, "text"


def _rewrite_block(block, value, change, where: str):
    """``value`` (raw StreamField data of ``block``) with ``change`` applied to its texts."""
    if isinstance(block, blocks.StreamBlock):
        items = []
        for item in value or []:
            child = block.child_blocks.get(item.get("type"))
            if child is None:
                items.append(item)
                continue
            new = _rewrite_block(child, item.get("value"), change, f"{where} › {item['type']}")
            items.append(item if new is item.get("value") else {**item, "value": new})
        return items if any(a is not b for a, b in zip(items, value or [], strict=True)) else value
    if isinstance(block, blocks.StructBlock):
        if not isinstance(value, dict):
            return value
        changed = {}
        for name, child in block.child_blocks.items():
            if name in NOT_PROSE_BLOCKS or name not in value:
                continue
            new = _rewrite_block(child, value[name], change, f"{where} › {name}")
            if new is not value[name]:
                changed[name] = new
        return {**value, **changed} if changed else value
    if isinstance(block, blocks.ListBlock):
        items = []
        for item in value or []:
            # Stored either as {"type": "item", "value": ..., "id": ...} or as bare values.
            wrapped = isinstance(item, dict) and item.get("type") == "item" and "value" in item
            inner = item["value"] if wrapped else item
            new = _rewrite_block(block.child_block, inner, change, where)
            if new is inner:
                items.append(item)
            else:
                items.append({**item, "value": new} if wrapped else new)
        return items if any(a is not b for a, b in zip(items, value or [], strict=True)) else value
    if isinstance(block, TEXT_BLOCKS) and isinstance(value, str) and value.strip():
        rich = isinstance(block, blocks.RichTextBlock)
        new = change(value, where + (" (HTML: keep the tags)" if rich else ""))
        return value if new == value else new
    return value


def _rewrite(instance, change: Callable[[str, str], str]) -> bool:
    """Apply ``change(text, note) -> new text`` to every text of ``instance`` and its child
    objects, in memory. Returns whether anything changed."""
    changed = False
    for field, kind in _text_fields(type(instance)):
        value = getattr(instance, field.attname)
        if kind == "stream":
            raw = list(value.get_prep_value()) if value is not None else []
            where = _field_note(type(instance), field.name)
            new = _rewrite_block(field.stream_block, raw, change, where)
            if new is not raw:
                setattr(instance, field.attname, new)
                changed = True
        elif isinstance(value, str) and value.strip():
            note = _field_note(type(instance), field.name, rich=kind == "rich")
            new = change(value, note)
            if new != value:
                setattr(instance, field.attname, new)
                changed = True
    for relation in get_all_child_relations(type(instance)):
        if relation.related_model._meta.app_label == "wagtailcore":
            continue  # editors' comments in the admin, not content
        name = relation.get_accessor_name()
        children = list(getattr(instance, name).all())
        if any([_rewrite(child, change) for child in children]):
            setattr(instance, name, children)  # modelcluster keeps them in memory until saved
            changed = True
    return changed


def _with_format_notes(text: str, note: str) -> str:
    hints = []
    if PLACEHOLDER.search(text):
        hints.append("keep the {placeholders} as they are")
    if "\n" in text.strip():
        hints.append("keep the line breaks")
    return "; ".join([note, *hints]) if hints else note


def translatable_strings(instance) -> list[Text]:
    """The texts of ``instance`` (a page, snippet or other model) that a translation replaces,
    in reading order, each once, with a note for translators (where it is, what to keep)."""
    found: dict[str, Text] = {}

    def collect(text, note):
        found.setdefault(text, Text(text, _with_format_notes(text, note)))
        return text

    _rewrite(instance, collect)
    return list(found.values())


# --- Copying an object into another language ------------------------------------------------------


def missing_strings(instance, translations: dict[str, str]) -> list[str]:
    return [t.text for t in translatable_strings(instance) if not translations.get(t.text)]


def copy_translated(instance, locale: Locale, translations: dict[str, str]):
    """A copy of ``instance`` in ``locale`` made with Wagtail's ``copy_for_translation`` (a
    page's parent must be translated first), every text replaced by its translation, published
    (pages) or saved (snippets). Raises MissingTranslations, creating nothing, when a text has
    no translation: a half-English copy is worse than none (readers then get the original)."""
    missing = missing_strings(instance, translations)
    if missing:
        raise MissingTranslations(missing)

    def translate(text, _note):
        return translations[text]

    if not isinstance(instance, Page):
        copy = instance.copy_for_translation(locale)  # unsaved
        _rewrite(copy, translate)
        copy.save()
        return copy
    # A page is translated on a fresh in-memory instance of the original before it is copied,
    # so that the copy's first revision (copy_for_translation saves one, and validates the
    # page) is the translated page, published as it is: one revision per translation instead
    # of two (measured: 15 % less time for the demo's 14 languages). The original is never
    # saved: ``source`` is only read by the copy.
    source = type(instance).objects.get(pk=instance.pk)
    _rewrite(source, translate)
    copy = source.copy_for_translation(locale)
    copy.get_latest_revision().publish()
    return type(copy).objects.get(pk=copy.pk)  # as published


# --- The demo's content files ---------------------------------------------------------------------


def read_strings() -> list[Text]:
    if not STRINGS_FILE.exists():
        return []
    entries = json.loads(STRINGS_FILE.read_text(encoding="utf-8"))
    return [Text(e["text"], e.get("note", "")) for e in entries]


def strings_json(texts: Iterable[Text]) -> str:
    """The content of strings.json: one entry per text, sorted by their words (a rich text
    beside the same words without tags)."""
    unique = {t.text: t for t in texts}
    entries = [{"text": t.text, "note": t.note} for t in sorted(unique.values(), key=_order)]
    return json.dumps(entries, ensure_ascii=False, indent=2) + "\n"


def translations_json(translations: dict[str, str]) -> str:
    """The content of a language's file, in the order of strings.json."""
    ordered = sorted(translations.items(), key=lambda item: _order(Text(item[0])))
    return json.dumps(dict(ordered), ensure_ascii=False, indent=2) + "\n"


def _order(text: Text):
    words = HTML_TAG.sub("", text.text)
    return (words.casefold(), text.text)


def content_file(code: str) -> Path:
    return CONTENT_DIR / f"{code}.json"


def read_translations(code: str) -> dict[str, str]:
    """``{English text: translation}`` of a language, {} when it has no content file."""
    path = content_file(code)
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def content_languages() -> list[str]:
    """Offered interface languages (settings.LANGUAGES) but the default that have a content
    file, in the switcher's order."""
    return [
        code
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE and content_file(code).exists()
    ]


def format_problems(english: str, translated: str) -> list[str]:
    """What a translation lost of its English text: HTML tags, placeholders, line breaks."""
    problems = []
    if sorted(HTML_TAG.findall(english)) != sorted(HTML_TAG.findall(translated)):
        problems.append("HTML tags differ")
    if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(translated)):
        problems.append("placeholders differ")
    if english.strip().count("\n") != translated.strip().count("\n"):
        problems.append("number of lines differs")
    return problems


# --- The demo's objects ---------------------------------------------------------------------------


def demo_objects() -> list:
    """The default language's demo content, parents before children: the site's pages (home
    first), then the themes and the letters to applicants."""
    from wagtail.models import Site

    from expertgroup.models import LetterTemplate
    from themes.models import Theme

    default = Locale.get_default()
    objects = []
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        root = site.root_page
        if root.locale_id != default.pk:
            root = root.get_translation_or_none(default) or root
        objects += list(root.get_descendants(inclusive=True).filter(locale=default).specific())
    objects += list(Theme.objects.filter(locale=default).order_by("sort_order", "pk"))
    objects += list(LetterTemplate.objects.filter(locale=default).order_by("kind"))
    return objects


def demo_strings() -> list[Text]:
    """Every text of the demo, each once (the content of strings.json)."""
    found: dict[str, Text] = {}
    for instance in demo_objects():
        for text in translatable_strings(instance):
            found.setdefault(text.text, text)
    for instance in demo_data():
        for text in row_strings(instance):
            found.setdefault(text.text, text)
    return list(found.values())


# --- Data with translation rows (participation.translation_rows) ----------------------------------
#
# Commitments and indicators stay one object in every language: they are not copied, they get a
# translation row per language, filled from the same content files.


def row_models() -> list:
    """Models whose other languages are ``TranslationRow`` children (``translations``)."""
    from django.apps import apps

    from participation.translation_rows import RELATED_NAME, TranslationRow

    found = []
    for model in apps.get_models():
        relation = next(
            (r for r in model._meta.related_objects if r.get_accessor_name() == RELATED_NAME),
            None,
        )
        if relation is not None and issubclass(relation.related_model, TranslationRow):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label)


def demo_data() -> list:
    """The demo's objects that have translation rows, in a stable order."""
    objects = []
    for model in row_models():
        objects += list(model.objects.order_by("pk").prefetch_related("translations"))
    return objects


def _row_model(instance):
    return type(instance)._meta.get_field("translations").related_model


def row_strings(instance) -> list[Text]:
    """The texts of ``instance`` that its translation rows translate (its text fields that a
    row has too), with a note for translators."""
    texts = []
    for name in _row_model(instance).translated_fields():
        value = getattr(instance, name, "")
        if isinstance(value, str) and value.strip():
            note = _field_note(type(instance), name)
            texts.append(Text(value, _with_format_notes(value, note)))
    return texts


def translate_rows(instance, code: str, translations: dict[str, str]) -> tuple[bool, list[str]]:
    """Give ``instance`` its row in ``code`` from ``translations``. Returns (made a row, texts
    missing): a file that cannot translate every text of the object makes no row (readers then
    see the original, marked as such, never half of it translated)."""
    if any(row.language == code for row in instance.translations.all()):
        return False, []
    texts = [t.text for t in row_strings(instance)]
    missing = [text for text in texts if not translations.get(text)]
    if missing:
        return False, missing
    fields = {}
    for name in _row_model(instance).translated_fields():
        value = getattr(instance, name, "")
        if isinstance(value, str) and value.strip():
            fields[name] = translations[value]
    _row_model(instance).objects.create(parent=instance, language=code, **fields)
    return True, []


@dataclass
class LanguageReport:
    code: str
    objects: int = 0  # demo pages and snippets
    created: int = 0
    missing: set | None = None
    left_in_english: int = 0
    items: int = 0  # data with translation rows (commitments, indicators)
    items_in_english: int = 0


def translate_demo(codes: Iterable[str]) -> list[LanguageReport]:
    """Translate every demo object not yet translated into each language of ``codes`` from
    its content file. An object with a text missing from the file is left untranslated (and
    its child pages with it); the reports say how many texts and objects."""
    objects = demo_objects()
    data = demo_data()
    texts = {id(o): [t.text for t in translatable_strings(o)] for o in objects}
    pages_by_path = {o.path: o for o in objects if isinstance(o, Page)}
    reports = []
    for code in codes:
        translations = read_translations(code)
        locale, _created = Locale.objects.get_or_create(language_code=code)
        report = LanguageReport(code, objects=len(objects), items=len(data), missing=set())
        translated = _translated_keys(locale)
        for instance in objects:
            base = Page if isinstance(instance, Page) else type(instance)
            if (base, instance.translation_key) in translated:
                continue
            missing = [text for text in texts[id(instance)] if not translations.get(text)]
            if missing:
                report.missing.update(missing)
                report.left_in_english += 1
                continue
            if isinstance(instance, Page):
                parent = pages_by_path.get(instance.path[: -Page.steplen])
                if parent is not None and (Page, parent.translation_key) not in translated:
                    report.left_in_english += 1  # its parent could not be translated
                    continue
            # Wagtail updates a page's reference index on each of the copy's saves (about
            # four); once, when the copy is done, gives the same index in less time.
            with disable_reference_index_auto_update():
                copy = copy_translated(instance, locale, translations)
            update_reference_index_task.enqueue(
                copy._meta.app_label, copy._meta.model_name, str(copy.pk)
            )
            translated.add((base, instance.translation_key))
            report.created += 1
        for instance in data:
            created, missing = translate_rows(instance, code, translations)
            report.created += created
            if missing:
                report.missing.update(missing)
                report.items_in_english += 1
        reports.append(report)
    return reports


def _translated_keys(locale) -> set[tuple]:
    """(Page or snippet model, translation key) of what already has a copy in ``locale``."""
    from expertgroup.models import LetterTemplate
    from themes.models import Theme

    keys = set()
    for model in (Page, Theme, LetterTemplate):
        found = model.objects.filter(locale=locale).values_list("translation_key", flat=True)
        keys.update((model, key) for key in found)
    return keys
