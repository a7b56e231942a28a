"""Editors' pages for who reviews what: a phase's assignments and the process's conflicts of
interest and waivers. All changes go through ``services``."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages

from . import services
from .admin_views import ReviewAdminView, _posted_id
from .forms import (
    AssignmentRunForm,
    ManualAssignmentForm,
    WaiverForm,
)
from .models import (
    Assignment,
    ConflictDeclaration,
    Review,
    Waiver,
)
from .services import ReviewError


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
