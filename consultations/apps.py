from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    label = "consultations"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import assisted, documents, printable, signals  # noqa: F401 - kinds, handlers

        assisted.register_permission_type()  # "Enter answers" among the page permissions
