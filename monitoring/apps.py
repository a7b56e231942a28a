"""monitoring: a public progress board per theme, with commitments, indicators and open data.

Like every plugin it imports no other. A commitment may come from an outcome another plugin
offers through the core's ``register_participation_outcomes`` hook (participation/outcomes.py;
consultations offers its outcome items): monitoring keeps the outcome's id and the page it
belongs to, and asks the source who may follow it and what lies behind it. Commitments may also
stand alone. Participation figures come from every plugin through the
``register_participation_figures`` hook (themes/figures.py).
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import documents  # noqa: F401 - registers the progress report
        from .versions import connect

        connect()  # the board's cached list follows every change
