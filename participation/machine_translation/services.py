"""Translating texts once and reading the translations back.

``translate_missing`` sends only the texts the cache lacks (in batches, grouped by language
pair) and stores each batch as it comes back; ``lookup`` reads a page's translations in one
query. Both do nothing (no query, no request) when the backend is "none".
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from . import conf
from .backends import BACKEND_CLASSES, ServiceUnavailable, TranslationError, UnsupportedLanguage
from .models import MachineTranslation, PendingTranslation, TranslatedVersion

logger = logging.getLogger("participation.machine_translation")

MAX_FAILURES = 3  # failures on one object's texts, while others translate, before it is given up

__all__ = [
    "ServiceUnavailable",
    "TranslationError",
    "UnsupportedLanguage",
    "digest",
    "get_backend",
    "lookup",
    "mark_failed",
    "mark_translated",
    "stamp",
    "target_languages",
    "translate_missing",
]


def get_backend():
    """The configured backend, or None for "none"."""
    name = conf.backend_name()
    if name == "none":
        return None
    extra = {}
    if name == "etranslation":
        extra = {"application": conf.get("APPLICATION"), "domain": conf.get("DOMAIN")}
    return BACKEND_CLASSES[name](conf.get("URL"), conf.get("API_KEY"), conf.get("TIMEOUT"), **extra)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def base(code: str) -> str:
    return (code or "").split("-")[0].lower()


def needs_translation(source: str, target: str) -> bool:
    """A text of a known language into another language (an English text is not translated
    into en-gb)."""
    return bool(source and target) and base(source) != base(target)


def interface_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def editor_languages() -> set[str]:
    """The admin languages of active staff: each one's Wagtail admin preference, else the
    language of their account, else the site's default (what the admin shows them)."""
    from django.contrib.auth import get_user_model

    offered = set(interface_languages())
    found = set()
    rows = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .values_list("wagtail_userprofile__preferred_language", "preferred_language")
        .distinct()
    )
    for admin_language, own_language in rows:
        code = admin_language or own_language or settings.LANGUAGE_CODE
        found.add(code if code in offered else settings.LANGUAGE_CODE)
    return found


def target_languages() -> list[str]:
    """The languages to translate into: the editors' and those the setting adds (["*"]: every
    interface language, for readers of published answers)."""
    extra = conf.get("LANGUAGES") or []
    offered = interface_languages()
    wanted = set(offered) if "*" in extra else {code for code in extra if code in offered}
    return sorted(wanted | editor_languages())


def signature(targets: Iterable[str]) -> str:
    """What a run promised: the backend and the languages (a change makes everything due)."""
    return f"{conf.backend_name()}:{','.join(sorted(targets))}"[:255]


@dataclass
class Outcome:
    sent: int = 0  # texts sent to the service
    cached: int = 0  # texts already translated
    waiting: int = 0  # texts sent to an asynchronous service, not back yet
    skipped: list[str] = field(default_factory=list)  # reasons, for the task's log


def _batches(texts: list[str]):
    size, limit = int(conf.get("BATCH_SIZE")), int(conf.get("BATCH_CHARACTERS"))
    batch, characters = [], 0
    for text in texts:
        if batch and (len(batch) >= size or characters + len(text) > limit):
            yield batch
            batch, characters = [], 0
        batch.append(text)
        characters += len(text)
    if batch:
        yield batch


def translate_missing(items: Iterable[tuple[str, str]], targets: Iterable[str]) -> Outcome:
    """Translate every (text, source language) into each target the cache lacks. Each batch is
    stored as soon as it is translated; a failing request raises TranslationError (what was
    stored stays; the rest is tried again by the next run). A pair the service does not
    translate is skipped and said so in the outcome."""
    backend = get_backend()
    outcome = Outcome()
    if backend is None:
        return outcome
    name = conf.backend_name()
    max_characters = int(conf.get("MAX_CHARACTERS"))
    wanted = defaultdict(dict)  # (source, target) -> {hash: text}
    for text, source in items:
        if not text or not text.strip():
            continue
        for target in targets:
            if needs_translation(source, target):
                wanted[(source, target)][digest(text)] = text
    for (source, target), by_hash in sorted(wanted.items()):
        done = set(
            MachineTranslation.objects.filter(
                backend=name,
                source_language=source,
                target_language=target,
                source_hash__in=list(by_hash),
            ).values_list("source_hash", flat=True)
        )
        outcome.cached += len(done)
        missing = [(key, text) for key, text in by_hash.items() if key not in done]
        if not missing:
            continue
        if backend.asynchronous:
            _submit(backend, name, source, target, missing, outcome)
            continue
        try:
            for batch in _batches(missing_texts := [text for _key, text in missing]):
                sent = [text[:max_characters] for text in batch]
                translated = backend.translate(sent, source, target)
                MachineTranslation.objects.bulk_create(
                    [
                        MachineTranslation(
                            source_hash=digest(original),
                            source_language=source,
                            target_language=target,
                            backend=name,
                            text=result,
                            truncated=len(original) > max_characters,
                        )
                        for original, result in zip(batch, translated, strict=True)
                    ],
                    ignore_conflicts=True,  # another worker translated it meanwhile
                )
                outcome.sent += len(batch)
        except UnsupportedLanguage as error:
            outcome.skipped.append(f"{source}->{target}: {error} ({len(missing_texts)} texts)")
            logger.warning("Machine translation skipped %s->%s: %s", source, target, error)
    return outcome


