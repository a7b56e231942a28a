from django import forms
from django.db import transaction
from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseRedirect

from .models import BaselineRow, FloorDraft


class BaselineForm(forms.Form):
    text = forms.CharField(max_length=255)


def submit(request):
    """Validate a form and insert one row, then redirect (as the consultation flow does)."""
    if request.method != "POST":
        return HttpResponseBadRequest("POST only")
    form = BaselineForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("invalid")
    row = BaselineRow.objects.create(text=form.cleaned_data["text"])
    return HttpResponseRedirect(f"/bench-baseline/{row.pk}/")


def floor_submit(request, pk):
    """The least any real submit must do, in bare Django: sign the person in from the session,
    submit their draft once (one conditional UPDATE: theirs, still a draft) and keep a trace
    of it (one INSERT), in one transaction. No page, questionnaire, deadline or email."""
    if request.method != "POST":
        return HttpResponseBadRequest("POST only")
    if not request.user.is_authenticated:
        return HttpResponseForbidden("sign in")
    with transaction.atomic():
        stored = FloorDraft.objects.filter(pk=pk, owner=request.user, status="draft").update(
            status="submitted"
        )
        if not stored:
            return HttpResponseBadRequest("not yours, or already submitted")
        BaselineRow.objects.create(text=f"draft {pk} submitted by {request.user.pk}")
    return HttpResponseRedirect(f"/bench-baseline/floor/{pk}/done/")
