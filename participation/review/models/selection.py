"""Selection under quotas: the process's quotas and the stored selection runs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .process import Phase, ReviewProcess


class Quota(models.Model):
    """At least ``min`` and at most ``max`` selected items with ``attribute`` = ``value``."""

    process = models.ForeignKey(ReviewProcess, on_delete=models.CASCADE, related_name="quotas")
    attribute = models.CharField(_("attribute"), max_length=64)
    value = models.CharField(_("value"), max_length=128)
    min = models.PositiveIntegerField(_("at least"), null=True, blank=True)
    max = models.PositiveIntegerField(_("at most"), null=True, blank=True)

    class Meta:
        ordering = ["attribute", "value", "pk"]
        verbose_name = _("quota")

    def __str__(self):
        high = self.max if self.max is not None else "∞"
        return f"{self.attribute}={self.value} [{self.min or 0}, {high}]"

    def clean(self):
        super().clean()
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValidationError({"max": _("“At most” cannot be below “at least”.")})


class SelectionRun(models.Model):
    """One run of the selection: its inputs and result, kept forever, so it can be re-checked."""

    class Basis(models.TextChoices):
        NORMALISED = "normalised", _("Normalised mean (leniency corrected)")
        RAW = "raw", _("Raw mean")

    process = models.ForeignKey(
        ReviewProcess, on_delete=models.CASCADE, related_name="selection_runs"
    )
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.SET_NULL, related_name="selection_runs"
    )
    n = models.PositiveIntegerField(_("seats"))
    seed = models.IntegerField(_("seed"), null=True, blank=True)
    basis = models.CharField(
        _("merit"), max_length=16, choices=Basis.choices, default=Basis.NORMALISED
    )
    inputs = models.JSONField(encoder=DjangoJSONEncoder)
    result = models.JSONField(encoder=DjangoJSONEncoder)
    feasible = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("selection run")

    def __str__(self):
        return f"{self.process} #{self.pk}"
