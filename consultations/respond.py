"""Answering a consultation: start (alone or for an organisation), steps, review, submit.

Views are plain functions called by the routes of `ConsultationPage`; what every call's flow
does (checks, versions, files, change, withdraw, receipt) is `participation.submissions.flow`,
and the rules (who may edit, deadlines, conflicts, receipts) `participation.submissions.services`.
What is the consultation's own: answers without an account, the facilitators' mode, the
publication choice and the plain submit URL.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import PageViewRestriction

from participation import limits
from participation.audit.services import history, record
from participation.i18n import display_page
from participation.middleware import saving
from participation.organisations.services import organisations_of
from participation.questionnaire import engine
from participation.questionnaire.export import display_value
from participation.questionnaire.structure import parse, parse_stored
from participation.submissions import services
from participation.submissions.flow import (
    SubmissionFlow,
    after_step,
    is_autosave,
    post_step,
)
from participation.submissions.history import describe
from participation.submissions.services import EditConflict, SubmissionError

from . import services as consultation_services
from . import submitting
from .forms import PublicationForm, StartForm
from .models import Response

# Assisted entry (consultations.assisted) runs the views below in the facilitators' mode: the
# same questionnaire, validation, drafts and receipts, at the page's "assist/" addresses, for
# answers a facilitator entered (and only those).
ASSISTED = "consultations_assisted"


def is_assisted(request) -> bool:
    return getattr(request, ASSISTED, False)


def _routes(request) -> dict:
    """The routes the answer's templates link to, in this request's mode."""
    names = ("start", "step", "review", "done", "receipt", "change", "withdraw")
    return {name: FLOW.route(request, name) for name in names}


def _live_responses(page, request):
    page = page.submissions_page()  # a translation's answers belong to the original page
    if not request.user.is_authenticated:
        ids = [int(pk) for pk in request.session.get(SESSION_KEYS, {})]
        return Response.objects.filter(consultation=page, pk__in=ids).exclude(
            status=Response.Status.WITHDRAWN
        )
    user = request.user
    personal = Response.objects.filter(consultation=page, user=user, organisation__isnull=True)
    for_orgs = Response.objects.filter(consultation=page, organisation__in=organisations_of(user))
    return (
        (personal | for_orgs)
        .exclude(status=Response.Status.WITHDRAWN)
        .select_related("organisation")
        .order_by("created_at")
    )


SESSION_KEYS = "consultation_access_keys"


def _respondent(request, response_id):
    """The signed-in user, or the session's key for an answer given without an account."""
    if request.user.is_authenticated:
        return request.user
    keys = request.session.get(SESSION_KEYS, {})
    return services.AnonymousRespondent(keys.get(str(response_id), ""))


def _anonymous_allowed(request, page) -> bool:
    return request.user.is_authenticated or page.submissions_page().allow_anonymous


def _start_anonymous(request, page, form):
    if not limits.allow(request, limits.ANONYMOUS_ANSWER):
        messages.error(
            request,
            _("Too many answers were started from your connection. Please try again later."),
        )
        return None
    response = Response.objects.create(
        consultation=page.submissions_page(),
        respondent_type=Response.RespondentType.INDIVIDUAL,
        country=form.cleaned_data["country"],
        language=form.cleaned_data["language"],
        access_key=services.new_access_key(),
    )
    keys = request.session.get(SESSION_KEYS, {})
    keys[str(response.pk)] = response.access_key
    request.session[SESSION_KEYS] = keys
    record(response, None, "started", anonymous=True)
    return response


