"""Consultation-specific rules on top of the shared submission services."""

from collections import defaultdict
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext

from participation.audit.services import forget_actors, record
from participation.i18n import submissions_page
from participation.questionnaire.structure import parse
from participation.submissions import services as submissions

from .models import Response, ResponseFact

RECEIPT_PREFIX = "CONS"
COUNTED_TYPES = {"single_choice", "multiple_choice", "yes_no", "scale", "ranking"}
OTHER = "__other__"


def _fact_values(kind: str, answer) -> list[str]:
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
    if kind == "ranking":  # position:value, so average ranks are a GROUP BY too
        return [f"{position}:{value}" for position, value in enumerate(answer, start=1)]
    return []


def facts_for(response) -> list[ResponseFact]:
    snapshot = response.questionnaire_snapshot or {}
    facts = []
    for question_id, answer in response.answers.items():
        kind = snapshot.get(question_id, {}).get("type")
        if kind in COUNTED_TYPES:
            facts.extend(
                ResponseFact(
                    response=response,
                    consultation_id=response.consultation_id,
                    question_id=question_id,
                    value=value[:255],
                )
                for value in _fact_values(kind, answer)
            )
    return facts


def submit_response(response, user, publication: str, publish_attachments: bool = False, now=None):
    """Submit with the respondent's publication choice, count its answers, mark the summaries
    stale and queue the confirmation, all in one transaction: the task is a row of the same
    database, so the email goes out if and only if the answer is stored. (Moving the last two
    after the commit made no difference that the bench could tell apart from its noise.)"""
    from . import tasks

    def count_and_confirm(submitted):
        ResponseFact.objects.bulk_create(facts_for(submitted))
        answers_changed(submitted.consultation_id)
        tasks.send_confirmation.enqueue(submitted.pk)

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
    reopened = submissions.reopen(response, user, now=now)
    reopened.facts.all().delete()
    answers_changed(reopened.consultation_id)
    return reopened


@transaction.atomic
def withdraw_response(response, user, now=None):
    withdrawn = submissions.withdraw(response, user, now=now)
    withdrawn.facts.all().delete()
    answers_changed(withdrawn.consultation_id)
    return withdrawn


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


def answers_changed(consultation_id) -> None:
    """Call after any change to submitted answers (submit, withdraw, moderation, campaigns).
    The counter lives in the database, in the same transaction as the change, so every server
    process agrees on it."""
    from .models import ConsultationPage

    ConsultationPage.objects.filter(pk=consultation_id).update(
        answers_version=F("answers_version") + 1
    )


def what_we_heard(consultation) -> dict:
    """Counts per question and option, overall and by respondent type, plus totals.

    A fixed number of queries whatever the number of responses; cached until a response is
    submitted, withdrawn or moderated (the key carries the latest change).
    """
    consultation = submissions_page(consultation)  # a translation shows the original's answers
    submitted = Response.objects.filter(
        consultation=consultation, status=Response.Status.SUBMITTED, spam=False
    )
    key = f"consultations:wwh:{consultation.pk}:{summary_version(consultation.pk)}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    totals = submitted.aggregate(
        responses=Count("pk"),
        organisations=Count("organisation", distinct=True),
        individuals=Count("pk", filter=Q(organisation__isnull=True)),
    )
    by_country = dict(
        submitted.exclude(country="").values_list("country").annotate(n=Count("pk")).order_by("-n")
    )
    by_language = dict(
        submitted.exclude(language="")
        .values_list("language")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    by_kind = dict(
        submitted.filter(organisation__isnull=False)
        .values_list("organisation__kind")
        .annotate(n=Count("pk"))
    )
    campaigns = list(
        submitted.exclude(campaign="")
        .values("campaign")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("-n")
    )
    counts = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    rows = (
        ResponseFact.objects.filter(response__in=submitted)
        .values_list("question_id", "value", "response__respondent_type")
        .annotate(n=Count("pk"))
    )
    for question_id, value, respondent_type, n in rows:
        counts[question_id][value]["all"] += n
        counts[question_id][value][respondent_type] += n
    answered = dict(
        ResponseFact.objects.filter(response__in=submitted)
        .values_list("question_id")
        .annotate(n=Count("response", distinct=True))
    )
    result = {
        "totals": totals,
        "by_country": by_country,
        "by_language": by_language,
        "by_organisation_kind": by_kind,
        "campaigns": campaigns,
        "questions": {q: {v: dict(c) for v, c in values.items()} for q, values in counts.items()},
        "answered": answered,
    }
    cache.set(key, result, 60 * 60)
    return result


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
    count = responses.update(user=None, updated_by=None, country="", personal_data_erased_at=now)
    forget_actors(Response, ids)  # the audit trail would otherwise still link answer and person
    answers_changed(consultation.pk)
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
    """Group identical and near-identical free-text answers; each group gets a campaign label.

    Reads the answers once as a stream (see participation.analysis.campaigns), so it scales to
    hundreds of thousands of answers. Returns the number of groups found.
    """
    from participation.analysis.campaigns import group

    consultation = submissions_page(consultation)
    submitted = Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
    texts = submitted.exclude(search_text="").values_list("pk", "search_text").iterator(2000)
    groups = group(texts, threshold=threshold)
    with transaction.atomic():
        submitted.exclude(campaign="").update(campaign="")
        for found in groups:
            members = list(found.member_ids)
            for start in range(0, len(members), 500):
                Response.objects.filter(pk__in=members[start : start + 500]).update(
                    campaign=f"campaign-{found.id}"
                )
    record(consultation, None, "campaigns.detected", groups=len(groups))
    answers_changed(consultation.pk)
    return len(groups)


def anonymise_answers_of(user, now=None) -> None:
    """Before an account is deleted: its own answers stay, without a person behind them (named
    ones become anonymous, private ones stay private); its unsent drafts go. Answers given for
    an organisation stay the organisation's."""
    now = now or timezone.now()
    own = Response.objects.filter(user=user, organisation__isnull=True)
    own.filter(status=Response.Status.DRAFT).delete()
    consultations = set(own.values_list("consultation_id", flat=True))
    own.filter(publication=Response.Publication.NAMED).update(
        publication=Response.Publication.ANONYMOUS
    )
    own.update(country="", personal_data_erased_at=now)
    for consultation_id in consultations:
        answers_changed(consultation_id)
