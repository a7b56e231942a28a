"""Version rows: a number bumped in the transaction of every change of what a cached copy
shows, so that the copy's cache key (which holds the number) changes at the commit of the
change, never before, never after. A reader reads the number in one query, then the rows: a
change committed in between is at worst stored under the old number, which nobody reads again.

A model for it has an integer ``version`` column; its primary key names the row (one row for
a whole board, or one per plugin).
"""

from django.db import IntegrityError, transaction
from django.db.models import F


def current(model, key=1) -> int:
    """The version of row ``key`` (one query); 0 before the first change."""
    return model.objects.filter(pk=key).values_list("version", flat=True).first() or 0


def bump(model, key=1) -> None:
    if model.objects.filter(pk=key).update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():  # the first change ever: make the row
            model.objects.create(pk=key, version=1)
    except IntegrityError:  # made meanwhile by another change
        model.objects.filter(pk=key).update(version=F("version") + 1)
