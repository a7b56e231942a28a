from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageDraftsConfig(AppConfig):
    name = "participation.pagedrafts"
    label = "pagedrafts"
    verbose_name = _("Unfinished new pages")
    default_auto_field = "django.db.models.BigAutoField"
