"""Nominating: start (category, who is nominated, on whose behalf), one form with files, submit,
the receipt. Routes of ``AwardEditionPage`` call these; the rules are in ``services.py``."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from participation import limits
from participation.audit.services import history
from participation.files.serve import download_name, private_file_response
from participation.middleware import saving
from participation.submissions import services as submissions
from participation.submissions.flow import SubmissionFlow, attempt, posted_version, signed_in
from participation.submissions.services import EditConflict, SubmissionError

from . import services
from .forms import NominationForm, StartForm
from .models import Nomination, NominationFile
from .rules import edition_editor

# The nominee's confirmation request goes to an address the nominator typed: limited per
# nomination, per nominator and per connection (participation.limits).
EMAIL_LIMIT_RESEND = gettext_lazy(
    "No email was sent: a nominee can be asked to confirm only a few times a day, and each "
    "person may send only a limited number of such emails a day. Please try again tomorrow; "
    "your nomination is unchanged."
)
EMAIL_LIMIT_SUBMIT = gettext_lazy(
    "Your draft is saved but not submitted yet: submitting emails the nominee, and you have "
    "sent as many emails to other people's addresses today as we allow. Please submit it "
    "tomorrow."
)


def _relay_key(nomination) -> str:
    return f"awards.nomination:{nomination.pk}"


class NominateFlow(SubmissionFlow):
    """Nominations edited in one form (``edit``) by their nominator or organisation."""

    model = Nomination
    prefix = "nominate"
    call_field = "edition"
    edit_route = "edit"
    withdraw_with = "awards.services.withdraw"
    receipt_with = "awards.documents.receipt_pdf"
    related = ("category", "organisation", "updated_by")
    withdrawn_message = gettext_lazy("The nomination was withdrawn.")


FLOW = NominateFlow()


@signed_in
def start(request, page):
    form = StartForm(page, request.user, request.POST or None)
    existing = services.show_categories(page, services.nominations_of(page, request.user))
    if request.method == "POST":
        if not page.accepts_submission():
            messages.error(request, _("Nominations for this edition are closed."))
        elif form.is_valid():
            nomination, error = attempt(
                request, lambda: services.start(page, request.user, **form.cleaned_data)
            )
            if error is None:
                return redirect(page.route_url("nominate_edit", nomination.pk))
    return render(
        request,
        "awards/nominate_start.html",
        {"page": page, "form": form, "existing": existing},
    )


@FLOW.own
def edit(request, page, nomination, user):
    if not nomination.is_draft:
        return redirect(page.route_url("nominate_done", nomination.pk))
    conflict = None
    if request.method == "POST":
        form = NominationForm(
            request.POST, request.FILES, instance=Nomination(kind=nomination.kind)
        )
        # "Remove" buttons send the whole form: what was typed is saved first, never dropped.
        remove = request.POST.get("remove_file", "")
        if form.is_valid():
            saved, error = attempt(
                request,
                lambda: services.save(
                    nomination, user, form.draft_fields(), posted_version(request)
                ),
            )
            if isinstance(error, EditConflict):
                conflict = error.current
            elif error is None:
                nomination = saved
                if _store_files(request, form, nomination):
                    if remove:
                        try:
                            services.remove_file(
                                nomination, user, int(remove) if remove.isdigit() else 0
                            )
                            messages.success(request, _("The file was removed."))
                        except SubmissionError as error:
                            messages.error(request, str(error))
                        return redirect(page.route_url("nominate_edit", nomination.pk))
                    if request.POST.get("action") == "submit":
                        relayed = nomination.kind == Nomination.Kind.THIRD_PARTY
                        if relayed and not limits.allow_relayed_email(
                            request, _relay_key(nomination), count=False
                        ):
                            messages.error(request, EMAIL_LIMIT_SUBMIT)
                        else:
                            try:
                                with saving(request):
                                    nomination = services.submit(nomination, user)
                            except SubmissionError as error:
                                messages.error(request, str(error))
                            else:
                                if relayed:  # the nominee's confirmation request went out
                                    limits.allow_relayed_email(request, _relay_key(nomination))
                                return redirect(page.route_url("nominate_done", nomination.pk))
                    else:
                        messages.success(request, _("Your draft is saved."))
                        return redirect(page.route_url("nominate_edit", nomination.pk))
                # keep what was typed, with the version just saved
                data = request.POST.copy()
                data["version"] = nomination.version
                form = NominationForm(data, instance=Nomination(kind=nomination.kind))
                form.is_valid()
                for name, error in getattr(request, "_award_file_errors", {}).items():
                    form.add_error(name, error)
    else:
        form = NominationForm(instance=nomination)
    services.show_categories(page, [nomination])  # named in the page's language
    files = list(nomination.files.all())
    return render(
        request,
        "awards/nominate_edit.html",
        {
            "page": page,
            "nomination": nomination,
            "form": form,
            "conflict": conflict,
            "evidence": [f for f in files if f.kind == NominationFile.Kind.EVIDENCE],
            "photos": [f for f in files if f.kind == NominationFile.Kind.PHOTO],
            "recent": list(history(nomination).order_by("-created_at")[:5]),
            "can_submit": submissions.can_submit(nomination, user),
        },
    )


def _store_files(request, form, nomination) -> bool:
    """Store the uploaded files; on a refusal, note it for the form and return False."""
    errors = {}
    data = form.cleaned_data
    if data.get("evidence_file"):
        try:
            with saving(request):
                services.add_file(
                    nomination, request.user, NominationFile.Kind.EVIDENCE, data["evidence_file"]
                )
        except SubmissionError as error:
            errors["evidence_file"] = str(error)
    if data.get("photo_file"):
        try:
            with saving(request):
                services.add_file(
                    nomination,
                    request.user,
                    NominationFile.Kind.PHOTO,
                    data["photo_file"],
                    caption=data.get("photo_caption", ""),
                    credit=data.get("photo_credit", ""),
                    rights_confirmed=data.get("photo_rights", False),
                )
        except SubmissionError as error:
            errors["photo_file"] = str(error)
    if errors:
        request._award_file_errors = errors
        messages.warning(request, _("Your text is saved, but a file was refused (see below)."))
    return not errors


@FLOW.own
def done(request, page, nomination, user):
    if nomination.is_draft:
        return redirect(page.route_url("nominate_edit", nomination.pk))
    services.show_categories(page, [nomination])  # named in the page's language
    return render(
        request,
        "awards/nominate_done.html",
        {
            "page": page,
            "nomination": nomination,
            "files": list(nomination.files.all()),
            "can_submit": submissions.can_submit(nomination, user),
            "can_withdraw": nomination.is_submitted and page.accepts_submission(),
        },
    )


receipt = FLOW.receipt
withdraw = signed_in(require_POST(FLOW.withdraw))


@signed_in
@require_POST
@FLOW.own
def resend(request, page, nomination, user):
    if (
        not nomination.is_submitted
        or nomination.kind != Nomination.Kind.THIRD_PARTY
        or nomination.confirmed_at
        or nomination.declined_at
    ):
        messages.error(request, _("This nomination does not wait for a confirmation."))
    elif not limits.allow_relayed_email(request, _relay_key(nomination)):
        messages.error(request, EMAIL_LIMIT_RESEND)
    else:
        services.request_confirmation(nomination, user)
        messages.success(
            request,
            _("A new confirmation link was sent to %(email)s; older links no longer work.")
            % {"email": nomination.contact_email},
        )
    return redirect(page.route_url("nominate_done", nomination.pk))


def private_file(request, page, nomination_id, file_id):
    """A nomination's file, for the people who may edit it and for editors."""
    nomination = Nomination.objects.filter(
        pk=nomination_id, edition=page.submissions_page()
    ).first()
    # Editors of this edition (edition_editor: not those who sit on one of its juries: jurors
    # read nominations through the review engine, blind rounds and conflicts, never here).
    if nomination is None or not (
        submissions.can_edit(nomination, request.user)
        or edition_editor(request.user, nomination.edition)
    ):
        raise Http404
    stored = nomination.files.filter(pk=file_id).first()
    if stored is None:
        raise Http404
    return private_file_response(
        stored.file.name,
        content_type=stored.content_type,
        filename=download_name(stored.original_name, stored.content_type, fallback=stored.kind),
    )
