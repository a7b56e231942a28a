from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertGroupConfig(AppConfig):
    name = "expertgroup"
    label = "expertgroup"
    verbose_name = _("Migrant Expert Group")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .documents import register_kinds

        register_kinds()

        from .figures import connect

        connect()  # the board's figures follow every change of an application
