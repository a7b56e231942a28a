"""The answer counts behind "what we heard", kept in step with the answers.

A submitted, non-spam response adds 1 to each of its keys (see ``keys_of``); every change to a
counted field applies the difference between the keys before and after, in the same
transaction as the change (``consultations.services.answers_changed`` and ``counted``). So
reading the summary costs the same at a thousand answers as at a million, and
``recount`` (from the answers themselves) must always give the table's figures.

Writers serialise per consultation on its page row: ``answers_changed`` bumps
``answers_version`` (a row lock on PostgreSQL until commit) before touching counts, and every
path changes or locks its responses before that. One order for all (responses, then the page,
then the counts) means no deadlock, and a recount under the page lock sees exactly the changes
that will not add their own difference after it.
"""

import json
from collections import Counter, defaultdict
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Count, F, Q, TextField
from django.db.models.functions import Cast

from participation.submissions.models import SubmissionStatus
from participation.submissions.statements import prepared_cursor

# Dimensions; a key is (dimension, question_id, value, respondent_type).
RESPONSES = "responses"  # value: "organisation" (given for one) or "individual"
COUNTRY = "country"
LANGUAGE = "language"  # declared by the person
DETECTED = "detected_language"  # of the free text, detected (consultations.languages)
KIND = "organisation_kind"
CAMPAIGN = "campaign"
CHANNEL = "channel"  # how the answer reached us: online, workshop, paper, ...
ANSWER = "answer"  # per question, value and respondent type
ANSWERED = "answered"  # per question: responses that answered it

KEY_FIELDS = ("dimension", "question_id", "value", "respondent_type")
# What keys_of reads of a response (one query, no model instances).
ROW_FIELDS = (
    "pk",
    "consultation_id",
    "status",
    "spam",
    "organisation_id",
    "organisation__kind",
    "respondent_type",
    "country",
    "language",
    "detected_language",
    "campaign",
    "channel",
    "answers",
    "questionnaire_snapshot",
)
# All but the answers: what may change without a new version of the answers.
STATE_FIELDS = ROW_FIELDS[:-2]
COUNTED_TYPES = {"single_choice", "multiple_choice", "yes_no", "scale", "ranking"}
OTHER = "__other__"
CHUNK = 100  # keys per statement: SQLite limits the depth of a WHERE clause


def answer_values(kind: str, answer) -> list[str]:
    """The counted values of one answer (a chosen option, yes or no, a scale value, ...)."""
    if answer in (None, "", [], {}):
        return []
    if kind == "single_choice":
        return [answer.get("choice") or OTHER] if isinstance(answer, dict) else []
    if kind == "multiple_choice":
        if not isinstance(answer, dict):
            return []
        return list(answer.get("choices", [])) + ([OTHER] if answer.get("other") else [])
    if kind == "yes_no":
        return ["yes" if answer else "no"]
    if kind == "scale":
        return [str(answer)]
    if kind == "ranking":  # position:value, so average ranks come from the counts too
        if not isinstance(answer, list):
            return []
        return [f"{position}:{value}" for position, value in enumerate(answer, start=1)]
    return []


def keys_of(row: dict) -> set[tuple]:
    """The keys a response counts for: none unless it is submitted and not spam."""
    if row["status"] != SubmissionStatus.SUBMITTED or row["spam"]:
        return set()
    with_organisation = row["organisation_id"] is not None
    keys = {(RESPONSES, "", "organisation" if with_organisation else "individual", "")}
    if row["country"]:
        keys.add((COUNTRY, "", str(row["country"]), ""))
    if row["language"]:
        keys.add((LANGUAGE, "", row["language"], ""))
    if row["detected_language"]:
        keys.add((DETECTED, "", row["detected_language"], ""))
    if with_organisation and row["organisation__kind"]:
        keys.add((KIND, "", row["organisation__kind"], ""))
    if row["campaign"]:
        keys.add((CAMPAIGN, "", row["campaign"], ""))
    if row["channel"]:
        keys.add((CHANNEL, "", row["channel"], ""))
    snapshot = row["questionnaire_snapshot"] or {}
    for question_id, answer in (row["answers"] or {}).items():
        kind = snapshot.get(question_id, {}).get("type")
        if kind not in COUNTED_TYPES:
            continue
        # Odd stored data (a list where a choice should be) counts as nothing, never an error.
        values = [str(v) for v in answer_values(kind, answer) if isinstance(v, str | int)]
        if values:
            question_id = question_id[:64]
            keys.add((ANSWERED, question_id, "", ""))
            keys.update((ANSWER, question_id, v[:255], row["respondent_type"]) for v in values)
    return keys


