"""One moderation decision for every answer the moderation list shows (its filters and its
search), for one consultation: a flood of 100,000 identical answers marked as spam at once, or a
workshop's answers approved for publication together.

The decision is one transaction. Only the answers whose value changes are touched; a spam flag
changes what is counted, so the counts follow in the same transaction (see counts.py), from the
rows read once under lock (``services.counted`` reads them twice and names them in one IN
clause, which SQLite refuses past 32,766 answers)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from participation.audit.services import record

from . import counts
from .models import Response
from .services import answers_changed

# decision: (field, value, what the editor chooses, what the message says was done)
DECISIONS = {
    "spam": ("spam", True, _("Mark as spam (no longer counted)")),
    "not_spam": ("spam", False, _("Not spam (counted again)")),
    "approve": ("moderation", Response.Moderation.APPROVED, _("Approve for publication")),
    "reject": ("moderation", Response.Moderation.REJECTED, _("Do not publish")),
    "pending": ("moderation", Response.Moderation.PENDING, _("Back to moderation")),
}
CHUNK = 10_000  # answers per UPDATE: well under SQLite's limit of variables in a statement


def decide(consultation, responses, decision: str, actor, listed: str = "") -> int:
    """Applies ``decision`` to the answers of ``responses`` (a queryset, limited here to the
    consultation's submitted answers); returns how many answers changed. ``listed`` (the
    list's query string) goes to the audit trail with the decision."""
    field, value, _label = DECISIONS[decision]
    mine = responses.filter(consultation_id=consultation.pk, status=Response.Status.SUBMITTED)
    changing = mine.exclude(**{field: value}).order_by("pk")
    with transaction.atomic():
        if field == "spam":
            before = counts.rows(changing, lock=True)
            pks = [row["pk"] for row in before]
            for start in range(0, len(pks), CHUNK):
                Response.objects.filter(pk__in=pks[start : start + CHUNK]).update(spam=value)
            after = [dict(row, spam=value) for row in before]
            delta = counts.differences(before, after).get(consultation.pk)
            changed = len(pks)
        else:  # what is shown, not what is counted: the version is enough
            changed = Response.objects.filter(pk__in=changing.values("pk")).update(**{field: value})
            delta = None
        if changed:
            answers_changed(consultation.pk, delta)
            record(
                consultation,
                actor,
                "answers_decided",
                decision=decision,
                answers=changed,
                listed=listed,
            )
    return changed
