"""The distinct questionnaire snapshots of a consultation's answers, kept in a table of their own.

Every response stores the snapshot of the questionnaire it answered (labels, options, types),
so that an export labels the answers to questions removed since. The export's columns need the
distinct snapshots only: a handful per consultation, against a 2 KB JSON column per answer that
took seconds to scan at 100,000 answers (and would at a million). So each distinct snapshot is
written once here, oldest first, when an answer with it is submitted (``record``, in the submit's
transaction) or inserted in bulk (``record_rows``, beside the counts); ``rebuild`` adds what a
scan of the answers finds missing (the migration that made the table, data written by hand).
"""

import hashlib
import json

from django.db import connections, transaction
from django.db.models import Exists, F, Min, OuterRef, TextField, Value
from django.db.models.functions import MD5, Cast


def digest(snapshot: dict) -> str:
    """The same text for equal snapshots, whatever the order of their keys."""
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _insert(model, consultation_id: int, snapshots) -> None:
    """One INSERT ... ON CONFLICT DO NOTHING: a snapshot already known costs nothing more, and
    two submits recording the same new snapshot at once both succeed."""
    seen, rows = set(), []
    for snapshot in snapshots:
        if not snapshot:
            continue
        key = digest(snapshot)
        if key not in seen:
            seen.add(key)
            rows.append(model(consultation_id=consultation_id, digest=key, snapshot=snapshot))
    if rows:
        model.objects.bulk_create(rows, ignore_conflicts=True)


def record(consultation_id: int, snapshot: dict) -> None:
    """The snapshot of an answer being submitted (call in its transaction)."""
    from .models import QuestionnaireSnapshot

    _insert(QuestionnaireSnapshot, consultation_id, [snapshot])


def known(snapshot: dict):
    """An expression over responses: whether the table has this snapshot for the response's
    consultation (true for an empty snapshot, which is never recorded)."""
    from .models import QuestionnaireSnapshot

    if not snapshot:
        return Value(True)
    return Exists(
        QuestionnaireSnapshot.objects.filter(
            consultation_id=OuterRef("consultation_id"), digest=digest(snapshot)
        )
    )


def record_rows(rows) -> None:
    """The snapshots of responses read as ``counts.rows`` gives them (answers added in bulk)."""
    from .models import QuestionnaireSnapshot

    by_consultation: dict[int, list] = {}
    for row in rows:
        by_consultation.setdefault(row["consultation_id"], []).append(row["questionnaire_snapshot"])
    for consultation_id, snapshots in sorted(by_consultation.items()):
        _insert(QuestionnaireSnapshot, consultation_id, snapshots)


def of_consultation(consultation_id: int) -> list[dict]:
    """The consultation's distinct snapshots, oldest first (one query)."""
    from .models import QuestionnaireSnapshot

    return list(
        QuestionnaireSnapshot.objects.filter(consultation_id=consultation_id)
        .order_by("pk")
        .values_list("snapshot", flat=True)
    )


def scan(responses) -> list[dict]:
    """The distinct snapshots of these responses, by their first answer (reads them all)."""
    responses = responses.exclude(questionnaire_snapshot={}).order_by()
    if connections[responses.db].vendor == "postgresql":
        # DISTINCT over 2 KB documents sorts them on disk; their digests group in memory, then
        # each distinct one is read once.
        group = MD5(Cast("questionnaire_snapshot", TextField()))
    else:
        group = F("questionnaire_snapshot")
    firsts = responses.values(group=group).annotate(first=Min("pk")).values("first")
    return list(
        responses.model.objects.filter(pk__in=firsts)
        .order_by("pk")
        .values_list("questionnaire_snapshot", flat=True)
    )


@transaction.atomic
def rebuild(consultation_id: int, response_model=None, snapshot_model=None) -> int:
    """Add the snapshots of the consultation's answers that the table lacks; returns how many
    it lacked. (The models are the migration's historical ones when it calls this.)"""
    if response_model is None or snapshot_model is None:
        from .models import QuestionnaireSnapshot, Response

        response_model, snapshot_model = Response, QuestionnaireSnapshot
    known = set(
        snapshot_model.objects.filter(consultation_id=consultation_id).values_list(
            "digest", flat=True
        )
    )
    found = scan(response_model.objects.filter(consultation_id=consultation_id))
    missing = [snapshot for snapshot in found if digest(snapshot) not in known]
    _insert(snapshot_model, consultation_id, missing)
    return len({digest(snapshot) for snapshot in missing})
