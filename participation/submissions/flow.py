"""The submission flow of a call, written once: start -> steps -> review -> submit -> receipt ->
change -> withdraw, with its permission checks, versions, files and messages.

A call plugin (consultations, the expert group, the awards) describes what differs in a
:class:`SubmissionFlow` subclass, and gives its page the flow's routes with
:func:`participation.submissions.routes.submission_routes`. The shortest example::

    # myplugin/flow.py
    class PetitionFlow(SubmissionFlow):
        model = Signature                    # a SubmissionBase subclass
        call_field = "petition"              # its ForeignKey to the call page
        prefix = "sign"                      # routes sign_start, sign_review, ... at sign/...
        edit_route = done_route = "review"   # where a draft is edited, a submission shown
        receipt_with = "myplugin.documents.receipt_pdf"  # f(signature, page) -> PDF bytes

    FLOW = PetitionFlow()

    @signed_in
    def start(request, page):      # the plugin's own start: who may submit, with what form
        ...                        # e.g. services.start_or_resume(Signature, "petition", ...)
        return render(request, "myplugin/sign_start.html", {...})  # extends submissions/start.html

    @FLOW.own
    def review(request, page, signature, user):  # its author only (404 for anyone else)
        ...                        # e.g. attempt(request, lambda: services.submit(...))

    change, withdraw, receipt = FLOW.change, FLOW.withdraw, FLOW.receipt

    # myplugin/models.py
    SignRoutes = submission_routes(
        "myplugin.flow", "sign", ["start", "review", "receipt", "change", "withdraw"]
    )
    class PetitionPage(SignRoutes, RoutablePageMixin, CallWindowMixin, Page): ...

The interface, as class attributes or methods of the subclass (all but the first three and
``receipt_with`` have defaults):

- ``model``, ``call_field``, ``prefix``: what is submitted, to which page field, at which routes;
  ``edit_route``: the route a reopened draft goes to (default ``"step"``, at step 0);
  ``done_route``: the route that shows a submission (default ``"done"``).
- ``related``: the ``select_related`` of one loaded submission.
- ``needs_sign_in(request, page)``: whether the flow asks to sign in first (default: unless
  signed in; a consultation open to everyone says no).
- ``respondent(request, submission_id)``: who acts (default: the signed-in user; a consultation
  answered without an account gives an ``AnonymousRespondent``).
- ``lookup(request, page, submission_id, loaded)``: the submission of this call (``loaded`` when
  the caller read it already), or None. ``may_edit(request, submission, respondent)``: the "own
  object" rule (default: :func:`services.can_edit`); ``refusal(request, page, submission)``: the
  page for someone who may no longer edit it (default: None, a 404 that says nothing).
- ``route(request, name)``: the route's full name (a mode such as the facilitators' changes it).
- ``reopen_with``, ``withdraw_with``: dotted paths of the plugin's services, called with
  ``(submission, respondent)`` (default: the core's ``reopen`` and ``withdraw``);
  ``changed_message``, ``withdrawn_message``: what the person reads after them.
- ``receipt_with``: the dotted path of ``f(submission, page)``, the PDF receipt's bytes.

Extra steps stay the plugin's own views behind ``FLOW.own`` (the expert group's ``details``, the
awards' ``resend`` and ``private_file``), as do a mode of the same views (the consultations'
facilitators: ``route`` and ``lookup`` tell the modes apart).

The views here (``change``, ``withdraw``, ``receipt``) and the helpers (:func:`signed_in`,
:func:`posted_version`, :func:`attempt`, :func:`act`, :func:`store_private_file`,
:func:`post_step`, :func:`after_step`) are used by every plugin; the rules themselves (who may
edit or submit, deadlines, conflicts, receipt numbers) stay in :mod:`.services`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from participation.files.storage import private_storage
from participation.middleware import saving
from participation.questionnaire import engine
from participation.questionnaire.export import snapshot

from . import services
from .services import EditConflict, SubmissionError


def signed_in(view):
    """Sign in first (back here afterwards)."""

    @wraps(view)
    def wrapped(request, page, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, page, *args, **kwargs)

    return wrapped


def posted_version(request) -> int:
    """The draft's version the form was built on; a forged or missing one counts as stale
    (shown as an edit conflict, never a 500 nor a silent overwrite)."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def is_autosave(request) -> bool:
    return request.headers.get("X-Autosave") == "1"


