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
from django.db.models import Exists, F, OuterRef

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
    """Submitted answers whose languages are known at their version and whose texts were not
    translated at that version for this signature (backend and languages)."""
    covered = TranslatedVersion.objects.filter(
        scope=SCOPE, object_id=OuterRef("pk"), version=OuterRef("version"), signature=signature
    )
    return Response.objects.filter(
        status=SubmissionStatus.SUBMITTED, languages_version=F("version"), version__gt=0
    ).exclude(Exists(covered))


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


def translate_due(batch: int = BATCH, budget_seconds: float | None = None) -> dict:
    """Translate the due answers a batch at a time until none is due, the budget is spent or
    the service fails; returns what was done (for the task's result and the log)."""
    report = {"answers": 0, "sent": 0, "cached": 0, "skipped": [], "error": ""}
    if not conf.enabled():
        return report
    targets = mt.target_languages()
    signature = mt.signature(targets)
    started = time.monotonic()
    while True:
        rows = list(
            due(signature)
            .order_by("pk")
            .values("pk", "version", "answers", "questionnaire_snapshot", "text_languages")[:batch]
        )
        if not rows:
            return report
        redacted = {}
        for response_id, question_id, text in Redaction.objects.filter(
            response__in=[row["pk"] for row in rows]
        ).values_list("response_id", "question_id", "redacted_text"):
            redacted.setdefault(response_id, {})[question_id] = text
        items = [item for row in rows for item in answer_texts(row, redacted.get(row["pk"], {}))]
        try:
            outcome = mt.translate_missing(items, targets)
        except mt.TranslationError as error:
            # Nothing is marked: these answers stay due and the next run tries them again.
            report["error"] = str(error)
            logger.warning("Machine translation of answers failed, tried again later: %s", error)
            return report
        with transaction.atomic():
            mt.mark_translated(SCOPE, {row["pk"]: row["version"] for row in rows}, signature)
        report["answers"] += len(rows)
        report["sent"] += outcome.sent
        report["cached"] += outcome.cached
        report["skipped"] += outcome.skipped
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
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
