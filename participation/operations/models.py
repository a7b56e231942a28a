from django.db import models


class PeriodicJobState(models.Model):
    """When a periodic job is next due, shared by every scheduler (see periodic.py)."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_succeeded = models.BooleanField(null=True)
    last_error = models.TextField(blank=True)

    def __str__(self):
        return self.name