def _submit(backend, name, source, target, missing, outcome) -> None:
    """Send each missing text to an asynchronous service, one request each, unless it was sent
    less than RESEND_AFTER ago or MAX_FAILURES times already; the translation comes back to
    ``receive`` (a failing request raises, as a synchronous one does: what was sent stays)."""
    from datetime import timedelta

    from django.utils import timezone

    limit = min(int(conf.get("MAX_CHARACTERS")), backend.MAX_CHARACTERS)
    now = timezone.now()
    again = now - timedelta(seconds=int(conf.get("RESEND_AFTER")))
    pending = {
        row.source_hash: row
        for row in PendingTranslation.objects.filter(
            backend=name,
            source_language=source,
            target_language=target,
            source_hash__in=[key for key, _text in missing],
        )
    }
    for key, text in missing:
        row = pending.get(key)
        if row is not None and (row.sent_at > again or row.attempts >= MAX_FAILURES):
            outcome.waiting += 1
            if row.attempts >= MAX_FAILURES and row.sent_at <= again:
                outcome.skipped.append(
                    f"{source}->{target}: sent {row.attempts} times, no translation came back"
                    + (f" ({row.error})" if row.error else "")
                )
            continue
        if row is None:
            row = PendingTranslation(
                source_hash=key,
                source_language=source,
                target_language=target,
                backend=name,
                text=text[:limit],
                truncated=len(text) > limit,
                attempts=0,
            )
        row.request_id = backend.submit(
            row.text,
            source,
            target,
            str(row.reference),
            callback_url(row.reference, "done"),
            callback_url(row.reference, "error"),
        )
        row.sent_at, row.attempts, row.error = now, row.attempts + 1, ""
        row.save()
        outcome.sent += 1
        outcome.waiting += 1


def callback_url(reference, outcome: str) -> str:
    """Where an asynchronous service posts a translation (``outcome`` "done") or its failure
    ("error"): this site's public address (CALLBACK_URL) and the text's reference."""
    from django.core.exceptions import ImproperlyConfigured
    from django.urls import reverse

    base = (conf.get("CALLBACK_URL") or "").rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            "PARTICIPATION_MACHINE_TRANSLATION: CALLBACK_URL, this site's public address, is "
            "needed for eTranslation to send the translations back."
        )
    return base + reverse("machine_translation:callback", args=[reference, outcome])


def receive(reference, translated: str) -> bool:
    """Store the translation an asynchronous service sent back for the text ``reference``
    names; False when no text waits under it (unknown, or already received)."""
    from django.db import transaction

    with transaction.atomic():
        row = PendingTranslation.objects.select_for_update().filter(reference=reference).first()
        if row is None:
            return False
        MachineTranslation.objects.bulk_create(
            [
                MachineTranslation(
                    source_hash=row.source_hash,
                    source_language=row.source_language,
                    target_language=row.target_language,
                    backend=row.backend,
                    text=translated,
                    truncated=row.truncated,
                )
            ],
            ignore_conflicts=True,
        )
        row.delete()
    return True


def refused(reference, error: str) -> bool:
    """Record the failure an asynchronous service reported for the text ``reference`` names
    (sent again after RESEND_AFTER, MAX_FAILURES times at most)."""
    updated = PendingTranslation.objects.filter(reference=reference).update(error=error[:500])
    if updated:
        logger.warning("Machine translation refused by the service: %s", error)
    return bool(updated)


