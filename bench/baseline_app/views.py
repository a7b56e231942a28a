from django import forms
from django.http import HttpResponseBadRequest, HttpResponseRedirect

from .models import BaselineRow


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
