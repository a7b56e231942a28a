"""Background work of consultations: tasks take ids and call the domain."""

from functools import partial

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from participation.documents.mail import send_with_pdf
from participation.i18n import display_page, in_language_of
from participation.operations.once import already_done, in_this_task, mark_done, once
from participation.operations.queues import queue_for
from participation.text import isolate_ltr_text


@task(queue_name=queue_for("mail"))
def send_confirmation(response_id: int) -> None:
    """Email the confirmation with the receipt number and the PDF receipt attached."""
    from .documents import receipt_pdf
    from .models import Response

    response = Response.objects.select_related("consultation", "updated_by", "organisation").get(
        pk=response_id
    )
    if response.facilitator_id:
        # Entered by a facilitator (consultations.assisted): to the address the person gave,
        # in the language they answered in; the answer's page is the facilitator's only.
        person, address = None, response.receipt_email
    else:
        person = response.updated_by
        address = person.email if person is not None else ""
    if not address or not response.is_submitted:
        return
    # Once per submission, even if the task runs again (its worker died after sending).
    key = f"consultations.confirmation:{response.pk}:{response.submitted_at}"
    if already_done(key):
        return
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with in_language_of(person, fallback=response.language if person is None else ""):
        # The page in the person's language when translated (the answer is the original's).
        consultation = display_page(response.consultation)
        url = (
            None
            if response.facilitator_id
            else base
            + consultation.url
            + consultation.reverse_subpage("respond_done", args=[response.pk])
        )
        subject = _("Your answer to “%(title)s” — receipt %(receipt)s") % {
            "title": consultation.title,
            "receipt": isolate_ltr_text(response.receipt_number),
        }
        body = render_to_string(
            "consultations/email/confirmation.txt",
            {"response": response, "consultation": consultation, "url": url},
        )
        pdf = receipt_pdf(response, consultation)
    send_with_pdf(subject, body, [address], pdf, f"receipt-{response.receipt_number}.pdf")
    mark_done(key)


@task(queue_name=queue_for("mail"))
def notify_outcome(page_id: int) -> None:
    """Tell everyone who answered that the outcome is published, in their language."""
    from django.core.mail import send_mail

    from .models import ConsultationPage
    from .services import respondents_to_notify

    page = ConsultationPage.objects.get(pk=page_id)
    if page.is_translation:
        # Its answers are the original's: their authors hear once, when the original's outcome
        # is published, with a link to the outcome in their language (below).
        return
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    shown = {}  # language -> the page showing the outcome in it, looked up once
    for email, language in respondents_to_notify(page):
        with in_language_of(fallback=language):
            code = translation.get_language()
            if code not in shown:
                # The live translation in that language if it shows its (translated) outcome,
                # else the original's outcome.
                translated = display_page(page)
                shown[code] = translated if translated.outcome_published_at else page
            consultation = shown[code]
            subject = _("What we did with your answers: %(title)s") % {"title": consultation.title}
            body = render_to_string(
                "consultations/email/outcome.txt",
                {"consultation": consultation, "url": base + consultation.url},
            )
        # A rerun of this task (its worker died) skips whoever already heard.
        once(in_this_task(email), partial(send_mail, subject, body, None, [email]))


@task(queue_name=queue_for("mail"))
def send_deadline_reminders() -> int:
    """Email every due reminder once; run hourly (`manage.py send_deadline_reminders`)."""
    from django.core.mail import send_mail
    from django.utils import timezone

    from .models import Response
    from .services import due_reminders

    sent = 0
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for response in due_reminders():
        person = response.user
        with in_language_of(person):
            consultation = display_page(response.consultation)
            url = (
                base
                + consultation.url
                + consultation.reverse_subpage("respond_step", args=[response.pk, 0])
            )
            subject = _("Reminder: “%(title)s” closes soon") % {"title": consultation.title}
            body = render_to_string(
                "consultations/email/reminder.txt",
                {"consultation": consultation, "response": response, "url": url},
            )
        send_mail(subject, body, None, [person.email])
        Response.objects.filter(pk=response.pk).update(reminded_at=timezone.now())
        sent += 1
    return sent


@task(queue_name=queue_for("analysis"))
def detect_campaigns(consultation_id: int) -> int:
    from .models import ConsultationPage
    from .services import detect_campaigns as detect

    return detect(ConsultationPage.objects.get(pk=consultation_id))


@task(queue_name=queue_for("analysis"))
def detect_answer_languages() -> int:
    """Languages of the submitted answers that are due (consultations.languages); four minutes
    at most, so a backlog is read over several runs of the periodic job, never a hung task."""
    from .languages import detect_due

    return detect_due(budget_seconds=240)


@task(queue_name=queue_for("analysis"))
def translate_answers() -> dict:
    """Machine translations of the answers that are due (consultations.machine_translation):
    four minutes at most; a failing service leaves them due for the next run."""
    from .machine_translation import translate_due

    return translate_due(budget_seconds=240)


@task(queue_name=queue_for("analysis"))
def import_answers(batch_id: int, commit: bool) -> str:
    """Check a spreadsheet of answers, or import it (consultations.importing): a large file
    takes longer than a request may."""
    from .importing import run

    return run(batch_id, commit)


@task(queue_name=queue_for("analysis"))
def compute_topics(run_id: int) -> int:
    """The topics of one open question (consultations.topics), with progress on the run."""
    from .topics import compute

    return compute(run_id)
