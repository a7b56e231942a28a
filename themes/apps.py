from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "themes"
    label = "themes"
    verbose_name = _("Themes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .versions import connect

        connect()  # a theme's cached page follows every change of the pages it lists
