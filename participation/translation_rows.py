"""Labels per language for data that are not pages (commitments, indicators, process names).

Pages and snippets are translated as copies (Wagtail's ``TranslatableMixin``). Some data must
stay one object whatever the language: a commitment has its followers, updates and figures,
an indicator its values. Such a model keeps its text in the default language and gets a child
model of ``TranslationRow``: one row per other language, edited in an ``InlinePanel`` beside
the original (the parent is a ``ClusterableModel``). ``localised(obj, field)`` reads the text
in the active language, or the original when there is none, and says which language it gave,
so a template can mark the original with its own ``lang`` and ``dir``.

    class CommitmentTranslation(TranslationRow):
        parent = ParentalKey(Commitment, related_name="translations", on_delete=CASCADE)
        title = models.CharField(max_length=255, blank=True)

        class Meta(TranslationRow.Meta):
            verbose_name = _("translation of a commitment")

and, in Commitment's panels, ``InlinePanel("translations")`` (the row's fields are its form).

Lists read the rows in one query: ``with_translations(queryset)``.
"""

import hashlib
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

RELATED_NAME = "translations"


def translation_language_choices():
    """The offered languages but the default (its text is the original's). Read when used,
    so a language added to or held back from the site never needs a migration."""
    from participation.i18n import offered_language_choices

    return [(c, name) for c, name in offered_language_choices() if c != settings.LANGUAGE_CODE]


class TranslationRow(models.Model):
    """One language's text of a parent object. A subclass adds ``parent`` (a ParentalKey with
    ``related_name="translations"``) and the translated fields, each ``blank=True``: a field
    left empty shows the original's text."""

    language = models.CharField(_("language"), max_length=12, choices=translation_language_choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "language"], name="%(app_label)s_%(class)s_one_per_language"
            )
        ]

    def __str__(self):
        return self.get_language_display()

    @classmethod
    def translated_fields(cls) -> list[str]:
        """The parent's fields this row translates: its own text fields."""
        return [
            f.name
            for f in cls._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and f.name != "language"
        ]


class Localised(NamedTuple):
    """A text and the language it is written in."""

    text: str
    language: str

    def __str__(self):
        return self.text


def _active() -> str:
    return (get_language() or settings.LANGUAGE_CODE).lower()


def _row_for(obj, language: str):
    if language == settings.LANGUAGE_CODE.lower():
        return None  # no query: the original is the default language's text
    rows = getattr(obj, RELATED_NAME, None)
    if rows is None:
        return None
    found = {row.language.lower(): row for row in rows.all()}  # prefetched: with_translations
    # "fr-be" reads French when no Belgian French row exists.
    return found.get(language) or found.get(language.split("-")[0])


def localised(obj, field: str, language: str | None = None) -> Localised:
    """``obj.field`` in ``language`` (by default the active one): its translation row's text
    when it has one, else the original's, in the default language."""
    row = _row_for(obj, (language or _active()).lower())
    text = getattr(row, field, "") if row is not None else ""
    if text and text.strip():
        return Localised(text, row.language)
    return Localised(getattr(obj, field) or "", settings.LANGUAGE_CODE)


def localised_text(obj, field: str, language: str | None = None) -> str:
    return localised(obj, field, language).text


def with_translations(queryset, language: str | None = None, *, every_language=False):
    """``queryset`` with the rows a page needs read in one query: the active language's (none
    in the default language: nothing to read), or ``every_language`` (open data, emails to
    followers in their own languages)."""
    if every_language:
        return queryset.prefetch_related(RELATED_NAME)
    language = (language or _active()).lower()
    if language == settings.LANGUAGE_CODE.lower():
        return queryset
    rows = queryset.model._meta.get_field(RELATED_NAME).related_model
    base = language.split("-")[0]
    return queryset.prefetch_related(
        Prefetch(RELATED_NAME, queryset=rows.objects.filter(language__in={language, base}))
    )


def fingerprint(objects, fields) -> str:
    """A short digest of what ``objects`` show in the active language (``fields``): part of a
    cache key, so a cached rendering is dropped when an editor changes a text or a row."""
    digest = hashlib.blake2b(digest_size=12)
    for obj in objects:
        for name in fields:
            text, language = localised(obj, name)
            digest.update(f"{obj.pk}\x1f{name}\x1f{language}\x1f{text}\x1e".encode())
    return digest.hexdigest()
