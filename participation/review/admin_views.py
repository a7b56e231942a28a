"""Editors' pages in the Wagtail admin: one process's dashboard, its items and reviewers, the audit
trail and the score sheet; a phase's assignments and the conflicts are in ``admin_assigning``,
results, shortlists and selection runs in ``admin_selection``.

Every page asks the process's permission policy (``permissions``: ``manage``, staff with the
review permission, and for one process not one of its reviewers); the admin itself requires TOTP
of all staff. All changes go through ``services``.
"""

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from participation.admin_reports import ObjectReportView, json_cell
from participation.audit.models import AuditEvent
from participation.audit.services import history
from participation.permissions import allowed
from participation.text import clean_query

from . import exports, labels, services, visibility
from .forms import (
    AddReviewerForm,
    ReviewerForm,
)
from .models import (
    ItemStatus,
    Phase,
    Review,
    Reviewer,
    ReviewItem,
    ReviewProcess,
)
from .permissions import MANAGE
from .services import ReviewError


def _posted_id(request, name) -> int:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 18 else 0


class ProcessEditorsMixin:
    """Who gets in: editors of review processes (the policy's ``manage``); on one process's pages
    only its editors, never one of its own reviewers."""

    header_icon = "tasks"
    page_title = gettext_lazy("Review")
    process = None

    def dispatch(self, request, *args, **kwargs):
        if not allowed(request.user, ReviewProcess, MANAGE):
            raise PermissionDenied
        if "pk" in kwargs:
            self.process = get_object_or_404(ReviewProcess, pk=kwargs["pk"])
            if not allowed(request.user, ReviewProcess, MANAGE, self.process):
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


class ReviewAdminView(ProcessEditorsMixin, WagtailAdminTemplateMixin, TemplateView):
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


class ItemsFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=ItemStatus.choices)

    class Meta:
        model = ReviewItem
        fields = ["status"]


class ItemsView(ProcessEditorsMixin, ObjectReportView):
    """The process's items with their names, filtered by status: Wagtail's report (download as
    CSV or XLSX)."""

    page_title = gettext_lazy("Items")
    template_name = "review/admin/items.html"
    results_template_name = "review/admin/items_results.html"
    index_url_name = "review_admin:items"
    index_results_url_name = "review_admin:items_results"
    filterset_class = ItemsFilterSet
    paginate_by = 100
    list_export = [
        "number",
        "title",
        "organisation",
        "submitter",
        "tags",
        "languages",
        "phase",
        "get_status_display",
        "reserve_rank",
    ]
    export_headings = {"phase": gettext_lazy("Phase"), "get_status_display": gettext_lazy("Status")}

    def get_filename(self):
        return f"items-{self.process.pk}"

    def get_base_queryset(self):
        return self.process.items.select_related("organisation", "submitter", "phase").order_by(
            "number"
        )


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


class AuditFilterSet(WagtailFilterSet):
    action = django_filters.CharFilter(
        label=gettext_lazy("Action starts with"), method="action_starts_with"
    )

    class Meta:
        model = AuditEvent
        fields = ["action"]

    def action_starts_with(self, queryset, name, value):
        value = clean_query(value, max_length=64)
        return queryset.filter(action__startswith=value) if value else queryset


class AuditView(ProcessEditorsMixin, ObjectReportView):
    """What was done in the process, newest first: Wagtail's report (filter by the action's
    prefix, download as CSV or XLSX)."""

    page_title = gettext_lazy("Audit trail")
    results_template_name = "review/admin/audit_results.html"
    template_name = "review/admin/audit.html"
    index_url_name = "review_admin:audit"
    index_results_url_name = "review_admin:audit_results"
    filterset_class = AuditFilterSet
    paginate_by = 100
    list_export = ["created_at", "actor", "action", "data"]
    export_headings = {
        "created_at": gettext_lazy("When"),
        "actor": gettext_lazy("Who"),
        "action": gettext_lazy("Action"),
        "data": gettext_lazy("Details"),
    }
    custom_field_preprocess = {
        "data": {fmt: json_cell for fmt in ObjectReportView.FORMATS},
        "actor": {fmt: lambda user: str(user) if user else "" for fmt in ObjectReportView.FORMATS},
    }

    def get_filename(self):
        return f"audit-{self.process.pk}"

    def get_base_queryset(self):
        return history(self.process).order_by("-created_at", "-pk")


def score_sheet(request, pk, fmt):
    """Score sheet of a process (one row per review), streamed as CSV or built as XLSX."""
    if not allowed(request.user, ReviewProcess, MANAGE):
        raise PermissionDenied
    if fmt not in exports.FORMATS:
        raise Http404
    process = get_object_or_404(ReviewProcess, pk=pk)
    if not allowed(request.user, ReviewProcess, MANAGE, process):
        raise PermissionDenied
    phase = None
    if request.GET.get("phase", "").isdigit():
        phase = get_object_or_404(Phase, pk=int(request.GET["phase"]), process=process)
    return exports.score_sheet_response(process, phase, fmt, request.user)
