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


class WorkerHeartbeat(models.Model):
    """A task worker's last sign of life (see workers.py): how a dead worker is told apart."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    last_seen = models.DateTimeField(db_index=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self):
        return self.worker_id


class OnceMarker(models.Model):
    """Something done once and not again when its task runs a second time (see once.py)."""

    key = models.CharField(max_length=255, primary_key=True)
    done_at = models.DateTimeField()

    def __str__(self):
        return self.key
