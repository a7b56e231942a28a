"""Commitments and their progress, who may follow them, and what the board reads.

Every function here runs a fixed number of queries whatever the number of commitments,
indicator values or responses (the board asserts it).
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.audit.services import record
from participation.outcomes import outcome_source
from participation.translation_rows import with_translations

from .models import Commitment, CommitmentFollow, Indicator, IndicatorValue, ProgressUpdate

Status = Commitment.Status


# --- Commitments ------------------------------------------------------------------------------


@transaction.atomic
def commitment_from_outcome(item, by=None) -> Commitment:
    """Track an outcome (``item``: anything with the ``pk`` of one the core's outcome source
    offers) as a commitment, once: a second call returns the same one."""
    existing = Commitment.objects.filter(outcome_item_id=item.pk).first()
    if existing is not None:
        return existing
    source = outcome_source()
    outcome = source.get(item.pk) if source is not None else None
    if outcome is None:
        raise ValidationError(_("That outcome no longer exists."))
    commitment = Commitment.objects.create(
        title=outcome.title[:255],
        description=outcome.text,
        outcome_item_id=outcome.pk,
        # The page whose participants may follow it: the original of a translation.
        consultation_id=outcome.page_id,
        owner_organisation=None,
    )
    commitment.themes.set(outcome.theme_ids)
    commitment.notified_state = commitment.state_signature()
    Commitment.objects.filter(pk=commitment.pk).update(notified_state=commitment.notified_state)
    record(commitment, by, "commitment.created", outcome_item=outcome.pk)
    return commitment


@transaction.atomic
def add_update(
    commitment, by, *, text, status, progress, date=None, dropped_reason=""
) -> ProgressUpdate:
    """Write a dated progress update and carry its status and progress to the commitment.

    A dropped commitment takes no more updates; dropping needs a reason. Followers are emailed
    once the transaction commits.
    """
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    errors = {}
    if commitment.status == Status.DROPPED:
        raise ValidationError(
            _(
                "This commitment was dropped; it takes no more progress updates. "
                "Change its status first."
            )
        )
    if status not in Status.values:
        errors["status"] = _("Choose a status from the list.")
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        errors["progress"] = _("Progress is a whole number from 0 to 100.")
    else:
        if not 0 <= progress <= 100:
            errors["progress"] = _("Progress is a whole number from 0 to 100.")
    if not (text or "").strip():
        errors["text"] = _("Say what happened.")
    if status == Status.DROPPED and not (dropped_reason or "").strip():
        errors["dropped_reason"] = _("Say why the commitment was dropped.")
    if errors:
        raise ValidationError(errors)
    date = date or timezone.localdate()
    update = ProgressUpdate.objects.create(
        commitment=commitment,
        date=date,
        text=text.strip(),
        status=status,
        progress=100 if status == Status.DONE else progress,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    commitment.status = status
    commitment.progress = update.progress
    if status == Status.DROPPED:
        commitment.dropped_reason = dropped_reason.strip()
    if status == Status.DONE and not commitment.completed_on:
        commitment.completed_on = date
    commitment.save()
    record(commitment, by, "commitment.updated", status=status, progress=update.progress)
    changed(commitment)
    return update


def changed(commitment) -> bool:
    """Call after any change; emails followers (in a task) when the status, progress or dates
    differ from what they were last told. True when a notification was queued."""
    signature = commitment.state_signature()
    if signature == commitment.notified_state:
        return False
    Commitment.objects.filter(pk=commitment.pk).update(notified_state=signature)
    commitment.notified_state = signature
    from .tasks import notify_followers

    pk = commitment.pk
    transaction.on_commit(lambda: notify_followers.enqueue(pk))
    return True


def can_follow(user, commitment) -> bool:
    if not getattr(user, "is_authenticated", False) or not commitment.consultation_id:
        return False
    source = outcome_source()
    return source is not None and source.may_follow(user, commitment.consultation_id)


def follow(user, commitment) -> CommitmentFollow:
    if not can_follow(user, commitment):
        raise ValidationError(
            _("Only people who answered the consultation behind this commitment can follow it.")
        )
    follow, _created = CommitmentFollow.objects.get_or_create(commitment=commitment, user=user)
    return follow


def unfollow(user, commitment) -> None:
    CommitmentFollow.objects.filter(commitment=commitment, user=user).delete()


def followers(commitment):
    return (
        CommitmentFollow.objects.filter(commitment=commitment, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", "user__preferred_language")
    )


# --- What the board reads ---------------------------------------------------------------------


def owner_label(commitment) -> str:
    """Who is responsible, as text in the reader's language: the organisation's name as it is
    written, the department translated (emails, open data)."""
    from participation.translation_rows import localised_text

    parts = [
        commitment.owner_organisation.name if commitment.owner_organisation else "",
        localised_text(commitment, "owner_department"),
    ]
    return ", ".join(p for p in parts if p)


def commitments_for(theme=None):
    qs = Commitment.objects.all()
    if theme is not None:
        qs = qs.filter(themes=theme)
    return qs


def status_counts(theme=None) -> list[tuple[str, str, int]]:
    """(status, label, count) in the order of the statuses, zeros included (one query)."""
    counts = dict(
        commitments_for(theme)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk", distinct=True))
    )
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


def update_prefetch(language=None):
    """Commitments' progress updates, newest first, with their rows in the reader's language
    (``language``, by default the active one): two queries for any number of commitments."""
    from django.db.models import Prefetch

    updates = with_translations(ProgressUpdate.objects.order_by("-date", "-pk"), language)
    return Prefetch("updates", queryset=updates)


def update_texts_version(commitments) -> str:
    """Changes whenever a translation of an update of ``commitments`` is added, changed or
    removed (one aggregate query): part of a cached document's fingerprint."""
    from .models import ProgressUpdateTranslation

    found = ProgressUpdateTranslation.objects.filter(
        parent__commitment__in=commitments.order_by().values("pk")
    ).aggregate(n=Count("pk"), latest=Max("updated_at"), top=Max("pk"))
    latest = found["latest"].isoformat() if found["latest"] else ""
    return f"{found['n']}:{found['top']}:{latest}"


