"""Background work of the expert call: tasks take ids and call the domain."""

from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from participation.documents.mail import send_with_pdf
from participation.emails import signature
from participation.i18n import display_page, in_language_of
from participation.operations.once import already_done, in_this_task, mark_done, once
from participation.operations.queues import queue_for
from participation.text import isolate_ltr_text


@task(queue_name=queue_for("mail"))
def send_receipt(application_id: int) -> None:
    """Email the receipt number with the PDF receipt attached, in the applicant's language."""
    from .documents import receipt_pdf
    from .models import Application

    application = Application.objects.select_related("call", "user").get(pk=application_id)
    person = application.user
    if person is None or not person.email or not application.is_submitted:
        return
    # Once per submission, even if the task runs again (its worker died after sending).
    key = f"expertgroup.receipt:{application.pk}:{application.submitted_at}"
    if already_done(key):
        return
    with in_language_of(person, fallback=application.language):
        # The call in that language when translated (the application is the original's).
        page = display_page(application.call)
        url = (
            settings.WAGTAILADMIN_BASE_URL.rstrip("/")
            + page.url
            + page.reverse_subpage("apply_review", args=[application.pk])
        )
        subject = _("Your application to “%(title)s” — receipt %(receipt)s") % {
            "title": page.title,
            "receipt": isolate_ltr_text(application.receipt_number),
        }
        body = render_to_string(
            "expertgroup/email/receipt.txt",
            {"application": application, "page": page, "url": url},
        )
        pdf = receipt_pdf(application, page)
    send_with_pdf(subject, body, [person.email], pdf, f"receipt-{application.receipt_number}.pdf")
    mark_done(key)


@task(queue_name=queue_for("mail"))
def send_letter(application_id: int, kind: str) -> bool:
    """Send one letter (decision, screening notice, replacement) and note when it was sent."""
    from .models import Application, LetterTemplate, Screening
    from .services import render_letter

    application = Application.objects.select_related("call", "user").get(pk=application_id)
    person = application.user
    if person is None or not person.email:
        return False
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    subject, body, _language = render_letter(application, kind, base_url=base)
    body = body.rstrip() + "\n\n" + signature()
    # A rerun of this task (its worker died after sending) does not send the letter again.
    once(
        in_this_task("letter"),
        partial(send_mail, " ".join(subject.split()), body, None, [person.email]),
    )
    now = timezone.now()
    if kind == LetterTemplate.Kind.INELIGIBLE:
        Screening.objects.filter(application=application).update(notice_sent_at=now)
    else:
        Application.objects.filter(pk=application.pk).update(decision_sent_at=now)
    return True