def start(request, page):
    if not _anonymous_allowed(request, page):
        return redirect_to_login(request.get_full_path())
    form = StartForm(
        request.user,
        request.POST or None,
        initial={
            "country": getattr(request.user, "country", ""),
            "language": translation.get_language(),
        },
    )
    existing = list(_live_responses(page, request))
    status = 200
    if request.method == "POST":
        if not page.is_open:
            messages.error(request, _("This consultation is not open for answers."))
        elif form.is_valid() and not request.user.is_authenticated:
            response = _start_anonymous(request, page, form)
            if response is not None:
                return redirect(FLOW.url(page, request, "step", response.pk, 0))
            status = 429
        elif form.is_valid():
            organisation = form.cleaned_data["organisation"]
            try:
                response, created = services.start_or_resume(
                    Response,
                    "consultation",
                    page.submissions_page(),
                    request.user,
                    organisation,
                    respondent_type=Response.RespondentType.ORGANISATION
                    if organisation
                    else Response.RespondentType.INDIVIDUAL,
                    country=form.cleaned_data["country"],
                    language=form.cleaned_data["language"],
                    remind_me=form.cleaned_data["remind_me"],
                )
            except SubmissionError as error:
                messages.error(request, str(error))
            else:
                if not created and response.is_submitted:
                    # Already answered (by this person, or by the organisation's administrator):
                    # show that answer; it can still be changed or withdrawn from there.
                    messages.info(request, already_answered(response))
                    return redirect(FLOW.url(page, request, "done", response.pk))
                if not created:
                    messages.info(
                        request, _("You already have a draft: carry on where you left off.")
                    )
                return redirect(FLOW.url(page, request, "step", response.pk, 0))
    from .assisted import can_facilitate  # (it builds on this module)

    return render(
        request,
        "consultations/respond_start.html",
        {
            "page": page,
            "form": form,
            "existing": existing,
            "facilitator": can_facilitate(request.user, page),
        },
        status=status,
    )


def already_answered(response) -> str:
    values = {"receipt": response.receipt_number}
    if response.organisation_id:
        values["organisation"] = response.organisation.name
        text = _("%(organisation)s has already answered (receipt %(receipt)s). Here is its answer.")
    else:
        text = _("You have already answered (receipt %(receipt)s). Here is your answer.")
    return text % values


class RespondFlow(SubmissionFlow):
    """The core's flow, with answers without an account and the facilitators' mode."""

    model = Response
    call_field = "consultation"
    prefix = "respond"
    related = ("organisation", "updated_by", "user")
    reopen_with = "consultations.services.reopen_response"
    withdraw_with = "consultations.services.withdraw_response"
    receipt_with = "consultations.documents.receipt_pdf"

    def route(self, request, name: str) -> str:
        return f"{'assist' if request is not None and is_assisted(request) else 'respond'}_{name}"

    def needs_sign_in(self, request, page) -> bool:
        return not _anonymous_allowed(request, page)

    # A facilitator changes or withdraws the answer of the person they entered it for.
    def changed_text(self, request) -> str:
        if is_assisted(request):
            return _("The answer is a draft again. Submit it again when the person has finished.")
        return super().changed_text(request)

    def withdrawn_text(self, request) -> str:
        if is_assisted(request):
            return _("The answer has been withdrawn.")
        return super().withdrawn_text(request)

    def respondent(self, request, response_id):
        return _respondent(request, response_id)

    def lookup(self, request, page, response_id, loaded=None):
        # Answers given on a translation are stored against the original (participation.i18n).
        source = page if loaded is not None and loaded.consultation_id == page.pk else None
        source = source or page.submissions_page()
        response = loaded or super().lookup(request, source, response_id)
        if response is None:
            return None
        response.consultation = source  # already loaded by Wagtail's routing: no second query
        if bool(response.facilitator_id) != is_assisted(request):
            return None  # an entered answer only at the facilitators' addresses, and vice versa
        return response

    def refusal(self, request, page, response):
        # Someone who worked on it (e.g. removed from the organisation mid-draft) is told why;
        # anyone else learns nothing, not even that it exists.
        if request.user.is_authenticated and (
            response.user_id == request.user.pk
            or history(response).filter(actor=request.user).exists()
        ):
            return no_longer_allowed(request, page, response)
        return None


FLOW = RespondFlow()


def no_longer_allowed(request, page, response):
    """A clear refusal that gives back what was typed, so nothing is lost."""
    typed = [
        value
        for name, value in request.POST.items()
        if name.startswith("q-") and isinstance(value, str) and value.strip()
    ]
    return render(
        request,
        "consultations/respond_not_allowed.html",
        {"page": page, "response": response, "typed": typed},
        status=403,
    )


def responding(view):
    """For every view of one answer (``RespondFlow.own``): sign-in (unless the consultation is
    open to everyone), the answer if this person may edit it (404 otherwise), and a clear
    refusal for people who lost access. The view receives (request, page, response, respondent,
    *args), where `page` is the page in the reader's language (its questionnaire's labels) and
    `response.consultation` the page the answer belongs to (the original of a translation)."""
    own = FLOW.own(view)

    @wraps(view)
    def wrapped(request, page, response_id, *args, response=None, **kwargs):
        if response is not None and response.consultation_id == page.pk:
            # Reached from the plain submit URL with the original page: show its translation.
            page = display_page(page)
        return own(request, page, response_id, *args, loaded=response, **kwargs)

    return wrapped


