from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: health checks, request ids in logs, the periodic job scheduler."""

    name = "participation.operations"
    label = "operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .once import connect_signals

        connect_signals()
