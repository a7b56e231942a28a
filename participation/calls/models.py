"""Abstract fields every call page shares. Plugins subclass `CallWindowMixin` with `Page`."""

import zoneinfo
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .window import WindowState, accepts_submission, window_state


@lru_cache(maxsize=1)
def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class CallWindowMixin(models.Model):
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    grace_minutes = models.PositiveIntegerField(
        _("grace period (minutes)"),
        default=0,
        help_text=_("Drafts started before the close may still be sent for this long after it."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        choices=time_zone_choices,
        help_text=_("Dates are shown to people in this time zone."),
    )

    class Meta:
        abstract = True

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The call must close after it opens.")})

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def window_state(self, now=None) -> WindowState:
        return window_state(self.opens_at, self.closes_at, now or timezone.now())

    def accepts_submission(self, draft_started_at=None, now=None) -> bool:
        return accepts_submission(
            self.opens_at,
            self.closes_at,
            timedelta(minutes=self.grace_minutes),
            now or timezone.now(),
            draft_started_at,
        )


def annotate_window_state(queryset, now=None):
    """Add `window_state` (forthcoming / open / closed) in SQL, for filtering and counting."""
    now = now or timezone.now()
    return queryset.annotate(
        window_state=models.Case(
            models.When(opens_at__gt=now, then=models.Value(WindowState.FORTHCOMING.value)),
            models.When(closes_at__lte=now, then=models.Value(WindowState.CLOSED.value)),
            default=models.Value(WindowState.OPEN.value),
            output_field=models.CharField(),
        )
    )
