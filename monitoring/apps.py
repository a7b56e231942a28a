"""monitoring: a public progress board per theme, with commitments, indicators and open data.

The one plugin allowed to depend on another: a commitment comes from a consultation's outcome
item (``consultations.OutcomeItem``), so monitoring imports ``consultations`` for that link, for
who may follow a commitment (its respondents) and for the questions and answers behind it.
Commitments may also stand alone. Participation figures come from every plugin through the
``register_participation_figures`` hook (themes/figures.py), never by importing them.
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