def attempt(request, write, quiet=()):
    """Run ``write()`` as a save of the flow (a full disk or a lock: a message, not a 500).
    Returns ``(result, None)``, or ``(None, error)`` for a refused change, which the person is
    told (messages.error) unless it is one of the ``quiet`` kinds the caller shows itself."""
    try:
        with saving(request):
            return write(), None
    except SubmissionError as error:
        if not isinstance(error, quiet):
            messages.error(request, str(error))
        return None, error


def act(request, action, message, next_url, back_url):
    """POST only: do ``action``, say ``message``, go to ``next_url``; on a refusal say why and go
    to ``back_url`` (where a GET goes too)."""
    if request.method == "POST":
        try:
            action()
        except SubmissionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message)
            return redirect(next_url)
    return redirect(back_url)


def store_private_file(folder: str, file_answer):
    """A questionnaire's uploaded file, kept in private storage under a random name with the
    extension of the type detected on upload; returns the answer that points to it."""
    name = f"{folder}/{uuid.uuid4().hex}{file_answer.extension}"
    stored = private_storage().save(name, file_answer.file)
    return file_answer.as_answer(path=stored)


@dataclass
class StepSave:
    """What posting one questionnaire step gave: the bound ``form``, the ``version`` to show,
    the ``saved`` submission (None if not saved) and the refusal ``error`` (an EditConflict
    carries what is stored now)."""

    form: object
    version: int
    saved: object = None
    error: SubmissionError | None = None

    @property
    def conflict(self) -> EditConflict | None:
        return self.error if isinstance(self.error, EditConflict) else None


def post_step(request, submission, respondent, questionnaire, index, *, source, folder, quiet=()):
    """Validate and save one posted step of a questionnaire: files to ``folder``, answers with
    the expected version, and the snapshot of ``source`` (the original's questionnaire, whose
    labels editors read, when the person answers a translation)."""
    form = engine.make_form(
        questionnaire, index, submission.answers, data=request.POST, files=request.FILES
    )
    version = posted_version(request)
    if not form.is_valid():
        return StepSave(form, version)

    def write():
        answers = engine.save_step(
            questionnaire,
            submission.answers,
            form,
            store_file=lambda question, file_answer: store_private_file(folder, file_answer),
        )
        return services.save_draft(
            submission,
            respondent,
            answers,
            expected_version=version,
            questionnaire_snapshot=snapshot(source),
        )

    saved, error = attempt(request, write, quiet=quiet)
    if isinstance(error, EditConflict):
        version = error.current.version  # saving again on purpose replaces theirs
    return StepSave(form, version, saved, error)


def after_step(request, questionnaire, index, answers):
    """Where a saved step's button leads: ``("save", index)``, ``("back", previous step or
    None)`` or ``("next", following step or None for the review)``."""
    action = request.POST.get("action", "next")
    if action == "save":
        return "save", index
    if action == "back":
        return "back", engine.previous_step(questionnaire, index, answers)
    return "next", engine.next_step(questionnaire, index, answers)


def receipt_download(submission, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="receipt-{submission.receipt_number}.pdf"'
    )
    return response