@responding
def step(request, page, response, respondent, step):
    if not response.is_draft:
        return redirect(FLOW.url(page, request, "done", response.pk))
    questionnaire = parse(page.questionnaire)
    index = engine.clamp_step(questionnaire, step)
    conflict = None
    version = response.version
    if request.method == "POST":
        posted = post_step(
            request,
            response,
            respondent,
            questionnaire,
            index,
            # Editors' labels: the original's (same block ids as a translation's).
            source=_source_questionnaire(page, questionnaire),
            folder=f"consultations/responses/{response.pk}",
            quiet=(EditConflict,),
        )
        form, version = posted.form, posted.version
        if posted.conflict is not None:
            if is_autosave(request):
                return JsonResponse({"saved": False, "conflict": True}, status=409)
            # Keep what this person typed (the bound form) and show whose text is stored;
            # saving again on purpose replaces it.
            conflict = {"message": str(posted.conflict), "current": posted.conflict.current}
        elif posted.saved is not None:
            if is_autosave(request):
                return JsonResponse({"saved": True, "version": posted.saved.version})
            return _after_save(request, page, posted.saved, questionnaire, index)
        elif posted.error is None and is_autosave(request):
            # Half-typed answers that do not validate yet are simply not autosaved.
            return JsonResponse({"saved": False, "version": version})
    else:
        form = engine.make_form(questionnaire, index, response.answers)
    context = {
        "page": page,
        "response": response,
        "form": form,
        "version": version,
        "conflict": conflict,
        "conflict_answers": _display(questionnaire, conflict["current"].answers)
        if conflict
        else None,
        "progress": engine.progress(questionnaire, index, response.answers),
        "step_index": index,
        "previous": engine.previous_step(questionnaire, index, response.answers),
        "history": _history(response, questionnaire) if response.organisation_id else [],
        "routes": _routes(request),
        "assisted": is_assisted(request),
    }
    return render(
        request, "consultations/respond_step.html", context, status=409 if conflict else 200
    )


def _history(response, questionnaire):
    """The draft's last ten events, newest first, each said in words."""
    labels = {question.id: str(question.label) for question in questionnaire.questions}
    events = list(history(response).select_related("actor"))[-10:]
    return [(event, describe(event, labels)) for event in reversed(events)]


def _source_questionnaire(page, questionnaire):
    source = page.submissions_page()
    return questionnaire if source is page else parse(source.questionnaire)


def _after_save(request, page, response, questionnaire, index):
    action, target = after_step(request, questionnaire, index, response.answers)
    if action == "save":
        messages.success(request, _("Your draft has been saved. You can come back to it any time."))
    elif action == "next" and target is None:
        return redirect(FLOW.url(page, request, "review", response.pk))
    return redirect(FLOW.url(page, request, "step", response.pk, target or 0))


def _display(questionnaire, answers):
    """(step heading, [(question, text)]) for every visible question, in order."""
    shown = engine.visible_ids(questionnaire, answers)
    rows = []
    for number, step_ in enumerate(questionnaire.steps):
        items = [
            (question, display_value(question, answers.get(question.id)))
            for question in step_.questions
            if question.id in shown
        ]
        if items:
            rows.append((number, step_.heading, items))
    return rows


