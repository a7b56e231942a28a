"""Applying to an expert call: details, extra questions, review and submit, receipt, change and
withdraw. Signed-in people only; an application is reachable only by its author (404 else)."""

from functools import partial

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from participation.accounts.languages import language_name
from participation.questionnaire import engine
from participation.questionnaire.structure import parse
from participation.submissions.flow import (
    SubmissionFlow,
    after_step,
    attempt,
    post_step,
    posted_version,
    signed_in,
)
from participation.submissions.services import EditConflict

from . import services, tasks
from .forms import ApplicationForm
from .models import Application, SensitiveDeclaration


class ApplyFlow(SubmissionFlow):
    """One application per person, reachable by its author only; it starts with the details."""

    model = Application
    call_field = "call"
    prefix = "apply"
    edit_route, done_route = "details", "review"
    related = ("organisation", "updated_by", "call")
    reopen_with = "expertgroup.services.reopen_application"
    withdraw_with = "expertgroup.services.withdraw_application"
    receipt_with = "expertgroup.documents.receipt_pdf"
    changed_message = gettext_lazy(
        "Your application is a draft again. Submit it again when you have finished."
    )
    withdrawn_message = gettext_lazy("Your application has been withdrawn.")

    def may_edit(self, request, application, user) -> bool:
        return application.user_id == user.pk  # the author only


FLOW = ApplyFlow()
own_application = FLOW.own


def _url(page, route, *args):
    return FLOW.url(page, None, route, *args)


@signed_in
def start(request, page):
    call = page.submissions_page()  # the original of a translation
    existing = services.live_application(call, request.user)
    if request.method == "POST":
        application, error = attempt(
            request, lambda: services.start_application(call, request.user)
        )
        if error is None:
            application, created = application
            if not created:
                messages.info(
                    request,
                    _("You already have an application to this call: there is one per person."),
                )
            return redirect(_url(page, "details", application.pk))
    return render(request, "expertgroup/apply_start.html", {"page": page, "existing": existing})


@own_application
def details(request, page, application, user):
    if not application.is_draft:
        return redirect(_url(page, "review", application.pk))
    sensitive = SensitiveDeclaration.objects.filter(application=application).first()
    conflict = None
    version = application.version
    if request.method == "POST":
        form = ApplicationForm(user, request.POST, request.FILES, application=application)
        version = expected = posted_version(request)
        if form.is_valid():
            saved, error = attempt(
                request,
                lambda: services.save_details(
                    application,
                    user,
                    fields=form.model_fields(),
                    expertise=form.cleaned_data["expertise"],
                    sensitive=form.sensitive_fields(),
                    expected_version=expected,
                ),
                quiet=(EditConflict,),
            )
            if isinstance(error, EditConflict):
                conflict = str(error)
                version = error.current.version
            elif error is None:
                if request.POST.get("action") == "save":
                    messages.success(request, _("Your draft has been saved."))
                    return redirect(_url(page, "details", saved.pk))
                if parse(page.questionnaire).steps:
                    return redirect(_url(page, "step", saved.pk, 0))
                return redirect(_url(page, "review", saved.pk))
    else:
        form = ApplicationForm(
            user,
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


@own_application
def step(request, page, application, user, step):
    if not application.is_draft:
        return redirect(_url(page, "review", application.pk))
    questionnaire = parse(page.questionnaire)
    if not questionnaire.steps:
        return redirect(_url(page, "review", application.pk))
    index = engine.clamp_step(questionnaire, step)
    version = application.version
    if request.method == "POST":
        posted = post_step(
            request,
            application,
            user,
            questionnaire,
            index,
            # Editors' labels: the original's questions (same block ids).
            source=questionnaire
            if application.call_id == page.pk
            else parse(application.call.questionnaire),
            folder=f"expertgroup/{application.call_id}/answers",
        )
        form, version = posted.form, posted.version
        if posted.saved is not None:
            return _after_step(request, page, posted.saved, questionnaire, index)
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


def _after_step(request, page, application, questionnaire, index):
    action, target = after_step(request, questionnaire, index, application.answers)
    if action == "save":
        messages.success(request, _("Your draft has been saved."))
        return redirect(_url(page, "step", application.pk, index))
    if target is not None:
        return redirect(_url(page, "step", application.pk, target))
    # Back from the first step: the details; on from the last one: the review.
    return redirect(_url(page, "details" if action == "back" else "review", application.pk))


@own_application
def review(request, page, application, user):
    missing = services.missing_for_submission(application, page) if application.is_draft else []
    if request.method == "POST" and application.is_draft:
        submitted, error = attempt(request, lambda: services.submit_application(application, user))
        if error is None:
            transaction.on_commit(partial(tasks.send_receipt.enqueue, submitted.pk))
            messages.success(
                request,
                _("Application submitted. Receipt %(receipt)s is on its way by email.")
                % {"receipt": submitted.receipt_number},
            )
            return redirect(_url(page, "review", submitted.pk))
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


change = FLOW.change
receipt = FLOW.receipt


@own_application
def withdraw(request, page, application, user):
    """Asks first (GET): withdrawing cannot be undone; the confirmation page posts here."""
    if request.method != "POST":
        if application.status == application.Status.WITHDRAWN:
            return redirect(_url(page, "start"))
        return render(
            request,
            "expertgroup/apply_withdraw.html",
            {"page": page, "application": application},
        )
    return FLOW.withdraw_view(request, page, application, user)
