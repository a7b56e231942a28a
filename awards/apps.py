from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    label = "awards"
    verbose_name = _("Integration award")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import documents  # noqa: F401 - document kinds
        from .figures import connect

        connect()  # the board's figures follow every change of a nomination or an edition
