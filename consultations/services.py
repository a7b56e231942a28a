"""Consultation-specific rules on top of the shared submission services."""

from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from participation.audit.services import forget_actors, record
from participation.i18n import submissions_page
from participation.questionnaire.structure import parse
from participation.submissions import services as submissions
from participation.submissions.statements import prepared_cursor

from . import counts, snapshots, submitting
from .models import Response

RECEIPT_PREFIX = "CONS"
COUNTED_TYPES = counts.COUNTED_TYPES
OTHER = counts.OTHER


def submit_response(response, user, publication: str, publish_attachments: bool = False, now=None):
    """Submit with the respondent's publication choice, count its answers, mark the summaries
    stale and queue the confirmation, all in one transaction: the task is a row of the same
    database, so the email goes out if and only if the answer is stored. (Moving the last two
    after the commit made no difference that the bench could tell apart from its noise.)"""
    from . import tasks

    snapshot = response.questionnaire_snapshot
    digest = snapshots.digest(snapshot or {})
    stored = {}

    def update(statement):
        # The conditional UPDATE reads back, in the same statement, what is stored of the
        # answer's counted state (the row is ours until commit: a spam flag may have changed
        # since the draft was loaded) and whether the exports' table knows its questionnaire
        # snapshot (nearly always; recording a new one is then the only extra query). The
        # answers are the ones loaded: the UPDATE matched their version.
        run = submitting.update_returning_state(
            statement, digest, for_organisation=response.organisation_id is not None
        )

        def run_and_keep():
            state = run()
            stored.update(state or {})
            return state is not None

        return run_and_keep

    def count_and_confirm(submitted):
        stored["answers"] = submitted.answers
        stored["questionnaire_snapshot"] = snapshot
        if snapshot and not stored["snapshot_known"]:
            snapshots.record(stored["consultation_id"], snapshot)
        tasks.send_confirmation.enqueue(submitted.pk)
        # Last: the consultation's lock (answers_changed), held until commit, then.
        for consultation_id, delta in counts.differences([], [stored]).items():
            answers_changed(consultation_id, delta)

    return submissions.submit(
        response,
        user,
        RECEIPT_PREFIX,
        now=now,
        fields={
            "publication": publication,
            "publish_attachments": publish_attachments,
            "search_text": search_text(response),
        },
        then=count_and_confirm,
        update=update,
    )


def search_text(response) -> str:
    """Every text an editor may search for: free-text answers and "other" texts."""
    parts = []
    for answer in response.answers.values():
        if isinstance(answer, str):
            parts.append(answer)
        elif isinstance(answer, dict) and isinstance(answer.get("other"), str):
            parts.append(answer["other"])
    return "\n".join(parts)


@transaction.atomic
def reopen_response(response, user, now=None):
    """Back to a draft to change it while the consultation is open; it no longer counts."""
    with counted(Response.objects.filter(pk=response.pk)):
        return submissions.reopen(response, user, now=now)


@transaction.atomic
def withdraw_response(response, user, now=None):
    with counted(Response.objects.filter(pk=response.pk)):
        return submissions.withdraw(response, user, now=now)


