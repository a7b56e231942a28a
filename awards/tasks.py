"""Background work of the award: tasks take ids and call the domain."""

from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from participation.documents.mail import send_with_pdf
from participation.i18n import display_page, in_language_of
from participation.operations.once import already_done, in_this_task, mark_done, once
from participation.operations.queues import queue_for
from participation.text import isolate_ltr_text


def _absolute(url: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


@task(queue_name=queue_for("mail"))
def send_receipt(nomination_id: int) -> None:
    """Email the nominator the receipt number with the PDF receipt attached."""
    from .documents import receipt_pdf
    from .models import Nomination
    from .services import show_categories

    nomination = Nomination.objects.select_related("edition", "category", "updated_by").get(
        pk=nomination_id
    )
    person = nomination.updated_by or nomination.user
    if person is None or not person.email or not nomination.is_submitted:
        return
    # Once per submission, even if the task runs again (its worker died after sending).
    key = f"awards.receipt:{nomination.pk}:{nomination.submitted_at}"
    if already_done(key):
        return
    with in_language_of(person, fallback=nomination.language):
        # The edition in that language when translated (the nomination is the original's).
        edition = display_page(nomination.edition)
        show_categories(edition, [nomination])
        url = _absolute(edition.route_url("nominate_done", nomination.pk))
        subject = _("Your nomination for “%(title)s” — receipt %(receipt)s") % {
            "title": edition.title,
            "receipt": isolate_ltr_text(nomination.receipt_number),
        }
        body = render_to_string(
            "awards/email/receipt.txt", {"nomination": nomination, "edition": edition, "url": url}
        )
        pdf = receipt_pdf(nomination, edition)
    send_with_pdf(subject, body, [person.email], pdf, f"receipt-{nomination.receipt_number}.pdf")
    mark_done(key)


@task(queue_name=queue_for("mail"))
def send_confirmation_request(nomination_id: int) -> None:
    """Ask the nominee, at their contact address, to confirm a third party's nomination."""
    from participation.accounts.models import sender_name

    from .models import Nomination
    from .services import confirmation_url_args, show_categories

    nomination = Nomination.objects.select_related(
        "edition", "category", "user", "organisation"
    ).get(pk=nomination_id)
    if not nomination.contact_email or not nomination.confirmation_nonce:
        return
    # Named by the name they chose and the organisation they act for, never by their address.
    sender = sender_name(nomination.user, nomination.organisation)
    # The nominee's own account's language if the address has one, else the nominator's.
    with in_language_of(email=nomination.contact_email, fallback=nomination.language):
        # The link opens the edition in the nominee's language when translated: the token is
        # checked against the original edition whichever translation serves it.
        edition = display_page(nomination.edition)
        show_categories(edition, [nomination])
        url = _absolute(edition.route_url("confirm", *confirmation_url_args(nomination)))
        subject = _("You have been nominated for “%(title)s”: please confirm") % {
            "title": edition.title
        }
        body = render_to_string(
            "awards/email/confirm_request.txt",
            {"nomination": nomination, "edition": edition, "url": url, "sender": sender},
        )
    once(
        in_this_task("request"), partial(send_mail, subject, body, None, [nomination.contact_email])
    )


@task(queue_name=queue_for("mail"))
def notify_outcome(edition_id: int, what: str) -> int:
    """Tell nominees and nominators that the shortlist or the winners are published."""
    from .models import AwardEditionPage
    from .services import people_to_notify, show_categories

    original = AwardEditionPage.objects.get(pk=edition_id)
    pages = {}  # the edition in each language (its translation, if any), looked up once
    sent = 0
    for email, language, nomination in people_to_notify(original, what):
        # A nominee with an account hears in its language; else in the nomination's.
        with in_language_of(email=email, fallback=language):
            code = translation.get_language()
            if code not in pages:
                pages[code] = display_page(original)
            edition = pages[code]
            show_categories(edition, [nomination])
            url = _absolute(edition.route_url("winners" if what == "winners" else "shortlist"))
            if what == "winners":
                subject = _("The winners of “%(title)s” are announced") % {"title": edition.title}
            else:
                subject = _("The shortlist of “%(title)s” is announced") % {"title": edition.title}
            body = render_to_string(
                "awards/email/outcome.txt",
                {"nomination": nomination, "edition": edition, "url": url, "what": what},
            )
        # A rerun of this task (its worker died) skips whoever already heard.
        once(in_this_task(email), partial(send_mail, subject, body, None, [email]))
        sent += 1
    return sent