class SubmissionFlow:
    """What a call plugin declares about its flow (see the module's docstring)."""

    model = None
    call_field = ""
    prefix = ""
    related = ("organisation", "updated_by")
    edit_route = "step"
    done_route = "done"
    changed_message = _("Your answer is a draft again. Submit it again when you have finished.")
    withdrawn_message = _("Your answer has been withdrawn.")
    # Dotted paths, imported when first used (a receipt's PDF library is large).
    reopen_with = "participation.submissions.services.reopen"
    withdraw_with = "participation.submissions.services.withdraw"
    receipt_with = ""  # f(submission, page) -> the PDF receipt's bytes

    # -- who and what -------------------------------------------------------------------------
    def needs_sign_in(self, request, page) -> bool:
        return not request.user.is_authenticated

    def respondent(self, request, submission_id):
        return request.user

    def lookup(self, request, page, submission_id, loaded=None):
        """The submission of this call (a translation's belong to its original page)."""
        if loaded is not None:
            return loaded
        return (
            self.model.objects.select_related(*self.related)
            .filter(pk=submission_id, **{self.call_field: page.submissions_page()})
            .first()
        )

    def may_edit(self, request, submission, respondent) -> bool:
        return services.can_edit(submission, respondent)

    def refusal(self, request, page, submission):
        return None

    def own(self, view):
        """For every view of one submission: sign-in, then the submission if this person may
        edit it (404 otherwise: others learn nothing, not even that it exists). The view
        receives ``(request, page, submission, respondent, *args)``."""

        @wraps(view)
        def wrapped(request, page, submission_id, *args, loaded=None, **kwargs):
            if self.needs_sign_in(request, page):
                return redirect_to_login(request.get_full_path())
            respondent = self.respondent(request, submission_id)
            submission = self.lookup(request, page, submission_id, loaded)
            if submission is not None and not self.may_edit(request, submission, respondent):
                refused = self.refusal(request, page, submission)
                if refused is not None:
                    return refused
                submission = None
            if submission is None:
                raise Http404
            return view(request, page, submission, respondent, *args, **kwargs)

        return wrapped

    # -- addresses ----------------------------------------------------------------------------
    def route(self, request, name: str) -> str:
        return f"{self.prefix}_{name}"

    def url(self, page, request, name: str, *args) -> str:
        return page.url + page.reverse_subpage(self.route(request, name), args=args)

    def edit_url(self, page, request, submission) -> str:
        if self.edit_route == "step":
            return self.url(page, request, "step", submission.pk, 0)
        return self.url(page, request, self.edit_route, submission.pk)

    def done_url(self, page, request, submission) -> str:
        return self.url(page, request, self.done_route, submission.pk)

    # -- the plugin's services ----------------------------------------------------------------
    def reopen(self, submission, respondent):
        return import_string(self.reopen_with)(submission, respondent)

    def withdraw_submission(self, submission, respondent):
        return import_string(self.withdraw_with)(submission, respondent)

    def receipt_pdf(self, submission, page) -> bytes:
        if not self.receipt_with:
            raise NotImplementedError(f"{type(self).__name__} names no receipt_with")
        return import_string(self.receipt_with)(submission, page)

    # -- the views every flow has -------------------------------------------------------------
    def changed_text(self, request) -> str:
        """What the person reads once their answer is a draft again (a mode may say it
        otherwise)."""
        return self.changed_message

    def withdrawn_text(self, request) -> str:
        return self.withdrawn_message

    def change_view(self, request, page, submission, respondent):
        return act(
            request,
            lambda: self.reopen(submission, respondent),
            self.changed_text(request),
            self.edit_url(page, request, submission),
            self.done_url(page, request, submission),
        )

    def withdraw_view(self, request, page, submission, respondent):
        return act(
            request,
            lambda: self.withdraw_submission(submission, respondent),
            self.withdrawn_text(request),
            self.url(page, request, "start"),
            self.done_url(page, request, submission),
        )

    def receipt_view(self, request, page, submission, respondent):
        """The PDF receipt, also for people who answered without an account (no email)."""
        if not submission.is_submitted:
            raise Http404
        return receipt_download(submission, self.receipt_pdf(submission, page))

    @property
    def change(self):
        return self.own(self.change_view)

    @property
    def withdraw(self):
        return self.own(self.withdraw_view)

    @property
    def receipt(self):
        return self.own(self.receipt_view)
