"""Editors' pages in the Wagtail admin: one process's dashboard, reviewers, assignment, conflicts,
results and shortlists, selection runs, the audit trail and the score sheet.

Every page needs staff with the review permission (``rules.can_manage``); the admin itself
requires TOTP of all staff. All changes go through ``services``.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from participation.audit.services import history
from participation.text import clean_query

from . import exports, labels, reasons, rules, services, visibility
from .forms import (
    AddReviewerForm,
    AssignmentRunForm,
    ManualAssignmentForm,
    QuotaFormSet,
    ResultsForm,
    ReviewerForm,
    SelectionForm,
    WaiverForm,
)
from .models import (
    Assignment,
    ConflictDeclaration,
    ItemStatus,
    Phase,
    Quota,
    Review,
    Reviewer,
    ReviewItem,
    ReviewProcess,
    SelectionRun,
    Waiver,
)
from .services import ReviewError


def _posted_id(request, name) -> int:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 18 else 0


class ReviewAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tasks"
    page_title = gettext_lazy("Review")
    process = None

    def dispatch(self, request, *args, **kwargs):
        if not rules.can_manage(request.user):
            raise PermissionDenied
        if "pk" in kwargs:
            self.process = get_object_or_404(ReviewProcess, pk=kwargs["pk"])
            if not visibility.manages(request.user, self.process):
                # Its pages show every item with names: not for one of its own reviewers.
                messages.error(
                    request,
                    _(
                        "You are a reviewer of “%(process)s”, so you cannot use its editors' "
                        "pages; another editor runs it."
                    )
                    % {"process": self.process.label},
                )
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [
            *self.breadcrumbs_items,
            {"url": reverse("review_admin:index"), "label": _("Review")},
        ]
        if self.process is not None:
            items.append(
                {
                    "url": reverse("review_admin:process", args=[self.process.pk]),
                    "label": self.process.label,
                }
            )
        items.append({"url": "", "label": self.get_page_title()})
        return items

    def get_page_subtitle(self):
        # Plain text: it is also the window's title.
        return str(self.process.label) if self.process is not None else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["process"] = self.process
        return context

    def phase(self):
        return get_object_or_404(
            Phase.objects.select_related("process"), pk=self.kwargs["phase"], process=self.process
        )

    def back(self, name, *args):
        return redirect(reverse(f"review_admin:{name}", args=[self.process.pk, *args]))


class IndexView(ReviewAdminView):
    template_name = "review/admin/index.html"
    page_title = gettext_lazy("Review processes")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["processes"] = labels.label_processes(
            ReviewProcess.objects.exclude(pk__in=visibility.reviewed_processes(self.request.user))
            .annotate(
                item_count=Count("items", distinct=True),
                reviewer_count=Count("reviewers", filter=Q(reviewers__active=True), distinct=True),
            )
            .prefetch_related("phases")
        )
        return context


class ProcessView(ReviewAdminView):
    template_name = "review/admin/process.html"
    page_title = gettext_lazy("Overview")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("review_admin:index"), "label": _("Review")},
            {"url": "", "label": self.process.label},
        ]

    def get_page_subtitle(self):
        return ""

    def get_page_title(self):
        return str(self.process.label)

    def post(self, request, *args, **kwargs):
        try:
            count = services.import_items(self.process, request.user)
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(count)s items taken in.") % {"count": count})
        return self.back("process")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        process = self.process
        phases = list(
            process.phases.annotate(
                running=Count(
                    "items", filter=Q(items__status__in=ReviewItem.RUNNING), distinct=True
                ),
                assigned=Count("assignments", filter=Q(assignments__active=True), distinct=True),
                submitted=Count(
                    "assignments",
                    filter=Q(assignments__review__status=Review.Status.SUBMITTED),
                    distinct=True,
                ),
            )
        )
        reviewers = process.reviewers.select_related("user").annotate(
            assigned=Count("assignments", filter=Q(assignments__active=True), distinct=True),
            submitted=Count(
                "assignments",
                filter=Q(assignments__review__status=Review.Status.SUBMITTED),
                distinct=True,
            ),
        )
        statuses = dict(
            process.items.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        context.update(
            phases=phases,
            reviewers=reviewers,
            statuses=[(label, statuses.get(value, 0)) for value, label in ItemStatus.choices],
            can_import=callable(getattr(process.owner, "review_subjects", None)),
            edit_url=reverse("review_processes:edit", args=[process.pk]),
            criteria=process.criteria.all(),
        )
        return context


class ItemsView(ReviewAdminView):
    template_name = "review/admin/items.html"
    page_title = gettext_lazy("Items")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = self.process.items.select_related("organisation", "submitter", "phase")
        status = self.request.GET.get("status", "")
        if status in ItemStatus.values:
            items = items.filter(status=status)
        context.update(
            page=Paginator(items, 100).get_page(self.request.GET.get("page")),
            statuses=ItemStatus.choices,
            status=status,
        )
        return context


class ReviewersView(ReviewAdminView):
    template_name = "review/admin/reviewers.html"
    page_title = gettext_lazy("Reviewers")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        tags = sorted(
            {tag for item in self.process.items.values_list("tags", flat=True) for tag in item}
        )
        context.update(
            reviewers=self.process.reviewers.select_related("user", "removed_by"),
            form=form or AddReviewerForm(),
            item_tags=tags,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = AddReviewerForm(request.POST)
        if form.is_valid():
            try:
                reviewer = services.add_reviewer(
                    self.process,
                    form.user,
                    request.user,
                    role=form.cleaned_data["role"],
                    expertise=form.cleaned_data["expertise"],
                    languages=form.cleaned_data["languages"] or None,
                )
            except ReviewError as error:
                form.add_error("email", str(error))
            else:
                messages.success(
                    request, _("%(name)s is now a reviewer.") % {"name": reviewer.name}
                )
                return self.back("reviewers")
        return self.render_to_response(self.get_context_data(form=form))


class ReviewerEditView(ReviewAdminView):
    template_name = "review/admin/reviewer_edit.html"
    page_title = gettext_lazy("Edit reviewer")

    def reviewer(self):
        return get_object_or_404(
            Reviewer.objects.select_related("user"),
            pk=self.kwargs["reviewer"],
            process=self.process,
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        reviewer = self.reviewer()
        context.update(reviewer=reviewer, form=form or ReviewerForm(instance=reviewer))
        return context

    def post(self, request, *args, **kwargs):
        reviewer = self.reviewer()
        if request.POST.get("action") == "remove":
            try:
                outcome = services.remove_reviewer(reviewer, request.user)
            except ReviewError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s has been removed and can no longer open any item. %(kept)s "
                        "submitted reviews are kept. Unfinished items: %(open)s. Use “Assign "
                        "reviewers” on the phase to reassign them."
                    )
                    % {
                        "name": reviewer.name,
                        "kept": outcome["kept_submitted"],
                        "open": ", ".join(map(str, outcome["unfinished"])) or "—",
                    },
                )
            return self.back("reviewers")
        form = ReviewerForm(request.POST, instance=Reviewer.objects.get(pk=reviewer.pk))
        if form.is_valid():
            services.update_reviewer(
                reviewer,
                request.user,
                **{name: form.cleaned_data[name] for name in ("role", "expertise", "languages")},
            )
            messages.success(request, _("Saved."))
            return self.back("reviewers")
        return self.render_to_response(self.get_context_data(form=form))


class AssignmentsView(ReviewAdminView):
    template_name = "review/admin/assignments.html"
    page_title = gettext_lazy("Assignments")

    def forms(self, phase, data=None):
        action = (data or {}).get("action")
        items = services.phase_items(phase)
        reviewers = self.process.reviewers.filter(active=True, user__isnull=False).select_related(
            "user"
        )
        return (
            AssignmentRunForm(data if action == "run" else None),
            ManualAssignmentForm(
                data if action == "add" else None, items=items, reviewers=reviewers, prefix="manual"
            ),
        )

    def get_context_data(self, run_form=None, manual_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        phase = self.phase()
        default_run, default_manual = self.forms(phase)
        assignments = (
            Assignment.objects.filter(phase=phase)
            .select_related("item", "reviewer__user", "review")
            .order_by("item__number", "reviewer_id")
        )
        by_item = {}
        for assignment in assignments:
            by_item.setdefault(assignment.item_id, []).append(assignment)
        items = list(services.phase_items(phase))
        loads = {}
        for assignment in assignments:
            if assignment.active:
                loads[assignment.reviewer.name] = loads.get(assignment.reviewer.name, 0) + 1
        context.update(
            phase=phase,
            rows=[(item, by_item.get(item.pk, [])) for item in items],
            others=[
                a
                for item_id, rows in by_item.items()
                for a in rows
                if item_id not in {i.pk for i in items}
            ],
            run_form=run_form or default_run,
            manual_form=manual_form or default_manual,
            loads=sorted(loads.items()),
            started=Review.objects.filter(assignment__phase=phase).exists(),
        )
        return context

    def post(self, request, *args, **kwargs):
        phase = self.phase()
        action = request.POST.get("action")
        run_form, manual_form = self.forms(phase, request.POST)
        try:
            if action == "run":
                if not run_form.is_valid():
                    return self.render_to_response(self.get_context_data(run_form=run_form))
                outcome = services.assign_reviewers(
                    phase, request.user, seed=run_form.cleaned_data["seed"]
                )
                if outcome.mode == "full":
                    messages.success(
                        request,
                        _("%(n)s assignments made; loads %(loads)s; %(matches)s expertise matches.")
                        % {
                            "n": outcome.created,
                            "loads": ", ".join(
                                f"{k}: {v}" for k, v in sorted(outcome.loads.items())
                            ),
                            "matches": outcome.expertise_matches,
                        },
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "Reviewing has started, so only the gaps were filled: %(n)s new "
                            "assignments; %(untouched)s items already had enough reviewers."
                        )
                        % {"n": outcome.created, "untouched": outcome.untouched},
                    )
                if not outcome.connected:
                    messages.warning(
                        request,
                        _(
                            "The reviewers fall into groups that never review a common item, "
                            "so their leniency cannot be compared. Add reviewers or pairs by hand."
                        ),
                    )
            elif action == "add":
                if not manual_form.is_valid():
                    return self.render_to_response(self.get_context_data(manual_form=manual_form))
                services.add_assignment(
                    phase,
                    manual_form.cleaned_data["item"],
                    manual_form.cleaned_data["reviewer"],
                    request.user,
                )
                messages.success(request, _("Assignment added."))
            elif action == "remove":
                assignment = get_object_or_404(
                    Assignment.objects.select_related("item", "reviewer__user", "phase__process"),
                    pk=_posted_id(request, "assignment"),
                    phase=phase,
                )
                services.remove_assignment(assignment, request.user)
                messages.success(request, _("Assignment removed."))
            else:
                raise Http404
        except ReviewError as error:
            messages.error(request, str(error))
        return self.back("assignments", phase.pk)


class ConflictsView(ReviewAdminView):
    template_name = "review/admin/conflicts.html"
    page_title = gettext_lazy("Conflicts of interest")

    def waiver_form(self, data=None):
        return WaiverForm(
            data,
            items=self.process.items.all(),
            reviewers=self.process.reviewers.filter(user__isnull=False).select_related("user"),
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        conflicts = services.conflict_map(self.process)
        items = {i.pk: i for i in self.process.items.select_related("process", "organisation")}
        reviewers = {r.pk: r for r in self.process.reviewers.select_related("user")}
        context.update(
            declared=ConflictDeclaration.objects.filter(item__process=self.process)
            .exclude(kind=ConflictDeclaration.Kind.NONE)
            .select_related("item__process", "reviewer__user"),
            automatic=[
                (
                    items[i],
                    reviewers[r],
                    services.automatic_reason_label(reason),
                    (i, r) in conflicts.waived,
                )
                for (i, r), reason in sorted(conflicts.automatic.items())
            ],
            waivers=Waiver.objects.filter(item__process=self.process).select_related(
                "item__process", "reviewer__user", "granted_by"
            ),
            declared_none=ConflictDeclaration.objects.filter(
                item__process=self.process, kind=ConflictDeclaration.Kind.NONE
            ).count(),
            form=form or self.waiver_form(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "revoke":
            waiver = get_object_or_404(
                Waiver.objects.select_related("item__process", "reviewer__user"),
                pk=_posted_id(request, "waiver"),
                item__process=self.process,
            )
            services.revoke_waiver(waiver, request.user)
            messages.success(request, _("Waiver revoked."))
            return self.back("conflicts")
        form = self.waiver_form(request.POST)
        if form.is_valid():
            try:
                services.grant_waiver(
                    form.cleaned_data["item"],
                    form.cleaned_data["reviewer"],
                    form.cleaned_data["reason"],
                    request.user,
                )
            except ReviewError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Waiver granted and recorded."))
                return self.back("conflicts")
        return self.render_to_response(self.get_context_data(form=form))


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


class AuditView(ReviewAdminView):
    template_name = "review/admin/audit.html"
    page_title = gettext_lazy("Audit trail")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = history(self.process).order_by("-created_at", "-pk")
        action = clean_query(self.request.GET.get("action"), max_length=64)
        if action:
            events = events.filter(action__startswith=action)
        context.update(
            page=Paginator(events, 100).get_page(self.request.GET.get("page")),
            action=action,
        )
        return context


def score_sheet(request, pk, fmt):
    """Score sheet of a process (one row per review), streamed as CSV or built as XLSX."""
    if not rules.can_manage(request.user):
        raise PermissionDenied
    if fmt not in exports.FORMATS:
        raise Http404
    process = get_object_or_404(ReviewProcess, pk=pk)
    if not visibility.manages(request.user, process):
        raise PermissionDenied
    phase = None
    if request.GET.get("phase", "").isdigit():
        phase = get_object_or_404(Phase, pk=int(request.GET["phase"]), process=process)
    return exports.score_sheet_response(process, phase, fmt, request.user)
