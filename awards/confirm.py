"""The nominee's answer to a third party's nomination: a signed, expiring, single-use link.

Opening the link changes nothing (mail scanners open links); the nominee presses a button."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from . import services


def confirm(request, page, token):
    try:
        nomination = services.nomination_for_token(page, token)
    except services.ConfirmationRefused as refused:
        return render(
            request, "awards/confirm.html", {"page": page, "refused": str(refused)}, status=410
        )
    services.show_categories(page, [nomination])  # named in the page's language
    if request.method == "POST":
        accept = request.POST.get("answer") == "confirm"
        if request.POST.get("answer") not in ("confirm", "decline"):
            return render(
                request,
                "awards/confirm.html",
                {"page": page, "nomination": nomination, "error": _("Choose confirm or decline.")},
                status=400,
            )
        try:
            nomination = services.answer_confirmation(page, token, accept)
        except services.ConfirmationRefused as refused:
            return render(
                request, "awards/confirm.html", {"page": page, "refused": str(refused)}, status=410
            )
        return render(request, "awards/confirm.html", {"page": page, "answered": nomination})
    return render(request, "awards/confirm.html", {"page": page, "nomination": nomination})
