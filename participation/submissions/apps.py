from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    """Drafts, versions, deadlines, receipts and the flow's shared templates (no tables of its
    own: the plugins' models subclass ``SubmissionBase``)."""

    name = "participation.submissions"
    label = "submissions"
    verbose_name = _("Submissions")
    default_auto_field = "django.db.models.BigAutoField"
