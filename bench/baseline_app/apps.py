from django.apps import AppConfig


class BaselineAppConfig(AppConfig):
    name = "baseline_app"
    label = "baseline_app"
    default_auto_field = "django.db.models.BigAutoField"
