"""The cache of machine translations, and which objects of a plugin had their texts sent."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class MachineTranslation(models.Model):
    """One text translated once: keyed by the SHA-256 of the text as written, its language, the
    language it was translated into and the backend that did it (another backend translates
    anew). Kept until the text's owner erases it (``forget``); never shown as a human's."""

    source_hash = models.CharField(max_length=64)
    source_language = models.CharField(max_length=16)
    target_language = models.CharField(max_length=16)
    backend = models.CharField(max_length=32)
    text = models.TextField()
    # The text sent was cut at MAX_CHARACTERS: the translation covers its beginning.
    truncated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("machine translation")
        verbose_name_plural = _("machine translations")
        constraints = [
            models.UniqueConstraint(
                fields=["source_hash", "source_language", "target_language", "backend"],
                name="one_machine_translation_per_text",
            )
        ]
        indexes = [models.Index(fields=["backend", "target_language", "id"])]

    def __str__(self):
        return f"{self.source_language}->{self.target_language} {self.source_hash[:12]}"


class TranslatedVersion(models.Model):
    """A plugin's object (``scope``, ``object_id``) whose texts at ``version`` were translated
    into the languages and with the backend its ``signature`` names: the plugin's question
    "which objects still need translating?" is one anti-join on this table."""

    scope = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    version = models.PositiveIntegerField()
    signature = models.CharField(max_length=255)
    # When texts of it were last sent (a failed attempt puts it behind the others).
    translated_at = models.DateTimeField(auto_now=True)
    # Attempts the service failed on this object's texts while it translated others, and why;
    # after MAX_FAILURES it is given up (its signature is then the current one).
    failures = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "object_id"], name="one_translated_version_per_object"
            )
        ]

    def __str__(self):
        return f"{self.scope}:{self.object_id}@{self.version}"


class PendingTranslation(models.Model):
    """A text sent to an asynchronous service (eTranslation) whose translation has not come
    back yet: the service's callback names it by ``reference`` (unguessable, in the callback's
    address too), and a run after RESEND_AFTER sends it again, MAX_FAILURES times at most.
    Erased when its translation arrives, or with the text (``prune_unused``)."""

    reference = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    source_hash = models.CharField(max_length=64)
    source_language = models.CharField(max_length=16)
    target_language = models.CharField(max_length=16)
    backend = models.CharField(max_length=32)
    text = models.TextField()  # as sent (cut at the service's limit), to send again
    truncated = models.BooleanField(default=False)
    request_id = models.BigIntegerField(null=True, blank=True)  # the service's
    sent_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.CharField(max_length=500, blank=True)  # what the service's error callback said

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_hash", "source_language", "target_language", "backend"],
                name="one_pending_translation_per_text",
            )
        ]

    def __str__(self):
        return f"{self.source_language}->{self.target_language} {self.reference}"