@contextmanager
def counted(responses):
    """Around any change to these responses (a queryset; call inside a transaction): locks
    them, then applies the difference their change makes to the counts. The counts of their
    consultations change in the same transaction, after the responses (see counts.py)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counted() must run inside a transaction")
    before = counts.rows(responses, lock=True)
    yield
    after = counts.rows(Response.objects.filter(pk__in=[row["pk"] for row in before]))
    # Always mark the consultations changed: the caller may change what is shown, not counted.
    changed = {row["consultation_id"] for row in before}
    for consultation_id, delta in sorted(counts.differences(before, after).items()):
        answers_changed(consultation_id, delta)
        changed.discard(consultation_id)
    for consultation_id in sorted(changed):
        answers_changed(consultation_id)


def count_added(responses) -> None:
    """Count answers inserted as submitted in bulk (imports, demo and bench data), in their
    transaction, and record their questionnaire snapshots. Read in chunks, so that memory does
    not grow with the answers (an import of 50,000)."""
    added = defaultdict(Counter)
    distinct = {}  # a row per consultation and snapshot (counts.stream decodes each once)
    for row in counts.stream(responses):
        added[row["consultation_id"]].update(counts.keys_of(row))
        distinct.setdefault((row["consultation_id"], id(row["questionnaire_snapshot"])), row)
    for consultation_id, delta in sorted(added.items()):
        answers_changed(consultation_id, delta)
    snapshots.record_rows(distinct.values())


@transaction.atomic
def update_responses(responses, **changes) -> int:
    """The one way to change counted fields (spam, campaign, country, ...) of some answers with
    an UPDATE: the counts follow in the same transaction."""
    with counted(responses):
        return Response.objects.filter(pk__in=responses.values("pk")).update(**changes)


def publishable(consultation):
    """Responses the public may read: submitted, approved, not spam, and consented to (those of
    the original page for a translation)."""
    return (
        Response.objects.filter(
            consultation=submissions_page(consultation),
            status=Response.Status.SUBMITTED,
            moderation=Response.Moderation.APPROVED,
            spam=False,
        )
        .exclude(publication=Response.Publication.PRIVATE)
        .select_related("organisation", "user")
        .prefetch_related("redactions")
        .order_by("submitted_at", "pk")
    )


def public_answers(response) -> dict:
    """The answers as they may be published: redacted text replaces the original, and
    attachments are dropped unless the respondent agreed to publish them."""
    redacted = {r.question_id: r.redacted_text for r in response.redactions.all()}
    snapshot = response.questionnaire_snapshot or {}
    answers = {}
    for question_id, answer in response.answers.items():
        kind = snapshot.get(question_id, {}).get("type")
        if kind == "file_upload" and not response.publish_attachments:
            continue
        answers[question_id] = redacted.get(question_id, answer)
    return answers


def public_author(response) -> str | None:
    if response.publication != Response.Publication.NAMED:
        return None
    if response.organisation:
        return response.organisation.name
    return response.user.public_name if response.user else None


def summary_version(consultation_id) -> int:
    """The answers' version of a consultation: one primary-key read, whatever the volume
    (measured: scanning the answers for a cache key cost most of a warm request at 100,000)."""
    from .models import ConsultationPage

    return (
        ConsultationPage.objects.filter(pk=consultation_id)
        .values_list("answers_version", flat=True)
        .first()
        or 0
    )


def answers_changed(consultation_id, delta=None) -> None:
    """Call after any change to submitted answers (submit, withdraw, moderation, campaigns),
    with what it adds to or takes from the counts. The version lives in the database, in the
    same transaction as the change, so every server process agrees on it; bumping it first
    makes the consultation's counts one writer at a time (see counts.py)."""
    from .models import ConsultationPage

    # UPDATE ... SET answers_version = answers_version + 1, written once: every submit runs it.
    table, column = ConsultationPage._meta.db_table, "answers_version"
    quote = connection.ops.quote_name
    with prepared_cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {quote(column)} = {quote(column)} + 1 "
            f"WHERE {quote(ConsultationPage._meta.pk.column)} = %s",
            [consultation_id],
        )
    if delta:
        counts.apply(consultation_id, delta)


def recount_columns(consultation_id, *dimensions) -> None:
    """After an UPDATE of many answers' country or campaign (inside its transaction): those
    dimensions are counted again in SQL, under the consultation's lock."""
    answers_changed(consultation_id)
    fresh = Counter()
    for dimension in dimensions:
        fresh.update(counts.recount_column(consultation_id, dimension))
    delta = fresh
    delta.subtract(counts.current(consultation_id, dimensions))
    counts.apply(consultation_id, delta)


@transaction.atomic
def rebuild_counts(consultation_id) -> Counter:
    """Count every answer of a consultation again and correct the table; returns what had to
    change (empty when the table was right). One transaction, holding the consultation's lock
    (submits to it wait until the end)."""
    answers_changed(consultation_id)
    delta = counts.recount(consultation_id)
    delta.subtract(counts.current(consultation_id))
    delta = Counter({key: d for key, d in delta.items() if d})
    counts.apply(consultation_id, delta)
    return delta


def what_we_heard(consultation) -> dict:
    """Counts per question and option, overall and by respondent type, plus totals.

    Two queries whatever the number of responses (the version, then the counts table); cached
    until a response is submitted, withdrawn or moderated (the key carries the latest change).
    """
    consultation = submissions_page(consultation)  # a translation shows the original's answers
    minimum = consultation.campaign_min_size  # groups below it are not campaigns
    key = f"consultations:wwh:{consultation.pk}:{summary_version(consultation.pk)}:{minimum}"
    cached = cache.get(key)
    if cached is None:
        cached = counts.summary(consultation.pk, campaign_min_size=minimum)
        cache.set(key, cached, 60 * 60)
    return cached


