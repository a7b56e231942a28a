from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "participation.documents"
    label = "documents"
    verbose_name = _("Documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import builtin, signals  # noqa: F401 - registers the built-in kinds and handlers
