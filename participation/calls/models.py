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

    # The call's window, not its text: a translation shows and obeys its original's (below).
    window_fields = ("opens_at", "closes_at", "grace_minutes", "time_zone")

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def submissions_page(self):
        """The page that holds this call's submissions: the original (default-language) page of
        a translation, else this page (participation.i18n). Plugins create and look up
        submissions against it, and read their state (announced, published) from it.

        Deadlines: the original's dates are authoritative. A translation is a copy made once,
        so its own dates may be stale; they are replaced in memory by the original's, so that
        what readers see and what the call accepts agree, whatever page they read."""
        from participation.i18n import submissions_page

        source = submissions_page(self)
        if source is not self and not self.__dict__.get("_window_synced"):
            for name in self.window_fields:
                setattr(self, name, getattr(source, name))
            self.__dict__["_window_synced"] = True
        return source

    @property
    def is_translation(self) -> bool:
        return self.submissions_page().pk != self.pk

    def window_state(self, now=None) -> WindowState:
        source = self.submissions_page()
        return window_state(source.opens_at, source.closes_at, now or timezone.now())

    def accepts_submission(self, draft_started_at=None, now=None) -> bool:
        source = self.submissions_page()
        return accepts_submission(
            source.opens_at,
            source.closes_at,
            timedelta(minutes=source.grace_minutes),
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