def summary_rows(consultation, heard: dict) -> list[dict]:
    """Per question, in questionnaire order: options with counts and percentages."""
    questionnaire = parse(consultation.questionnaire)
    rows = []
    for question in questionnaire.questions:
        if question.type not in COUNTED_TYPES or question.type == "ranking":
            continue
        counts = heard["questions"].get(question.id, {})
        answered = heard["answered"].get(question.id, 0)
        if question.type == "yes_no":
            options = [("yes", gettext("Yes")), ("no", gettext("No"))]
        elif question.type == "scale":
            low, high = question.settings.get("scale_min", 1), question.settings.get("scale_max", 5)
            options = [(str(n), str(n)) for n in range(low, high + 1)]
            if question.settings.get("allow_dont_know"):
                options.append(("dont_know", question.dont_know_label))
        else:
            options = [(o.value, o.label) for o in question.options]
            if question.settings.get("allow_other"):
                options.append((OTHER, question.other_label))
        rows.append(
            {
                "question": question,
                "answered": answered,
                "options": [
                    {
                        "value": value,
                        "label": label,
                        "count": counts.get(value, {}).get("all", 0),
                        "individual": counts.get(value, {}).get("individual", 0),
                        "organisation": counts.get(value, {}).get("organisation", 0),
                        "percent": round(100 * counts.get(value, {}).get("all", 0) / answered)
                        if answered
                        else 0,
                    }
                    for value, label in options
                ],
            }
        )
    return rows


@transaction.atomic
def erase_personal_data(consultation, by=None, now=None):
    """Cut the link between answers and people (retention date reached). Answers stay, without
    their authors; published answers keep their consent (named ones become anonymous)."""
    now = now or timezone.now()
    responses = Response.objects.filter(
        consultation=consultation, personal_data_erased_at__isnull=True
    )
    # Named answers lose their names; private ones stay private.
    responses.filter(publication=Response.Publication.NAMED).update(
        publication=Response.Publication.ANONYMOUS
    )
    ids = list(responses.values_list("pk", flat=True))
    count = responses.update(
        user=None, updated_by=None, country="", receipt_email="", personal_data_erased_at=now
    )
    forget_actors(Response, ids)  # the audit trail would otherwise still link answer and person
    recount_columns(consultation.pk, counts.COUNTRY)
    record(consultation, by, "personal_data.erased", responses=count)
    return count


def outcome_published(page, now=None) -> bool:
    """Mark the outcome as published the first time an editor publishes it; True if it just was."""
    if not page.publish_outcome or page.outcome_published_at:
        return False
    page.outcome_published_at = now or timezone.now()
    type(page).objects.filter(pk=page.pk).update(outcome_published_at=page.outcome_published_at)
    record(page, None, "outcome.published")
    return True


def respondents_to_notify(page):
    """One address per person who submitted an answer (directly or for an organisation)."""
    return (
        Response.objects.filter(consultation=page, status=Response.Status.SUBMITTED)
        .exclude(updated_by__isnull=True)
        .filter(facilitator__isnull=True)  # entered for someone: not the facilitator's answer
        .values_list("updated_by__email", "updated_by__preferred_language")
        .distinct()
    )


def outcome_rows(page):
    """Outcome items with their themes, question labels and published answers behind them."""
    questionnaire = parse(page.questionnaire)
    items = list(page.outcome_items.prefetch_related("themes"))
    receipts = {r for item in items for r in item.receipt_list}
    published = set(
        publishable(page)
        .filter(receipt_number__in=receipts)
        .values_list("receipt_number", flat=True)
    )
    return [
        {
            "item": item,
            "themes": list(item.themes.all()),
            "questions": [
                questionnaire.by_key[key].label
                for key in item.key_list
                if key in questionnaire.by_key
            ],
            "answers": len(item.receipt_list),
            "published_receipts": [r for r in item.receipt_list if r in published],
        }
        for item in items
    ]


def due_reminders(now=None):
    """Drafts whose authors asked for a reminder, in consultations closing within three days."""
    now = now or timezone.now()
    return (
        Response.objects.filter(
            status=Response.Status.DRAFT,
            remind_me=True,
            reminded_at__isnull=True,
            user__isnull=False,
            consultation__closes_at__gt=now,
            consultation__closes_at__lte=now + timedelta(days=3),
        )
        .exclude(consultation__opens_at__gt=now)
        .select_related("consultation", "user")
    )


def detect_campaigns(consultation, threshold: float = 0.8) -> int:
    """Group identical and near-identical free-text answers. A group of at least the
    consultation's ``campaign_min_size`` answers is a campaign (its answers get a ``campaign``
    label, counted in the summary and exported); a smaller one is a group of similar answers
    (a ``similar_group`` label, shown to editors only). Replaces the groups found before.

    Reads the answers once as a stream (see participation.analysis.campaigns), so it scales to
    hundreds of thousands of answers. Returns the number of campaigns found.
    """
    from participation.analysis.campaigns import group

    consultation = submissions_page(consultation)
    minimum = consultation.campaign_min_size
    submitted = Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
    texts = submitted.exclude(search_text="").values_list("pk", "search_text").iterator(2000)
    groups = group(texts, threshold=threshold)  # from pairs up: the small ones are "similar"
    campaigns = sum(found.size >= minimum for found in groups)
    with transaction.atomic():
        submitted.exclude(campaign="").update(campaign="")
        submitted.exclude(similar_group="").update(similar_group="")
        for found in groups:
            if found.size >= minimum:
                change = {"campaign": f"{CAMPAIGN_PREFIX}{found.id}"}
            else:
                change = {"similar_group": f"{SIMILAR_PREFIX}{found.id}"}
            members = list(found.member_ids)
            for start in range(0, len(members), 500):
                Response.objects.filter(pk__in=members[start : start + 500]).update(**change)
        recount_columns(consultation.pk, counts.CAMPAIGN)
    record(
        consultation,
        None,
        "campaigns.detected",
        groups=campaigns,
        similar=len(groups) - campaigns,
        min_size=minimum,
    )
    return campaigns


