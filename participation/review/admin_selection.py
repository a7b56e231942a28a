"""Editors' pages for results and shortlists, selection under quotas and the stored selection
runs. All changes go through ``services``."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages

from . import reasons, services
from .admin_views import ReviewAdminView
from .forms import (
    QuotaFormSet,
    ResultsForm,
    SelectionForm,
)
from .models import (
    Phase,
    Quota,
    ReviewItem,
    SelectionRun,
)
from .services import ReviewError


class ResultsView(ReviewAdminView):
    template_name = "review/admin/results.html"
    page_title = gettext_lazy("Results")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        phase = self.phase()
        form = ResultsForm(self.request.GET or None)
        cutoff, seed = self.process.seats, 0
        if form.is_valid():
            cutoff = form.cleaned_data["cutoff"] or cutoff
            seed = form.cleaned_data["seed"] or 0
        results = services.phase_results(phase, cutoff=cutoff, seed=seed)
        flips = results.flips
        if phase.uses_criteria:
            proposed = {
                row.item.pk
                for row in results.rows
                if row.aggregate
                and results.cutoff
                and row.aggregate.normalised_rank <= results.cutoff
            }
        else:
            proposed = {row.item.pk for row in results.rows if row.eligible_yes > row.eligible_no}
        context.update(
            phase=phase,
            form=form,
            results=results,
            flips=flips,
            rows=[(row, flips.get(row.item.pk)) for row in results.rows],
            reviewer_stats=[
                (results.reviewer_names.get(s.reviewer, "?"), s)
                for s in (results.aggregation.reviewers if results.aggregation else [])
            ],
            proposed=proposed,
            next_phase=services.next_phase(phase),
            undecided=set(results.bootstrap.undecided) if results.bootstrap else set(),
        )
        return context

    def post(self, request, *args, **kwargs):
        phase = self.phase()
        try:
            kept, dropped = services.advance(phase, request.POST.getlist("keep"), request.user)
        except (ReviewError, ValueError) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(kept)s items move on; %(dropped)s do not.")
                % {"kept": len(kept), "dropped": len(dropped)},
            )
        return self.back("results", phase.pk)


class SelectionView(ReviewAdminView):
    template_name = "review/admin/selection.html"
    page_title = gettext_lazy("Selection")

    def quota_formset(self, data=None):
        return QuotaFormSet(
            data, queryset=Quota.objects.filter(process=self.process), prefix="quotas"
        )

    def selection_form(self, data=None):
        last = self.process.phases.exclude(kind=Phase.Kind.ELIGIBILITY).last()
        return SelectionForm(
            data,
            process=self.process,
            initial={
                "n": self.process.seats,
                "phase": last,
                "basis": SelectionRun.Basis.NORMALISED,
            },
        )

    def get_context_data(self, formset=None, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            formset=formset or self.quota_formset(),
            form=form or self.selection_form(),
            runs=self.process.selection_runs.select_related("created_by", "phase")[:50],
            # What the keys and values typed into quotas mean, in the plugin's words.
            attribute_labels=[
                services.shown_attribute(labels, key, list(found.values))
                for labels in [services.attribute_labels_of(self.process)]
                for key, found in labels.items()
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "quotas":
            formset = self.quota_formset(request.POST)
            if formset.is_valid():
                for quota in formset.save(commit=False):
                    quota.process = self.process
                    quota.save()
                for quota in formset.deleted_objects:
                    quota.delete()
                messages.success(request, _("Quotas saved."))
                return self.back("selection")
            return self.render_to_response(self.get_context_data(formset=formset))
        form = self.selection_form(request.POST)
        if form.is_valid():
            try:
                run = services.run_selection(
                    form.cleaned_data["phase"],
                    form.cleaned_data["n"],
                    request.user,
                    seed=form.cleaned_data["seed"],
                    basis=form.cleaned_data["basis"],
                )
            except ReviewError as error:
                form.add_error(None, str(error))
            else:
                return self.back("selection_run", run.pk)
        return self.render_to_response(self.get_context_data(form=form))


class SelectionRunView(ReviewAdminView):
    template_name = "review/admin/selection_run.html"

    def get_page_title(self):
        return _("Selection run %(n)s") % {"n": self.kwargs["run"]}

    def run(self):
        return get_object_or_404(
            SelectionRun.objects.select_related("phase", "created_by", "applied_by"),
            pk=self.kwargs["run"],
            process=self.process,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run()
        candidates = {c["id"]: c for c in run.inputs["candidates"]}
        items = {
            i.pk: i for i in ReviewItem.objects.filter(pk__in=candidates).select_related("process")
        }

        def label(item_id):
            item = items.get(item_id)
            return f"{item.label} · {item.title}" if item else f"#{item_id}"

        result = run.result
        replacements = dict((m, r) for m, r in result["replacements"])
        # The owner may name special-category attributes to show in aggregate only, never per
        # member (e.g. the expert call's migrant background).
        owner = run.process.owner
        hidden = set(getattr(owner, "review_aggregate_only_attributes", ()) or ())
        # The plugin's words for the stored keys and values (which stay the quotas' names).
        labels = services.attribute_labels_of(run.process)
        quota_table = [
            {**row, "shown": services.shown_attribute(labels, row["attribute"], [row["value"]])}
            for row in result.get("quota_table", [])
        ]
        context.update(
            run=run,
            result={**reasons.described(result, labels), "quota_table": quota_table},
            selected=[
                {
                    "label": label(i),
                    "merit": candidates[i]["merit"],
                    "attributes": [
                        services.shown_attribute(labels, k, v)
                        for k, v in candidates[i]["attributes"].items()
                        if k not in hidden
                    ],
                    "replacement": label(replacements[i]) if replacements.get(i) else None,
                }
                for i in result["selected"]
            ],
            reserve=[
                {
                    "label": label(e["candidate"]),
                    "merit": e["merit"],
                    "can_replace": [label(m) for m in e["can_replace"]],
                }
                for e in result["reserve"]
            ],
            top=[label(i) for i in result["unconstrained_top"]],
            left_out=run.inputs.get("left_out", []),
            quotas=run.inputs["quotas"],
            attributes=[
                services.shown_attribute(labels, key, values)
                for key, values in _attribute_summary(run.inputs["candidates"]).items()
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        run = self.run()
        action = request.POST.get("action")
        try:
            if action == "verify":
                if services.rerun_matches(run):
                    messages.success(
                        request, _("Re-computed from the stored inputs: the same result.")
                    )
                else:
                    messages.error(
                        request, _("Re-computed from the stored inputs: a DIFFERENT result.")
                    )
            elif action == "apply":
                services.apply_selection(run, request.user)
                messages.success(
                    request, _("Applied: the items are marked selected, reserve or not selected.")
                )
            elif action == "relax":
                services.apply_relaxation(run, request.user)
                messages.success(
                    request, _("Quota bounds changed as proposed. Run the selection again.")
                )
                return self.back("selection")
            else:
                raise Http404
        except ReviewError as error:
            messages.error(request, str(error))
        return self.back("selection_run", run.pk)


def _attribute_summary(candidates):
    """attribute -> value -> how many candidates have it (for setting quotas)."""
    summary: dict[str, dict[str, int]] = {}
    for candidate in candidates:
        for attribute, value in candidate["attributes"].items():
            values = [value] if isinstance(value, str) else value
            for v in values:
                summary.setdefault(attribute, {}).setdefault(v, 0)
                summary[attribute][v] += 1
    return {a: sorted(v.items()) for a, v in sorted(summary.items())}