def rows(queryset, lock: bool = False, fields=ROW_FIELDS) -> list[dict]:
    """What keys_of needs of these responses; locked until commit if asked (PostgreSQL)."""
    if lock:
        # of=("self",): PostgreSQL cannot lock the nullable side of the join to organisations.
        queryset = queryset.select_for_update(of=("self",))
    return list(_values(queryset, fields))


def stream(queryset, chunk: int = 2000):
    """What keys_of needs of these responses, read in chunks: memory does not grow with them."""
    return _values(queryset, ROW_FIELDS, chunk)


_SNAPSHOT = "questionnaire_snapshot"


def _values(queryset, fields, chunk: int | None = None):
    """``queryset.values(*fields)``, each distinct questionnaire snapshot decoded once. The
    answers of a consultation share a few snapshots, and decoding each row's (the largest JSON
    of a row) took most of the time of a decision on 100,000 answers or of a recount. Read in
    chunks (a server-side cursor on PostgreSQL) when ``chunk`` is given."""
    if _SNAPSHOT not in fields:
        values = queryset.values(*fields)
        yield from values.iterator(chunk) if chunk else values
        return
    others = [field for field in fields if field != _SNAPSHOT]
    text = Cast(_SNAPSHOT, TextField())
    decoded = {}
    values = queryset.annotate(_snapshot_text=text).values(*others, "_snapshot_text")
    for row in values.iterator(chunk) if chunk else values:
        raw = row.pop("_snapshot_text")
        snapshot = decoded.get(raw)
        if snapshot is None:
            snapshot = decoded[raw] = json.loads(raw) if raw else {}
        row[_SNAPSHOT] = snapshot
        yield row


def differences(before: list[dict], after: list[dict]) -> dict[int, Counter]:
    """Per consultation, what to add to each key to go from `before` to `after`."""
    delta = defaultdict(Counter)
    for row in after:
        delta[row["consultation_id"]].update(keys_of(row))
    for row in before:
        delta[row["consultation_id"]].subtract(keys_of(row))
    return {cid: Counter({k: d for k, d in keys.items() if d}) for cid, keys in delta.items()}


def _fields(key: tuple) -> dict:
    return dict(zip(KEY_FIELDS, key, strict=True))


def _matching(keys) -> Q:
    return reduce(or_, (Q(**_fields(key)) for key in keys))


def _add(consultation_id: int, keys: list[tuple], d: int) -> int:
    """UPDATE ... SET n = n + d for the rows of these keys; returns how many exist. In SQL with
    row values (SQLite 3.15+, PostgreSQL): the ORM's tree of OR'ed conditions cost 3 ms a
    submit to build, inside the consultation's lock."""
    from .models import AnswerCount

    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in KEY_FIELDS)
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(keys))
    sql = (
        f"UPDATE {quote(AnswerCount._meta.db_table)} SET {quote('n')} = {quote('n')} + %s "
        f"WHERE {quote('consultation_id')} = %s AND ({columns}) IN ({rows})"
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, [d, consultation_id, *(part for key in keys for part in key)])
        return cursor.rowcount