def lookup(items: Iterable[tuple[str, str]], target: str) -> dict[tuple[str, str], str]:
    """{(text, source language): its translation into target} for the texts the cache holds,
    in one query (none when the backend is "none" or nothing needs translating)."""
    if not conf.enabled():
        return {}
    wanted = {
        (text, source): digest(text)
        for text, source in items
        if text and needs_translation(source, target)
    }
    if not wanted:
        return {}
    rows = MachineTranslation.objects.filter(
        backend=conf.backend_name(),
        target_language=target,
        source_hash__in=set(wanted.values()),
    ).values_list("source_hash", "source_language", "text")
    found = {(key, source): text for key, source, text in rows}
    return {
        (text, source): found[(key, source)]
        for (text, source), key in wanted.items()
        if (key, source) in found
    }


def stamp(target: str) -> str:
    """Changes whenever a translation into target is stored: part of the key of a cached page
    that shows translations ("" when the backend is "none": the key stays as it was)."""
    if not conf.enabled():
        return ""
    last = (
        MachineTranslation.objects.filter(backend=conf.backend_name(), target_language=target)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return f"mt{last or 0}"


def mark_translated(scope: str, versions: dict[int, int], signature_: str) -> None:
    """Record that these objects' texts (at these versions) are translated."""
    TranslatedVersion.objects.filter(scope=scope, object_id__in=list(versions)).delete()
    TranslatedVersion.objects.bulk_create(
        [
            TranslatedVersion(scope=scope, object_id=pk, version=version, signature=signature_)
            for pk, version in versions.items()
        ]
    )


def mark_failed(scope: str, versions: dict[int, int], signature_: str, error: str, count: bool):
    """Record a failed attempt on these objects' texts: they go behind the others in the
    queue. ``count``: the service translated other texts meanwhile, so the failure is about
    these texts; after MAX_FAILURES such failures an object is given up (marked with the
    current signature, its error kept). Returns the ids given up."""
    failed = f"failed:{signature_}"[:255]
    previous = {
        mark.object_id: mark
        for mark in TranslatedVersion.objects.filter(scope=scope, object_id__in=list(versions))
    }
    given_up, marks = [], []
    for pk, version in versions.items():
        mark = previous.get(pk)
        failures = (
            mark.failures if mark and mark.version == version and mark.signature == failed else 0
        )
        failures += 1 if count else 0
        done = failures >= MAX_FAILURES
        if done:
            given_up.append(pk)
        marks.append(
            TranslatedVersion(
                scope=scope,
                object_id=pk,
                version=version,
                signature=signature_ if done else failed,
                failures=failures,
                error=error[:500],
            )
        )
    TranslatedVersion.objects.filter(scope=scope, object_id__in=list(versions)).delete()
    TranslatedVersion.objects.bulk_create(marks)
    return given_up


def translated_or_original(items: list[tuple[str, str]], target: str) -> list[str]:
    """Each text in target where its translation is cached, else as written: for an analysis
    that reads every text in one language when a backend is set (topics), and works on the
    originals without one."""
    found = lookup(items, target)
    return [found.get((text, source), text) for text, source in items]


def forget_marks(scope: str, object_ids: Iterable[int]) -> None:
    """These objects' texts changed without a new version (a redaction): translate again."""
    TranslatedVersion.objects.filter(scope=scope, object_id__in=list(object_ids)).delete()


SOURCES_HOOK = "register_machine_translation_sources"


def live_texts():
    """Every text a plugin still holds that may have a translation: each plugin registers a
    function yielding its texts with the ``register_machine_translation_sources`` hook."""
    from wagtail import hooks

    for source in hooks.get_hooks(SOURCES_HOOK):
        yield from source()


def prune_unused(chunk: int = 2000) -> str:
    """Erase the translations of texts no plugin holds any more (a deleted answer, an edited
    or removed redaction): what was written goes with its translations. The periodic job
    ``prune_machine_translations`` runs it daily; nothing to read when the cache is empty."""
    if not MachineTranslation.objects.exists() and not PendingTranslation.objects.exists():
        return ""
    live = {digest(text) for text in live_texts() if text}
    # Texts sent and not back yet hold a copy of the text: they go with it too.
    waiting = PendingTranslation.objects.values_list("id", "source_hash")
    PendingTranslation.objects.filter(
        id__in=[pk for pk, key in waiting.iterator(chunk_size=chunk) if key not in live]
    ).delete()
    unused, deleted, last = [], 0, 0
    while True:
        rows = list(
            MachineTranslation.objects.filter(id__gt=last)
            .order_by("id")
            .values_list("id", "source_hash")[:chunk]
        )
        if not rows:
            break
        last = rows[-1][0]
        unused += [pk for pk, key in rows if key not in live]
        if len(unused) >= chunk:
            deleted += MachineTranslation.objects.filter(id__in=unused).delete()[0]
            unused = []
    if unused:
        deleted += MachineTranslation.objects.filter(id__in=unused).delete()[0]
    return f"{deleted} unused machine translations erased"
