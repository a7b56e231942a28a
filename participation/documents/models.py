import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.files.storage import LazyStorage

from . import conf

_generated = LazyStorage(lambda: conf.get("STORAGE"))


def generated_storage():
    # Lazy, so that a change of STORAGES (or of this app's setting) is followed.
    return _generated


def generated_upload_to(instance, filename):
    # A random folder: the file is only ever served through the download view.
    return f"{conf.get('UPLOAD_TO')}/{uuid.uuid4().hex}/{filename}"


class GeneratedDocument(models.Model):
    """A document built in the background (a PDF summary, a spreadsheet...) and who asked."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    fingerprint = models.CharField(
        _("data fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("Same kind and fingerprint: same document, served again without a rebuild."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    progress_unit = models.CharField(_("unit"), max_length=20, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=generated_upload_to,
        storage=generated_storage,
        blank=True,
        max_length=255,
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    error_detail = models.TextField(_("error detail"), blank=True)
    # A document built despite a problem people should know of (letters no font has, printed
    # as boxes): shown with the download.
    warnings = models.TextField(_("warnings"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    task_id = models.CharField(max_length=64, blank=True)
    reused_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("served from"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="generated_documents",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        indexes = [models.Index(fields=["kind", "fingerprint", "status"])]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    def get_absolute_url(self):
        return reverse("documents:status", kwargs={"public_id": self.public_id})

    @property
    def download_url(self):
        return reverse("documents:download", kwargs={"public_id": self.public_id})

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stale(self) -> bool:
        """Queued or running with no sign of life for a long time: the worker died."""
        if self.is_finished:
            return False
        limit = timedelta(seconds=conf.get("STALE_AFTER_SECONDS"))
        return self.updated_at is not None and timezone.now() - self.updated_at > limit

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stale

    @property
    def percent(self) -> int | None:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))
