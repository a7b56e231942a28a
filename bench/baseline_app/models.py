from django.conf import settings
from django.db import models


class BaselineRow(models.Model):
    text = models.CharField(max_length=255)

    def __str__(self):
        return self.text


class FloorDraft(models.Model):
    """A draft of the floor view: owned by a user, submitted once."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, default="draft")

    def __str__(self):
        return f"{self.owner_id}: {self.status}"
