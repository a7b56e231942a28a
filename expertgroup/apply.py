"""Applying to an expert call: details, extra questions, review and submit, receipt, change and
withdraw. Signed-in people only; an application is reachable only by its author (404 else)."""

import uuid
from functools import partial

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_countries import countries

from participation.accounts.languages import language_name
from participation.files.storage import private_storage
from participation.middleware import saving
from participation.questionnaire import engine
from participation.questionnaire.export import snapshot
from participation.questionnaire.structure import parse
from participation.submissions.services import EditConflict, SubmissionError

from . import services, tasks
from .forms import ApplicationForm
from .models import Application, SensitiveDeclaration


def _url(page, route, *args):
    return page.url + page.reverse_subpage(route, args=args)


def signed_in(view):
    def wrapped(request, page, *args):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, page, *args)

    return wrapped


def own_application(view):
    """The application if it is this person's, else 404: others learn nothing, not even that it
    exists (hostile ids)."""

    @signed_in
    def wrapped(request, page, application_id, *args):
        # Applications made on a translation belong to the original call (participation.i18n).
        application = (
            Application.objects.select_related("organisation", "updated_by", "call")
            .filter(pk=application_id, call=page.submissions_page(), user=request.user)
            .first()
        )
        if application is None:
            raise Http404
        return view(request, page, application, *args)

    return wrapped


def _posted_version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # forged or missing: treated as stale (a conflict), never a 500


@signed_in
def start(request, page):
    call = page.submissions_page()  # the original of a translation
    existing = services.live_application(call, request.user)
    if request.method == "POST":
        try:
            application, created = services.start_application(call, request.user)
        except SubmissionError as error:
            messages.error(request, str(error))
        else:
            if not created:
                messages.info(
                    request,
                    _("You already have an application to this call: there is one per person."),
                )
            return redirect(_url(page, "apply_details", application.pk))
    return render(request, "expertgroup/apply_start.html", {"page": page, "existing": existing})


