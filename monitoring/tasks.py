"""Background work of monitoring: tasks take ids and call the domain."""

from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_tasks import task

from participation.i18n import in_language_of
from participation.operations.once import in_this_task, once
from participation.operations.queues import queue_for
from participation.text import isolate_text
from participation.translation_rows import localised_text, with_translations


@task(queue_name=queue_for("mail"))
def notify_followers(commitment_id: int) -> int:
    """Email everyone who follows the commitment, in their language, about its new state."""
    from .models import Commitment, MonitoringBoardPage
    from .services import followers

    # Every follower's language at once: each email reads its own language's row.
    commitment = with_translations(
        Commitment.objects.filter(pk=commitment_id).select_related("owner_organisation"),
        every_language=True,
    ).first()
    if commitment is None:
        return 0
    latest = with_translations(commitment.updates.all(), every_language=True).first()
    board = MonitoringBoardPage.objects.live().first()
    url = ""
    if board is not None:
        url = (
            settings.WAGTAILADMIN_BASE_URL.rstrip("/")
            + board.url
            + board.reverse_subpage("commitment", args=[commitment.pk])
        )
    sent = 0
    for email, language in followers(commitment):
        with in_language_of(fallback=language):
            subject = _("A commitment you follow has changed: %(title)s") % {
                "title": isolate_text(localised_text(commitment, "title"))
            }
            body = render_to_string(
                "monitoring/email/changed.txt",
                {
                    "commitment": commitment,
                    "update": latest,
                    "url": url,
                    "progress": f"{commitment.progress} %",
                },
            )
        # A rerun of this task (its worker died) skips whoever already heard.
        once(in_this_task(email), partial(send_mail, subject, body, None, [email]))
        sent += 1
    return sent
