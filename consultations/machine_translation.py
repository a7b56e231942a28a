"""Machine translation of the free-text answers (participation.machine_translation), in the
background, after their languages are detected (consultations.languages).

An answer is *due* when its languages were read at its current version and no translation run
covered that version with the current backend and languages (one anti-join on the core's
``TranslatedVersion``). The periodic job ``translate_answers`` queues a task on the
``analysis`` queue when some are due; the task sends each text the cache lacks into each
editor's admin language (and the languages the setting adds for readers), the texts as written
and, for answers with a redaction, the redacted texts that are published. A service that fails
or times out leaves those answers due: the next run tries them again. With the backend "none"
nothing is due, nothing is queued and no page changes.

Pages read the translations of what they show with ``translations_for`` (one query a page).
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery

from participation.machine_translation import conf
from participation.machine_translation import services as mt
from participation.machine_translation.models import TranslatedVersion
from participation.submissions.models import SubmissionStatus

from .languages import texts_of
from .models import Redaction, Response

logger = logging.getLogger("consultations.machine_translation")

SCOPE = "consultations.response"
BATCH = 200


def due(signature: str):
    """Submitted answers, not flagged as spam, whose languages are known at their version and
    whose texts were not translated at that version for this signature (backend and
    languages); those never tried first, then those whose last attempt failed longest ago."""
    marks = TranslatedVersion.objects.filter(scope=SCOPE, object_id=OuterRef("pk"))
    covered = marks.filter(version=OuterRef("version"), signature=signature)
    return (
        Response.objects.filter(
            status=SubmissionStatus.SUBMITTED,
            spam=False,
            languages_version=F("version"),
            version__gt=0,
        )
        .exclude(Exists(covered))
        .annotate(tried_at=Subquery(marks.values("translated_at")[:1]))
    )


def answer_texts(row: dict, redacted: dict[str, str]) -> list[tuple[str, str]]:
    """[(text, language)] of one answer: its free texts and their redacted versions, each in
    the language detected for its question (a text of unknown language is not sent)."""
    languages = row["text_languages"] or {}
    items = []
    texts = texts_of(row["answers"], row["questionnaire_snapshot"])
    for question_id, text in texts.items():
        code = languages.get(question_id, "")
        if not code:
            continue
        items.append((text, code))
        if redacted.get(question_id):
            items.append((redacted[question_id], code))
    return items


def _texts(rows: list[dict]) -> dict[int, list[tuple[str, str]]]:
    redacted = {}
    for response_id, question_id, text in Redaction.objects.filter(
        response__in=[row["pk"] for row in rows]
    ).values_list("response_id", "question_id", "redacted_text"):
        redacted.setdefault(response_id, {})[question_id] = text
    return {row["pk"]: answer_texts(row, redacted.get(row["pk"], {})) for row in rows}


def translate_due(batch: int = BATCH, budget_seconds: float | None = None) -> dict:
    """Translate the due answers a batch at a time until none is due, the budget is spent or
    the service is unavailable; returns what was done (the task's result, also logged).

    A batch the service fails on is tried answer by answer, so that one text it cannot take
    holds up no other: the answers it fails on go behind the others, and one it fails on
    three times while translating others is given up, with the reason in ``skipped``. A
    service that is down, silent or refuses the key stops the run at once and nothing is
    marked: the next run tries again."""
    report = {"answers": 0, "sent": 0, "cached": 0, "failed": 0, "skipped": [], "error": ""}
    if not conf.enabled():
        return report
    targets = mt.target_languages()
    signature = mt.signature(targets)
    started = time.monotonic()

    def run(rows, texts) -> int:
        outcome = mt.translate_missing([item for row in rows for item in texts[row["pk"]]], targets)
        with transaction.atomic():
            mt.mark_translated(SCOPE, {row["pk"]: row["version"] for row in rows}, signature)
        report["answers"] += len(rows)
        report["sent"] += outcome.sent
        report["cached"] += outcome.cached
        report["skipped"] += outcome.skipped
        return outcome.sent

    failed_here = set()  # tried once per run
    while True:
        rows = list(
            due(signature)
            .exclude(pk__in=failed_here)
            .order_by(F("tried_at").asc(nulls_first=True), "pk")
            .values("pk", "version", "answers", "questionnaire_snapshot", "text_languages")[:batch]
        )
        if not rows:
            return report
        texts = _texts(rows)
        try:
            run(rows, texts)
        except mt.ServiceUnavailable as error:
            return _stopped(report, error)
        except mt.TranslationError as batch_error:
            # Something in this batch: one answer at a time.
            failed, translated, reason = {}, 0, batch_error
            for row in rows:
                try:
                    translated += run([row], texts)  # texts the service translated
                except mt.ServiceUnavailable as unavailable:
                    reason = unavailable
                    break
                except mt.TranslationError as single:
                    failed[row["pk"]] = (row["version"], str(single))
            if failed:
                failed_here.update(failed)
                report["failed"] += len(failed)
                for pk, (version, why) in failed.items():
                    # Counted only when the service translated other texts meanwhile.
                    if mt.mark_failed(SCOPE, {pk: version}, signature, why, translated > 0):
                        report["skipped"].append(f"answer {pk}: {why}")
            if not translated or isinstance(reason, mt.ServiceUnavailable):
                return _stopped(report, reason)
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            return report


def _stopped(report: dict, error: Exception) -> dict:
    # Nothing more is marked: the answers left stay due and the next run tries them again.
    report["error"] = str(error)
    logger.warning("Machine translation of answers stopped, tried again later: %s", error)
    return report


def queue_translation() -> str:
    """The periodic job: a task on the analysis queue when answers are due; nothing with the
    backend "none" (not even a query) or when none is due."""
    if not conf.enabled():
        return ""
    from .tasks import translate_answers

    if not due(mt.signature(mt.target_languages())).exists():
        return ""
    translate_answers.enqueue()
    return "queued"


def translations_for(rows, target: str) -> dict[tuple[str, str], str]:
    """{(text, language): translation into target} for [(text, language)] shown on a page, in
    one query ({} and no query with the backend "none")."""
    return mt.lookup(rows, target)


def redaction_changed(response_id: int) -> None:
    """A redaction made or removed: translate the answer's published text again."""
    mt.forget_marks(SCOPE, [response_id])


def live_texts():
    """The free texts of every answer kept and their redactions: their translations are kept
    (participation.machine_translation.services.prune_unused erases the others)."""
    rows = Response.objects.values_list("answers", "questionnaire_snapshot")
    for answers, snapshot in rows.iterator(chunk_size=2000):
        yield from texts_of(answers, snapshot).values()
    yield from Redaction.objects.values_list("redacted_text", flat=True).iterator(chunk_size=2000)
