"""Receipts attached to confirmation emails."""

import re

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives


def safe_filename(filename: str, default: str = "document.pdf") -> str:
    """A file name with no path, no control characters and a .pdf ending."""
    name = re.sub(r"[\x00-\x1f\x7f/\\]+", " ", str(filename or "")).strip(" .")
    name = name[:150] or default
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name


def send_with_pdf(
    subject: str,
    body: str,
    to: list[str] | str,
    pdf: bytes,
    filename: str,
    *,
    html_body: str | None = None,
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    fail_silently: bool = False,
    connection=None,
) -> int:
    """Send an email with a PDF attached (``application/pdf``). Returns the number sent (0/1).

    send_with_pdf(_("Your answer was received"), text, [user.email],
                  render_pdf("consultations/print/receipt.html", ...), "receipt.pdf")
    """
    recipients = [to] if isinstance(to, str) else list(to)
    cls = EmailMultiAlternatives if html_body else EmailMessage
    message = cls(
        subject=" ".join(str(subject).split()),  # no header injection through new lines
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=reply_to,
        connection=connection,
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.attach(safe_filename(filename), pdf, "application/pdf")
    return message.send(fail_silently=fail_silently)