CAMPAIGN_PREFIX, SIMILAR_PREFIX = "campaign-", "similar-"


def _group_sizes(submitted, column: str) -> dict[str, int]:
    grouped = submitted.exclude(**{column: ""}).values_list(column).annotate(n=Count("pk"))
    return dict(grouped.order_by())


@transaction.atomic
def sort_campaign_groups(consultation) -> int:
    """After the smallest campaign size changed: the groups found before become campaigns or
    similar answers by their size now, without detecting them again (two grouped reads when
    nothing moves). Returns the number of groups moved."""
    from django.db.models import Value
    from django.db.models.functions import Replace

    consultation = submissions_page(consultation)
    minimum = consultation.campaign_min_size
    submitted = Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
    demoted = [label for label, n in _group_sizes(submitted, "campaign").items() if n < minimum]
    promoted = [
        label for label, n in _group_sizes(submitted, "similar_group").items() if n >= minimum
    ]
    # Both databases evaluate every SET expression on the row as it was (standard SQL).
    for start in range(0, len(demoted), 500):
        submitted.filter(campaign__in=demoted[start : start + 500]).update(
            campaign="",
            similar_group=Replace("campaign", Value(CAMPAIGN_PREFIX), Value(SIMILAR_PREFIX)),
        )
    for start in range(0, len(promoted), 500):
        submitted.filter(similar_group__in=promoted[start : start + 500]).update(
            similar_group="",
            campaign=Replace("similar_group", Value(SIMILAR_PREFIX), Value(CAMPAIGN_PREFIX)),
        )
    if demoted or promoted:
        recount_columns(consultation.pk, counts.CAMPAIGN)
    return len(demoted) + len(promoted)


def campaign_overview(consultation, shown: int = 50) -> dict:
    """What the editors' campaigns page shows: the campaigns (size and an example answer) and,
    apart, the groups of similar answers too small to be campaigns (their answers). At most
    ``shown`` groups of each, largest first; six queries whatever the number of answers."""
    from django.db.models import Min

    consultation = submissions_page(consultation)
    submitted = Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
    found = {}
    for column in ("campaign", "similar_group"):
        grouped = submitted.exclude(**{column: ""}).values(column)
        found[column] = (
            grouped.distinct().count(),
            list(grouped.annotate(n=Count("pk"), first=Min("pk")).order_by("-n", "first")[:shown]),
        )
    fields = ("pk", "receipt_number", "search_text", "detected_language")
    examples = {
        row["pk"]: row
        for row in Response.objects.filter(
            pk__in=[row["first"] for row in found["campaign"][1]]
        ).values(*fields)
    }
    members: dict[str, list] = {}
    labels = [row["similar_group"] for row in found["similar_group"][1]]
    for row in submitted.filter(similar_group__in=labels).values(*fields, "similar_group"):
        members.setdefault(row["similar_group"], []).append(row)
    return {
        "min_size": consultation.campaign_min_size,
        "campaign_count": found["campaign"][0],
        "campaigns": [
            {"label": row["campaign"], "size": row["n"], "example": examples.get(row["first"])}
            for row in found["campaign"][1]
        ],
        "similar_count": found["similar_group"][0],
        "similar": [
            {
                "label": row["similar_group"],
                "size": row["n"],
                "answers": sorted(members.get(row["similar_group"], []), key=lambda r: r["pk"]),
            }
            for row in found["similar_group"][1]
        ],
    }


def anonymise_answers_of(user, now=None) -> None:
    """Before an account is deleted: its own answers stay, without a person behind them (named
    ones become anonymous, private ones stay private); its unsent drafts go. Answers given for
    an organisation stay the organisation's."""
    now = now or timezone.now()
    own = Response.objects.filter(user=user, organisation__isnull=True)
    own.filter(status=Response.Status.DRAFT).delete()
    with transaction.atomic(), counted(own):
        own.filter(publication=Response.Publication.NAMED).update(
            publication=Response.Publication.ANONYMOUS
        )
        own.update(country="", personal_data_erased_at=now)
