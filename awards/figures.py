"""What keeps the award's participation figures on the board exact (themes/figures.py): the
numbers of nominations and winners move with a nomination's status and outcome and with an
edition's themes and publication of winners, so every change of those bumps the award's
figures version in its transaction. Saves and deletions through the ORM do so by signal;
services that write with ``QuerySet.update`` (submitting) call :func:`changed` themselves.
"""

from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save

from themes.figures import bump

KEY = "awards"


def changed(*_args, **_kwargs) -> None:
    bump(KEY)


def connect() -> None:
    from .models import AwardEditionPage, Nomination

    for model in (Nomination, AwardEditionPage):
        uid = f"awards-figures-{model.__name__}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete")


def counts(theme=None) -> dict:
    """Submitted nominations and winners (one query, whatever the numbers)."""
    from .models import Nomination

    nominations = Nomination.objects.filter(status=Nomination.Status.SUBMITTED)
    if theme is not None:
        nominations = nominations.filter(edition__themes=theme)
    return nominations.aggregate(
        nominations=Count("pk", distinct=True),
        winners=Count(
            "pk",
            distinct=True,
            filter=Q(
                outcome=Nomination.Outcome.WINNER, edition__winners_published_at__isnull=False
            ),
        ),
    )
