from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "participation.review"
    label = "review"
    verbose_name = _("Review and selection")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import exports, report  # noqa: F401 - register their document kinds
