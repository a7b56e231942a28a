"""The reviewer workspace on the public site: assignments, the conflict question, the item and its
score form, and the results when a phase shows them. Works without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import services, visibility
from .forms import ConflictForm, ReviewForm
from .models import Phase
from .services import (
    ConflictOfInterest,
    NotAssigned,
    PhaseClosed,
    ReviewEditConflict,
    ReviewError,
    ScoreError,
)


def _refused(request, error: ReviewError):
    """A clear page for URL guessing: 404 (not yours) or 403 (a conflict of interest)."""
    status = 403 if isinstance(error, ConflictOfInterest) else 404
    return render(request, "review/refused.html", {"message": str(error)}, status=status)


@login_required
@never_cache
def workspace(request):
    phases = services.workspace(request.user)
    documents = visibility.reviewer_documents(request.user)
    return render(request, "review/workspace.html", {"phases": phases, "documents": documents})


def _review_form(request, access, data=None, submitting=False, version=None):
    review = getattr(access.assignment, "review", None)
    initial = {"version": version if version is not None else (review.version if review else 0)}
    if review is not None:
        initial["comments"] = review.comments
        if review.eligible is not None:
            initial["eligible"] = "yes" if review.eligible else "no"
        for key, value in review.scores.items():
            initial[f"score_{key}"] = value
    form = ReviewForm(
        data,
        initial=initial,
        criteria=services.criteria_of(access.item.process),
        phase=access.phase,
        submitting=submitting,
    )
    if data is not None and version is not None:
        # After an edit conflict: keep what was typed, but carry the version now stored, so
        # that saving again (after comparing) goes through.
        form.data = form.data.copy()
        form.data["version"] = str(version)
    return form


def score_rows(review, criteria, phase):
    """(label, value) pairs of a review, for reading (not editing)."""
    if review is None:
        return []
    if not phase.uses_criteria:
        answer = {True: _("Eligible"), False: _("Not eligible"), None: "—"}[review.eligible]
        return [(_("Is it eligible?"), answer)]
    return [(c.label, score_on_scale(review.scores.get(c.key), c)) for c in criteria]


def score_on_scale(score, criterion) -> str:
    """A score with the scale it was given on ("1" alone says nothing to whoever reads it)."""
    if score is None:
        return "—"
    return _("%(score)s on a scale of %(low)s to %(high)s") % {
        "score": score,
        "low": criterion.scale_min,
        "high": criterion.scale_max,
    }


def _item_context(request, access, form=None, conflict_form=None, stored=None):
    phase = access.phase
    review = getattr(access.assignment, "review", None)
    criteria = services.criteria_of(access.item.process)
    context = {
        "access": access,
        "item": access.item,
        "phase": phase,
        "phase_open": phase.is_open(),
        "review": review,
        "own_rows": score_rows(review, criteria, phase),
        "stored": stored,
        "stored_rows": score_rows(stored, criteria, phase),
    }
    if access.needs_declaration:
        context["view"] = services.declaration_view(access.item)
        context["conflict_form"] = conflict_form or ConflictForm()
        return context
    context["view"] = services.item_view(access.item)
    context["form"] = form or _review_form(request, access)
    context["late_conflict_form"] = conflict_form or ConflictForm(late=True, auto_id="late_%s")
    others = services.other_reviews(access)
    if others is not None:
        context["others"] = [
            {"review": other, "rows": score_rows(other, criteria, phase)} for other in others
        ]
    return context


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def item(request, process, number):
    try:
        access = services.access(request.user, process, number)
    except ReviewError as error:
        return _refused(request, error)
    if request.method == "GET" or access.needs_declaration:
        if request.method == "POST":
            messages.error(request, _("First answer the question about conflicts of interest."))
        return render(request, "review/item.html", _item_context(request, access))

    submitting = request.POST.get("action") == "submit"
    form = _review_form(request, access, data=request.POST, submitting=submitting)
    if not form.is_valid():
        return render(
            request, "review/item.html", _item_context(request, access, form=form), status=200
        )
    try:
        review = services.save_review(
            access.assignment,
            request.user,
            scores=form.scores(),
            comments=form.cleaned_data.get("comments", ""),
            eligible=form.cleaned_data.get("eligible"),
            expected_version=form.cleaned_data["version"],
            submit=submitting,
        )
    except ReviewEditConflict as error:
        messages.error(request, str(error))
        form = _review_form(
            request, access, data=request.POST, submitting=submitting, version=error.current.version
        )
        form.is_valid()
        return render(
            request,
            "review/item.html",
            _item_context(request, access, form=form, stored=error.current),
            status=409,
        )
    except ScoreError as error:
        for key, message in error.errors.items():
            name = "eligible" if key == "eligible" else f"score_{key}"
            form.add_error(name if name in form.fields else None, message)
        return render(request, "review/item.html", _item_context(request, access, form=form))
    except PhaseClosed as error:
        messages.error(request, str(error))
        return render(request, "review/item.html", _item_context(request, access, form=form))
    except (NotAssigned, ConflictOfInterest) as error:
        return _refused(request, error)
    if review.is_submitted and submitting:
        messages.success(
            request,
            _("Your review of %(item)s is submitted. Thank you.") % {"item": access.item.label},
        )
        return redirect("review:workspace")
    if review.is_submitted:
        messages.success(request, _("Your changes to the submitted review are saved."))
    else:
        messages.success(request, _("Draft saved. You can come back to it until the phase closes."))
    return redirect("review:item", process=process, number=number)


@login_required
@require_POST
def declare(request, process, number):
    try:
        access = services.access(request.user, process, number)
    except ReviewError as error:
        return _refused(request, error)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        return render(
            request, "review/item.html", _item_context(request, access, conflict_form=form)
        )
    try:
        declaration = services.declare_conflict(
            access.item,
            access.reviewer,
            form.cleaned_data["kind"],
            form.cleaned_data.get("details", ""),
            actor=request.user,
        )
    except ConflictOfInterest as error:
        return _refused(request, error)
    except ReviewError as error:
        form.add_error(None, str(error))
        return render(
            request, "review/item.html", _item_context(request, access, conflict_form=form)
        )
    if declaration.has_conflict:
        messages.success(
            request,
            _("Thank you. %(item)s has been taken off your list; the editors will reassign it.")
            % {"item": access.item.label},
        )
        return redirect("review:workspace")
    return redirect("review:item", process=process, number=number)


@login_required
@never_cache
def results(request, process, phase):
    reviewer = services.reviewer_of(request.user, process)
    phase = get_object_or_404(Phase.objects.select_related("process"), pk=phase, process_id=process)
    outcome = services.results_for_reviewer(phase, reviewer) if reviewer else None
    if outcome is None:
        return _refused(request, NotAssigned(_("The results of this phase are not shown here.")))
    return render(request, "review/results.html", {"results": outcome, "phase": phase})
