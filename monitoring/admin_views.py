"""Editors' pages in the Wagtail admin: turn outcome items into commitments, write progress
updates, upload indicator values. All changes go through services and imports."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from participation.outcomes import outcome_source
from participation.permissions import allowed
from themes.selectors import canonical_themes

from . import imports, services
from .models import Commitment, Indicator


def _posted_id(request, name) -> int:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 18 else 0


class MonitoringAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "view"
    # (model, action), asked of the model's permission policy
    permission = (Commitment, "change")

    def dispatch(self, request, *args, **kwargs):
        if not allowed(request.user, *self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class OutcomesView(MonitoringAdminView):
    """Outcome items of every consultation; one click tracks one as a commitment."""

    template_name = "monitoring/admin/outcomes.html"
    page_title = gettext_lazy("Outcomes to track")
    permission = (Commitment, "add")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = outcome_source()
        items = source.offered() if source is not None else Commitment.objects.none()
        if source is not None:
            items = items.annotate(
                commitment_pk=Subquery(
                    Commitment.objects.filter(outcome_item_id=OuterRef("pk")).values("pk")[:1]
                )
            ).order_by(F("commitment_pk").asc(nulls_first=True), *items.query.order_by)
        context["items"] = Paginator(items, 50).get_page(self.request.GET.get("p"))
        return context

    def post(self, request, *args, **kwargs):
        source = outcome_source()
        item = source.get(_posted_id(request, "item")) if source is not None else None
        if item is None:
            messages.error(request, _("That outcome no longer exists."))
            return redirect("monitoring_outcomes")
        commitment = services.commitment_from_outcome(item, request.user)
        messages.success(
            request, _("“%(title)s” is now a tracked commitment.") % {"title": commitment.title}
        )
        return redirect(reverse("wagtailsnippets_monitoring_commitment:edit", args=[commitment.pk]))


class UpdateForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Commitment.Status.choices)
    progress = forms.IntegerField(label=gettext_lazy("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=gettext_lazy("What happened"), widget=forms.Textarea)
    dropped_reason = forms.CharField(
        label=gettext_lazy("Why it was dropped"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when the status is “Dropped”."),
    )


class UpdateView(MonitoringAdminView):
    template_name = "monitoring/admin/update.html"
    page_title = gettext_lazy("Progress update")

    def dispatch(self, request, *args, **kwargs):
        self.commitment = Commitment.objects.filter(pk=kwargs["pk"]).first()
        if self.commitment is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.commitment.title

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commitment"] = self.commitment
        context["updates"] = self.commitment.updates.select_related("created_by").annotate(
            translated=Count("translations")
        )[:20]
        context["form"] = form or UpdateForm(
            initial={
                "date": timezone.localdate(),
                "status": self.commitment.status,
                "progress": self.commitment.progress,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = UpdateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_update(
                    self.commitment,
                    request.user,
                    text=data["text"],
                    status=data["status"],
                    progress=data["progress"],
                    date=data["date"],
                    dropped_reason=data["dropped_reason"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        for message in errors:
                            form.add_error(field if field in form.fields else None, message)
                else:
                    for message in error.messages:
                        form.add_error(None, message)
            else:
                messages.success(request, _("The progress update is saved."))
                return redirect("monitoring_update", pk=self.commitment.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def translations_formset(update, data=None):
    """The update's text in the other languages: its rows, and an empty form for each language
    that has none (left empty, it makes no row: readers then see the original, marked)."""
    from django.forms import inlineformset_factory

    from participation.translation_rows import translation_language_choices

    from .models import ProgressUpdate, ProgressUpdateTranslation

    given = set(update.translations.values_list("language", flat=True))
    missing = [code for code, _name in translation_language_choices() if code not in given]
    formset = inlineformset_factory(
        ProgressUpdate,
        ProgressUpdateTranslation,
        fields=["language", "text"],
        widgets={"text": forms.Textarea(attrs={"rows": 3})},
        extra=len(missing),
        can_delete=True,
    )
    return formset(
        data, instance=update, prefix="translations", initial=[{"language": c} for c in missing]
    )


class UpdateTranslationsView(MonitoringAdminView):
    """Where an update's text is given in the other languages of the site."""

    template_name = "monitoring/admin/update_translations.html"
    page_title = gettext_lazy("Progress update in other languages")

    def dispatch(self, request, *args, **kwargs):
        from .models import ProgressUpdate

        self.update = (
            ProgressUpdate.objects.select_related("commitment").filter(pk=kwargs["pk"]).first()
        )
        if self.update is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.update)

    def get_context_data(self, formset=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["update"] = self.update
        context["formset"] = formset or translations_formset(self.update)
        return context

    def post(self, request, *args, **kwargs):
        formset = translations_formset(self.update, request.POST)
        if formset.is_valid():
            formset.save()
            messages.success(request, _("The translations are saved."))
            return redirect("monitoring_update", pk=self.update.commitment_id)
        return self.render_to_response(self.get_context_data(formset=formset), status=400)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: indicator, country, city, year, value. Values for the same indicator, "
            "place and year are replaced."
        ),
    )
    theme = forms.ModelChoiceField(
        label=gettext_lazy("Only indicators of this theme"),
        queryset=None,
        required=False,
        to_field_name="slug",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = canonical_themes()


class UploadView(MonitoringAdminView):
    template_name = "monitoring/admin/upload.html"
    page_title = gettext_lazy("Upload indicator values")
    permission = (Indicator, "change")

    def get_context_data(self, form=None, report=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or UploadForm()
        context["report"] = report
        context["limit_mb"] = round(imports.max_upload_bytes() / 1024 / 1024, 1)
        context["shown_rejected"] = report.rejected[: imports.MAX_REJECTED_SHOWN] if report else []
        return context

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            report = imports.import_values(form.cleaned_data["file"], form.cleaned_data["theme"])
            if report.ok:
                messages.success(
                    request,
                    _("%(created)s values added, %(updated)s replaced.")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect("monitoring_upload")
        return self.render_to_response(self.get_context_data(form=form, report=report), status=400)
