"""The languages the free-text answers are written in, detected in the background.

Submitting costs nothing more: a submitted answer whose texts were not read at its current
``version`` is *due* (a partial index finds the due ones without reading the others). The
periodic job ``detect_answer_languages`` queues a task on the ``analysis`` queue when some are
due; the task reads them in batches with ``participation.analysis.languages`` (Lingua, offline)
and stores each text answer's language and the response's (where most of its text is). The
response's language is counted in "what we heard" like the declared one, through
``services.update_responses``, so the counts change in the same transaction. An answer changed
while it was read keeps its new version and stays due: it is read again.
"""

from __future__ import annotations

import time
from collections import defaultdict

from django.db import transaction
from django.db.models import F

from participation.analysis.languages import detect, dominant
from participation.submissions.models import SubmissionStatus

from . import services
from .models import Response

BATCH = 500
TEXT_TYPES = {"short_text", "long_text"}


def due():
    return Response.objects.filter(
        status=SubmissionStatus.SUBMITTED, languages_version__lt=F("version")
    )


def texts_of(answers: dict, snapshot: dict) -> dict[str, str]:
    """{question id: text} of the free-text answers (and the "other" text of a choice)."""
    texts = {}
    for question_id, answer in (answers or {}).items():
        kind = (snapshot or {}).get(question_id, {}).get("type")
        if kind in TEXT_TYPES and isinstance(answer, str) and answer.strip():
            texts[question_id] = answer
        elif isinstance(answer, dict) and isinstance(answer.get("other"), str):
            if answer["other"].strip():
                texts[question_id] = answer["other"]
    return texts


def languages_of(rows: list[dict]) -> dict[int, tuple[str, dict[str, str]]]:
    """{pk: (the response's language, {question id: language})} in one batch call."""
    pieces = [
        (row["pk"], question_id, text)
        for row in rows
        for question_id, text in texts_of(row["answers"], row["questionnaire_snapshot"]).items()
    ]
    codes = detect([text for _, _, text in pieces])
    found = defaultdict(dict)
    written = defaultdict(list)
    for (pk, question_id, text), code in zip(pieces, codes, strict=True):
        found[pk][question_id] = code
        written[pk].append((text, code))
    return {row["pk"]: (dominant(written[row["pk"]]), found[row["pk"]]) for row in rows}


@transaction.atomic
def _store(rows: list[dict], found: dict) -> int:
    # Only answers still at the version that was read: a newer one stays due.
    versions = dict(
        Response.objects.select_for_update()
        .filter(pk__in=[row["pk"] for row in rows])
        .values_list("pk", "version")
    )
    fresh = [row for row in rows if versions.get(row["pk"]) == row["version"]]
    by_language = defaultdict(list)
    for row in fresh:
        by_language[found[row["pk"]][0]].append(row["pk"])
    for code, pks in sorted(by_language.items()):
        services.update_responses(Response.objects.filter(pk__in=pks), detected_language=code)
    Response.objects.bulk_update(
        [
            Response(
                pk=row["pk"], text_languages=found[row["pk"]][1], languages_version=row["version"]
            )
            for row in fresh
        ],
        ["text_languages", "languages_version"],
        batch_size=BATCH,
    )
    return len(fresh)


def detect_due(batch: int = BATCH, budget_seconds: float | None = None) -> int:
    """Detect the languages of due answers, a batch at a time, until none is due or the budget
    is spent; returns how many were stored."""
    started, stored = time.monotonic(), 0
    while True:
        rows = list(
            due()
            .order_by("pk")
            .values("pk", "version", "answers", "questionnaire_snapshot")[:batch]
        )
        if not rows:
            return stored
        stored += _store(rows, languages_of(rows))
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            return stored


def queue_detection() -> str:
    """The periodic job: a task on the analysis queue when answers are due (none queued
    otherwise, so an idle site queues nothing)."""
    from .tasks import detect_answer_languages

    if not due().exists():
        return ""
    detect_answer_languages.enqueue()
    return "queued"