def apply(consultation_id: int, delta: Counter) -> None:
    """Add `delta` to the counts: ``n = n + d`` for rows that exist; missing rows are inserted
    with n = 0 (a concurrent insert of the same row is ignored, not lost) and then updated.
    Call it through services.answers_changed, which takes the consultation's lock first."""
    from .models import AnswerCount

    by_step = defaultdict(list)
    for key, d in delta.items():
        if d:
            by_step[d].append(key)
    for d, keys in sorted(by_step.items()):
        for start in range(0, len(keys), CHUNK):
            part = sorted(keys[start : start + CHUNK])
            if _add(consultation_id, part, d) == len(part):
                continue
            # Some rows do not exist yet (the first answer with this value): the UPDATE above
            # changed only the others.
            table = AnswerCount.objects.filter(consultation_id=consultation_id)
            have = set(table.filter(_matching(part)).values_list(*KEY_FIELDS))
            missing = [key for key in part if key not in have]
            AnswerCount.objects.bulk_create(
                [AnswerCount(consultation_id=consultation_id, n=0, **_fields(k)) for k in missing],
                ignore_conflicts=True,
            )
            table.filter(_matching(missing)).update(n=F("n") + d)


def current(consultation_id: int, dimensions=None) -> Counter:
    """The table's figures (all, or of some dimensions)."""
    from .models import AnswerCount

    table = AnswerCount.objects.filter(consultation_id=consultation_id)
    if dimensions is not None:
        table = table.filter(dimension__in=dimensions)
    return Counter({tuple(r[:4]): r[4] for r in table.values_list(*KEY_FIELDS, "n") if r[4]})


def counted_responses(consultation_id: int):
    from .models import Response

    return Response.objects.filter(
        consultation_id=consultation_id, status=SubmissionStatus.SUBMITTED, spam=False
    )


def recount(consultation_id: int, chunk: int = 2000) -> Counter:
    """The figures from the answers themselves (reads every submitted answer once)."""
    total = Counter()
    for row in stream(counted_responses(consultation_id), chunk):
        total.update(keys_of(row))
    return total


# Dimensions that are one column of the response: recounted in SQL after a change to many.
_COLUMNS = {
    COUNTRY: "country",
    LANGUAGE: "language",
    DETECTED: "detected_language",
    CAMPAIGN: "campaign",
    CHANNEL: "channel",
}


def recount_column(consultation_id: int, dimension: str) -> Counter:
    column = _COLUMNS[dimension]
    grouped = (
        counted_responses(consultation_id)
        .exclude(**{column: ""})
        .values_list(column)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({(dimension, "", str(value), ""): n for value, n in grouped})


def summary(consultation_id: int, campaign_min_size: int = 2) -> dict:
    """The figures "what we heard" shows, from the table alone (one query). Campaigns are the
    groups of at least ``campaign_min_size`` counted answers (the consultation's setting:
    a campaign that lost answers to spam or withdrawals since detection may fall below it)."""
    from .models import AnswerCount

    table = AnswerCount.objects.filter(consultation_id=consultation_id, n__gt=0)
    by = defaultdict(Counter)
    questions = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    answered = {}
    for dimension, question_id, value, respondent_type, n in table.values_list(
        *KEY_FIELDS, "n"
    ).order_by("-n", "dimension", "question_id", "value", "respondent_type"):
        if dimension == ANSWER:
            questions[question_id][value]["all"] += n
            questions[question_id][value][respondent_type] += n
        elif dimension == ANSWERED:
            answered[question_id] = n
        else:
            by[dimension][value] += n
    responses = by[RESPONSES]
    return {
        "totals": {
            "responses": responses["organisation"] + responses["individual"],
            # At most one live answer per organisation (a constraint), so this is a count of
            # organisations.
            "organisations": responses["organisation"],
            "individuals": responses["individual"],
        },
        "by_country": dict(by[COUNTRY].most_common()),
        "by_language": dict(by[LANGUAGE].most_common()),
        "by_detected_language": dict(by[DETECTED].most_common()),
        "by_organisation_kind": dict(by[KIND].most_common()),
        "by_channel": dict(by[CHANNEL].most_common()),
        "campaigns": [
            {"campaign": campaign, "n": n}
            for campaign, n in by[CAMPAIGN].most_common()
            if n >= max(campaign_min_size, 2)
        ],
        "questions": {q: {v: dict(c) for v, c in vs.items()} for q, vs in questions.items()},
        "answered": answered,
    }
