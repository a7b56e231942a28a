from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_offered_locales(using="default", plan=None, **kwargs):
    """One Wagtail Locale per offered language, after every migrate: a language added to
    PARTICIPATION_LANGUAGES later gets its locale at the next deploy. Not after a flush (no
    plan), which empties a database on purpose (tests put their rows back themselves)."""
    if plan is None:
        return
    from django.conf import settings
    from django.db import connections
    from wagtail.models import Locale

    if Locale._meta.db_table not in connections[using].introspection.table_names():
        return  # a partial migrate that has not reached Wagtail's tables yet
    existing = set(Locale.objects.using(using).values_list("language_code", flat=True))
    Locale.objects.using(using).bulk_create(
        Locale(language_code=code)
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
        if code not in existing
    )


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = "Site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(create_offered_locales, sender=self)