@responding
def review(request, page, response, respondent, questionnaire=None, refused=None):
    """`questionnaire`: the parsed questionnaire of the answer's page, when the caller has it;
    `refused`: the SubmissionError of a submit the caller tried already (shown, not retried)."""
    if questionnaire is None or page.pk != response.consultation_id:
        questionnaire = parse(page.questionnaire)
    missing = engine.missing_required(questionnaire, response.answers) if response.is_draft else []
    has_attachments = any(
        question.type == "file_upload" and response.answers.get(question.id)
        for question in questionnaire.questions
    )
    publication_form = PublicationForm(
        request.POST or None,
        has_attachments=has_attachments,
        named=not is_assisted(request),
        # Assisted: the consent the person gave when the facilitator started the answer.
        initial={"publication": response.publication} if is_assisted(request) else None,
    )
    if request.method == "POST" and response.is_submitted:  # a double click: same receipt
        return redirect(FLOW.url(page, request, "done", response.pk))
    if refused is not None:
        messages.error(request, str(refused))
        response.refresh_from_db()  # show what is stored now
    elif request.method == "POST" and response.is_draft:
        if missing:
            messages.error(request, _("Some required questions are not answered yet."))
        elif publication_form.is_valid():
            try:
                with saving(request):
                    response = consultation_services.submit_response(
                        response, respondent, **publication_form.cleaned_data
                    )
            except SubmissionError as error:
                messages.error(request, str(error))
                response.refresh_from_db()  # show what is stored now
            else:
                return redirect(FLOW.url(page, request, "done", response.pk))
    if page.get_deferred_fields():  # the plain submit URL's lean copy: now it is shown
        page = type(page).objects.get(pk=page.pk)
    return render(
        request,
        "consultations/respond_review.html",
        {
            "page": page,
            "response": response,
            "answers": _display(questionnaire, response.answers),
            "missing": missing,
            "can_submit": services.can_submit(response, respondent),
            "publication_form": publication_form,
            "routes": _routes(request),
            "assisted": is_assisted(request),
            # The plain submit URL serves people answering for themselves only.
            "submit_url": FLOW.url(page, request, "review", response.pk)
            if is_assisted(request)
            else None,
        },
    )


def submit(request, response_id):
    """The review page's "Submit" button posts here, to a plain URL rather than a page route:
    submitting peaks at the deadline, and Wagtail's page routing costs nine queries a request.
    The page's live state and view restrictions are checked as its routing would. The usual
    case (a complete personal draft, in time) is submitted at once; anything else goes
    through the review view, which refuses or asks again, and says why."""
    found = submitting.read(response_id)
    if found is None:
        raise Http404
    response, questionnaire_text, restricted = found
    page = response.consultation
    if request.method != "POST" or (restricted and not _view_allowed(request, page)):
        return redirect(FLOW.url(page, request, "review", response_id))
    questionnaire = parse_stored(questionnaire_text)
    done = _submit_usual(request, page, response, questionnaire)
    if done is not None:
        return done
    return review(request, page, response_id, response=response, questionnaire=questionnaire)


def _submit_usual(request, page, response, questionnaire):
    """Submit a personal draft its author completed, in time, with a publication choice and no
    attachments: the checks of `responding` and `review` for that case, without building the
    forms. None when anything else holds (an organisation's draft, a missing answer, a bad
    choice, the deadline passed, a colleague's save): the review view then handles it."""
    user = request.user
    publication = request.POST.get("publication")
    if (
        not user.is_authenticated
        or response.organisation_id is not None
        or response.user_id != user.pk
        or not response.is_draft
        or publication not in Response.Publication.values
        or not page.accepts_submission(draft_started_at=response.created_at)
        or engine.missing_required(questionnaire, response.answers)
        or any(  # attachments: the review view asks whether they may be published
            question.type == "file_upload" and response.answers.get(question.id)
            for question in questionnaire.questions
        )
    ):
        return None
    try:
        with saving(request):
            consultation_services.submit_response(response, user, publication)
    except SubmissionError as error:  # a colleague's save since it was read, a full disk
        return review(request, page, response.pk, response=response, refused=error)
    # The done page in the reader's language (a translation of the answer's page, if any).
    return redirect(FLOW.url(display_page(page), request, "done", response.pk))


def _view_allowed(request, page) -> bool:
    """Wagtail's view restrictions of the page and its ancestors (``get_view_restrictions``,
    in one query instead of two): an alias among them counts with the page it copies."""
    steps = range(page.steplen, len(page.path) + 1, page.steplen)
    paths = [page.path[:end] for end in steps]
    restrictions = PageViewRestriction.objects.filter(
        Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__aliases__path__in=paths)
    ).distinct()
    return all(restriction.accept_request(request) for restriction in restrictions)


@responding
def done(request, page, response, respondent):
    questionnaire = parse(page.questionnaire)
    return render(
        request,
        "consultations/respond_done.html",
        {
            "page": page,
            "response": response,
            "answers": _display(questionnaire, response.answers),
            "routes": _routes(request),
            "assisted": is_assisted(request),
        },
    )


change = responding(FLOW.change_view)
withdraw = responding(FLOW.withdraw_view)
receipt = responding(FLOW.receipt_view)