def commitment_list(theme=None, status=""):
    qs = commitments_for(theme).select_related("owner_organisation", "consultation")
    if status in Status.values:
        qs = qs.filter(status=status)
    return with_translations(qs.prefetch_related("themes"))


def indicators_for(theme=None):
    qs = with_translations(Indicator.objects.select_related("theme"))
    if theme is not None:
        qs = qs.filter(theme=theme)
    return qs.order_by("theme__sort_order", "sort_order", "name")


def data_version(indicator_ids=None) -> str:
    """Changes whenever a value is added, changed or removed (one aggregate query)."""
    qs = IndicatorValue.objects.all()
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=indicator_ids)
    found = qs.aggregate(n=Count("pk"), latest=Max("updated_at"), top=Max("pk"))
    latest = found["latest"].isoformat() if found["latest"] else ""
    return f"{found['n']}:{found['top']}:{latest}"


def values_by_indicator(indicator_ids, country="", year=None) -> dict:
    """{indicator id: {"by_year": {year: (mean, n)}, "by_place": {place: value at year},
    "year": the year shown by place}}. Aggregates in SQL (two queries for all indicators)."""
    from django.db.models import Avg

    qs = IndicatorValue.objects.filter(indicator_id__in=indicator_ids)
    if country:
        qs = qs.filter(country=country)
    by_year = defaultdict(dict)
    for indicator_id, y, mean, n in (
        qs.filter(city="")
        .order_by()
        .values_list("indicator_id", "year")
        .annotate(m=Avg("value"), n=Count("pk"))
    ):
        by_year[indicator_id][y] = (Decimal(str(mean)) if mean is not None else None, n)
    shown_year = {}
    for indicator_id, years in by_year.items():
        if year and year in years:
            shown_year[indicator_id] = year
        elif not year and years:
            shown_year[indicator_id] = max(years)
    by_place = defaultdict(dict)
    if shown_year:
        condition = Q()
        for indicator_id, y in shown_year.items():
            condition |= Q(indicator_id=indicator_id, year=y)
        # Country-level values only (city rows would double-count a country) unless a country
        # is chosen: then its cities are shown too.
        place_qs = qs.filter(condition)
        if not country:
            place_qs = place_qs.filter(city="")
        for indicator_id, code, city, value in place_qs.values_list(
            "indicator_id", "country", "city", "value"
        ):
            by_place[indicator_id][(code, city)] = value
    return {
        pk: {
            "by_year": dict(sorted(by_year.get(pk, {}).items())),
            "by_place": by_place.get(pk, {}),
            "year": shown_year.get(pk),
        }
        for pk in indicator_ids
    }


def filter_choices(theme=None) -> tuple[list[str], list[int]]:
    """Countries and years that have values (two queries)."""
    qs = IndicatorValue.objects.all()
    if theme is not None:
        qs = qs.filter(indicator__theme=theme)
    countries = list(qs.order_by("country").values_list("country", flat=True).distinct())
    years = list(qs.order_by("-year").values_list("year", flat=True).distinct())
    return countries, years