@own_application
def details(request, page, application):
    if not application.is_draft:
        return redirect(_url(page, "apply_review", application.pk))
    sensitive = SensitiveDeclaration.objects.filter(application=application).first()
    conflict = None
    version = application.version
    if request.method == "POST":
        form = ApplicationForm(request.user, request.POST, request.FILES, application=application)
        version = _posted_version(request)
        if form.is_valid():
            try:
                with saving(request):  # a lock or a full disk: the form again, with a message
                    application = services.save_details(
                        application,
                        request.user,
                        fields=form.model_fields(),
                        expertise=form.cleaned_data["expertise"],
                        sensitive=form.sensitive_fields(),
                        expected_version=version,
                    )
            except EditConflict as error:
                conflict = str(error)
                version = error.current.version
            except SubmissionError as error:
                messages.error(request, str(error))
            else:
                if request.POST.get("action") == "save":
                    messages.success(request, _("Your draft has been saved."))
                    return redirect(_url(page, "apply_details", application.pk))
                if parse(page.questionnaire).steps:
                    return redirect(_url(page, "apply_step", application.pk, 0))
                return redirect(_url(page, "apply_review", application.pk))
    else:
        form = ApplicationForm(
            request.user,
            initial=ApplicationForm.initial_for(application, sensitive),
            application=application,
        )
    return render(
        request,
        "expertgroup/apply_details.html",
        {
            "page": page,
            "application": application,
            "form": form,
            "version": version,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def _store_file(application, question, file_answer):
    # Private storage, a random name and the extension of the type detected on upload.
    name = f"expertgroup/{application.call_id}/answers/{uuid.uuid4().hex}{file_answer.extension}"
    stored = private_storage().save(name, file_answer.file)
    return file_answer.as_answer(path=stored)


@own_application
def step(request, page, application, step):
    if not application.is_draft:
        return redirect(_url(page, "apply_review", application.pk))
    questionnaire = parse(page.questionnaire)
    if not questionnaire.steps:
        return redirect(_url(page, "apply_review", application.pk))
    index = engine.clamp_step(questionnaire, step)
    version = application.version
    if request.method == "POST":
        form = engine.make_form(
            questionnaire, index, application.answers, data=request.POST, files=request.FILES
        )
        version = _posted_version(request)
        if form.is_valid():
            try:
                with saving(request):
                    answers = engine.save_step(
                        questionnaire,
                        application.answers,
                        form,
                        store_file=partial(_store_file, application),
                    )
                    application = services.submissions.save_draft(
                        application,
                        request.user,
                        answers,
                        expected_version=version,
                        # Editors' labels: the original's questions (same block ids).
                        questionnaire_snapshot=snapshot(
                            questionnaire
                            if application.call_id == page.pk
                            else parse(application.call.questionnaire)
                        ),
                    )
            except SubmissionError as error:
                messages.error(request, str(error))
            else:
                action = request.POST.get("action", "next")
                if action == "back":
                    previous = engine.previous_step(questionnaire, index, application.answers)
                    if previous is None:
                        return redirect(_url(page, "apply_details", application.pk))
                    return redirect(_url(page, "apply_step", application.pk, previous))
                following = engine.next_step(questionnaire, index, application.answers)
                if action == "save" or following is None:
                    if action == "save":
                        messages.success(request, _("Your draft has been saved."))
                        return redirect(_url(page, "apply_step", application.pk, index))
                    return redirect(_url(page, "apply_review", application.pk))
                return redirect(_url(page, "apply_step", application.pk, following))
    else:
        form = engine.make_form(questionnaire, index, application.answers)
    return render(
        request,
        "expertgroup/apply_step.html",
        {
            "page": page,
            "application": application,
            "form": form,
            "version": version,
            "progress": engine.progress(questionnaire, index, application.answers),
        },
    )


@own_application
def review(request, page, application):
    missing = services.missing_for_submission(application, page) if application.is_draft else []
    if request.method == "POST" and application.is_draft:
        try:
            with saving(request):
                application = services.submit_application(application, request.user)
        except SubmissionError as error:
            messages.error(request, str(error))
        else:
            transaction.on_commit(partial(tasks.send_receipt.enqueue, application.pk))
            messages.success(
                request,
                _("Application submitted. Receipt %(receipt)s is on its way by email.")
                % {"receipt": application.receipt_number},
            )
            return redirect(_url(page, "apply_review", application.pk))
    sensitive = SensitiveDeclaration.objects.filter(application=application).first()
    return render(
        request,
        "expertgroup/apply_review.html",
        {
            "page": page,
            "application": application,
            "sensitive": sensitive,  # the applicant's own declaration, shown to them only
            "expertise": list(application.expertise.all()),
            # Names in the reader's language, as the form offered them.
            "languages": [language_name(code) for code in application.languages],
            "nationalities": [
                countries.name(code) or code
                for code in (sensitive.nationalities if sensitive else [])
            ],
            "answers": services.answer_rows(application, page),
            "missing": missing,
        },
    )


def _act(request, page, application, action, message, next_url):
    if request.method == "POST":
        try:
            action()
        except SubmissionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message)
            return redirect(next_url)
    return redirect(_url(page, "apply_review", application.pk))


@own_application
def change(request, page, application):
    return _act(
        request,
        page,
        application,
        lambda: services.reopen_application(application, request.user),
        _("Your application is a draft again. Submit it again when you have finished."),
        _url(page, "apply_details", application.pk),
    )


@own_application
def withdraw(request, page, application):
    """Asks first (GET): withdrawing cannot be undone; the confirmation page posts here."""
    if request.method != "POST":
        if application.status == application.Status.WITHDRAWN:
            return redirect(_url(page, "apply_start"))
        return render(
            request,
            "expertgroup/apply_withdraw.html",
            {"page": page, "application": application},
        )
    return _act(
        request,
        page,
        application,
        lambda: services.withdraw_application(application, request.user),
        _("Your application has been withdrawn."),
        _url(page, "apply_start"),
    )


@own_application
def receipt(request, page, application):
    if not application.is_submitted:
        raise Http404
    from .documents import receipt_pdf

    pdf = HttpResponse(receipt_pdf(application, page), content_type="application/pdf")
    pdf["Content-Disposition"] = f'attachment; filename="receipt-{application.receipt_number}.pdf"'
    return pdf
