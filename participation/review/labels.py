"""A review process's name in the reader's language.

``ReviewProcess.name`` is stored once, in the default language ("Integration Award 2027 · Local
communities"), and stays the process's identifier. What people read is ``process.label``: the
owner's translation in the active language (the owner's optional classmethod
``review_process_titles``, see :mod:`participation.review.interface`), else the stored name,
marked as being in the default language (:class:`participation.i18n.InLanguage`).

Listings call :func:`label_processes` once for all their processes: owners are fetched with one
query per owner type and translations with one more, whatever the number of processes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import prefetch_related_objects
from django.utils.translation import get_language

from participation.i18n import InLanguage

_CACHE = "_labels"  # on the instance: {language: InLanguage}


def _language(language: str | None) -> str:
    return (language or get_language() or settings.LANGUAGE_CODE).lower()


def prefetch_owners(processes: Iterable) -> None:
    """Load the owners of ``processes`` in one query per owner type, with what the owner model's
    optional classmethod ``review_owner_queryset(queryset)`` adds (an award category's
    edition), so that reading their titles and time zones costs no query per process."""
    pending = [
        p
        for p in processes
        if p.owner_content_type_id and not p._meta.get_field("owner").is_cached(p)
    ]
    if not pending:
        return
    querysets = []
    for type_id in {p.owner_content_type_id for p in pending}:
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:  # the plugin was removed: the owner reads as None
            continue
        queryset = model._default_manager.all()
        method = getattr(model, "review_owner_queryset", None)
        querysets.append(method(queryset) if callable(method) else queryset)
    prefetch_related_objects(pending, GenericPrefetch("owner", querysets))


def label_processes(processes: Iterable, language: str | None = None) -> list:
    """Work out ``label`` of every process in ``language`` (the active one by default) at
    once. Returns the processes as a list."""
    processes = list(processes)
    language = _language(language)
    pending = [p for p in processes if language not in p.__dict__.get(_CACHE, {})]
    titles: dict[int, str] = {}
    if pending and language != settings.LANGUAGE_CODE.lower():
        prefetch_owners(pending)
        by_model = defaultdict(list)
        for process in pending:
            method = getattr(type(process.owner), "review_process_titles", None)
            if process.owner is not None and callable(method):
                by_model[type(process.owner)].append(process)
        for model, group in by_model.items():
            titles.update(model.review_process_titles(group, language) or {})
    for process in pending:
        title = titles.get(process.pk)
        process.__dict__.setdefault(_CACHE, {})[language] = (
            InLanguage(title, language)
            if title
            else InLanguage(process.name, settings.LANGUAGE_CODE)
        )
    return processes


def process_label(process, language: str | None = None) -> InLanguage:
    language = _language(language)
    if language not in process.__dict__.get(_CACHE, {}):
        label_processes([process], language)
    return process.__dict__[_CACHE][language]


def share_processes(objects: Iterable, attribute: str = "process") -> dict:
    """One instance per process among ``objects`` (phases, reviewers, items fetched with
    ``select_related``, each with its own copy), with its owner (time zone) and its label in
    the active language fetched once for all: {pk: process}."""
    shared: dict[int, object] = {}
    for obj in objects:
        process = getattr(obj, attribute)
        setattr(obj, attribute, shared.setdefault(process.pk, process))
    prefetch_owners(shared.values())
    label_processes(shared.values())
    return shared
