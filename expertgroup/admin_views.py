"""The secretariat's pages in the Wagtail admin: applications, screening in bulk, special-category
data (recorded readings), statistics, decisions, letters and members. Review, assignment and
selection run on the review engine's own pages (Review menu)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from participation.admin_reports import ObjectReportView
from participation.audit.services import history
from participation.i18n import originals_only
from participation.permissions import allowed
from participation.review.services import ReviewError

from . import rules, services
from .documents import DOSSIER
from .forms import ScreeningForm, StepDownForm
from .models import Application, Decision, ExpertCallPage

PER_PAGE = 50


class CallEditorsMixin:
    """Editors in charge of the call only (Wagtail edit permission on its page)."""

    header_icon = "group"
    page = None

    def dispatch(self, request, *args, **kwargs):
        self.page = ExpertCallPage.objects.filter(pk=kwargs["page_id"]).first()
        if self.page is None:
            raise Http404
        if not rules.can_manage_call(request.user, self.page):
            raise PermissionDenied
        source = self.page.submissions_page()
        if source.pk != self.page.pk:
            # A translation's applications are the original call's: its pages are there.
            name = request.resolver_match.view_name
            return redirect(reverse(name, kwargs={**kwargs, "page_id": source.pk}))
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.page.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("expertgroup_admin:call", args=[self.page.pk]),
                "label": self.page.title,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            call=self.page,
            can_view_sensitive=rules.can_view_sensitive(self.request.user, self.page),
        )
        return context


class CallAdminView(CallEditorsMixin, WagtailAdminTemplateMixin, TemplateView):
    def back(self, name="call", *args):
        return redirect(reverse(f"expertgroup_admin:{name}", args=[self.page.pk, *args]))

    def application(self, application_id):
        application = (
            Application.objects.select_related("user", "organisation", "screening")
            .filter(pk=application_id, call=self.page)
            .first()
        )
        if application is None:
            raise Http404
        return application


class IndexView(WagtailAdminTemplateMixin, TemplateView):
    """The calls this editor is in charge of (the entry point from the admin menu)."""

    template_name = "expertgroup/admin/index.html"
    page_title = gettext_lazy("Expert calls")
    header_icon = "group"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Translations are not calls of their own: their applications are the original's.
        calls = (
            originals_only(ExpertCallPage.objects.all())
            .order_by("-opens_at")
            .annotate(
                submitted=Count(
                    "applications",
                    filter=Q(applications__status=Application.Status.SUBMITTED),
                )
            )
        )
        context["calls"] = [c for c in calls if rules.can_manage_call(self.request.user, c)]
        return context


class CallView(CallAdminView):
    """The dashboard: applications (no special-category data), counts and the steps to take."""

    template_name = "expertgroup/admin/call.html"
    page_title = gettext_lazy("Applications")

    ACTIONS = {
        "create_process": "create_process",
        "import": "import_eligible",
        "notices": "send_notices",
        "sync": "sync_decisions",
        "letters": "send_letters",
        "announce": "announce",
    }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        applications = (
            Application.objects.filter(call=self.page)
            .exclude(status=Application.Status.DRAFT)
            .select_related("organisation", "screening")
            .order_by("submitted_at", "pk")
        )
        decision = self.request.GET.get("decision", "")
        if decision in Decision.values:
            applications = applications.filter(decision=decision)
        counts = dict(
            Application.objects.filter(call=self.page)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        decisions = dict(
            Application.objects.filter(call=self.page)
            .values_list("decision")
            .annotate(n=Count("pk"))
            .values_list("decision", "n")
        )
        context.update(
            applications=Paginator(applications, PER_PAGE).get_page(self.request.GET.get("p")),
            counts=counts,
            decisions=[(Decision(k).label, v) for k, v in decisions.items() if k],
            decision_choices=Decision.choices[1:],
            decision=decision,
            notices_due=services.notices_due(self.page).count(),
            process=self.page.review_process,
            dossier_kind=DOSSIER,
            dossier_params={"call": self.page.pk, "lang": get_language() or "en"},
            report_params=self.report_params(),
            events=list(history(self.page).order_by("-created_at", "-pk")[:15]),
        )
        return context

    def report_params(self):
        """The engine's committee report of the latest applied selection: the selection report."""
        if not self.page.review_process_id:
            return None
        run = services.latest_applied_run(self.page.review_process)
        if run is None:
            return None
        return {
            "process": run.process_id,
            "phase": run.phase_id,
            "run": run.pk,
            "lang": get_language() or "en",
        }

    def post(self, request, *args, **kwargs):
        handler = self.ACTIONS.get(request.POST.get("action", ""))
        if handler is None:
            messages.error(request, _("Unknown action."))
            return self.back()
        try:
            message = getattr(self, handler)(request)
        except (services.ScreeningError, ReviewError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message)
        return self.back()

    def create_process(self, request):
        process = services.ensure_process(self.page, request.user)
        return _("The review process “%(name)s” is ready.") % {"name": process.label}

    def import_eligible(self, request):
        count = services.import_eligible(self.page, request.user)
        return _("%(count)s eligible applications are in the review process.") % {"count": count}

    def send_notices(self, request):
        count = services.send_screening_notices(self.page, request.user)
        return _("%(count)s notices of ineligibility are being sent.") % {"count": count}

    def sync_decisions(self, request):
        counts = services.sync_decisions(self.page, request.user)
        return _(
            "Decisions copied from the selection: %(selected)s selected, %(reserve)s on the "
            "reserve list."
        ) % {
            "selected": counts.get(Decision.SELECTED, 0),
            "reserve": counts.get(Decision.RESERVE, 0),
        }

    def send_letters(self, request):
        count = services.send_decision_letters(self.page, request.user)
        return _("%(count)s letters are being sent.") % {"count": count}

    def announce(self, request):
        services.announce_members(self.page, request.user)
        return _("The members are announced on the public page.")


class ScreeningView(CallAdminView):
    template_name = "expertgroup/admin/screening.html"
    page_title = gettext_lazy("Screening")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        applications = (
            Application.objects.filter(call=self.page, status=Application.Status.SUBMITTED)
            .select_related("screening")
            .order_by("submitted_at", "pk")
        )
        state = self.request.GET.get("state", "")
        if state == "todo":
            applications = applications.filter(screening__isnull=True)
        elif state in ("eligible", "ineligible"):
            applications = applications.filter(screening__eligible=(state == "eligible"))
        criteria = self.page.criteria()
        page = Paginator(applications, PER_PAGE).get_page(self.request.GET.get("p"))
        rows = []
        for application in page:
            screening = getattr(application, "screening", None)
            results = screening.results if screening else {}
            rows.append((application, [results.get(c.key) for c in criteria], screening))
        context.update(
            form=form or ScreeningForm(self.page),
            criteria=criteria,
            rows=rows,
            paginator_page=page,
            state=state,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ScreeningForm(self.page, request.POST)
        ids = [int(v) for v in request.POST.getlist("applications") if v.isdigit()]
        if form.is_valid():
            try:
                count = services.record_screening(
                    self.page,
                    ids,
                    form.cleaned_data["criterion"],
                    form.cleaned_data["met"],
                    form.cleaned_data["reason"],
                    request.user,
                )
            except services.ScreeningError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Recorded for %(count)s applications.") % {"count": count}
                )
                return redirect(request.get_full_path())
        # What was typed (and ticked) is kept; the page is shown again with the errors.
        context = self.get_context_data(form=form)
        context["ticked"] = set(ids)
        return self.render_to_response(context, status=400)


class ApplicationView(CallAdminView):
    """One application, without its special-category data (those are one click away, logged)."""

    template_name = "expertgroup/admin/application.html"
    page_title = gettext_lazy("Application")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application(self.kwargs["application_id"])
        context.update(
            application=application,
            expertise=list(application.expertise.all()),
            answers=services.answer_rows(application),
            reasons=services.unmet_reasons(application),
            step_down_form=StepDownForm(),
            events=list(history(application).order_by("-created_at")[:20]),
        )
        return context

    def post(self, request, *args, **kwargs):
        application = self.application(self.kwargs["application_id"])
        form = StepDownForm(request.POST)
        if form.is_valid():
            try:
                replacement = services.step_down(
                    application, request.user, form.cleaned_data["reason"]
                )
            except (services.ScreeningError, ReviewError) as error:
                messages.error(request, str(error))
            else:
                if replacement is None:
                    messages.warning(
                        request, _("The member stepped down; the reserve list is empty.")
                    )
                else:
                    messages.success(
                        request,
                        _("The member stepped down; %(name)s takes the seat.")
                        % {"name": replacement.full_name},
                    )
        return self.back("application", application.pk)


class SensitiveView(CallAdminView):
    """Special-category data of one application: editors with the permission only, every
    reading recorded; everyone else gets a 403 (also recorded)."""

    template_name = "expertgroup/admin/sensitive.html"
    page_title = gettext_lazy("Special-category data")

    def dispatch(self, request, *args, **kwargs):
        self.page = ExpertCallPage.objects.filter(pk=kwargs["page_id"]).first()
        if self.page is None:
            raise Http404
        application = self.application(kwargs["application_id"])
        # Read (or refuse, recorded either way) before anything else is done for the request.
        self.sensitive = services.sensitive_data(application, request.user, purpose="admin.view")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application(self.kwargs["application_id"])
        sensitive = self.sensitive
        context.update(application=application, sensitive=sensitive)
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        patch_cache_control(response, no_store=True)
        return response


class StatisticsView(CallEditorsMixin, ObjectReportView):
    """Submitted applications by country, profile, area of expertise and gender (and migrant
    background for editors who may see it): charts, and the same figures as Wagtail's report
    (one row per value, downloadable as CSV or XLSX)."""

    template_name = "expertgroup/admin/statistics.html"
    results_template_name = "expertgroup/admin/statistics_results.html"
    page_title = gettext_lazy("Statistics")
    index_url_name = "expertgroup_admin:statistics"
    index_results_url_name = "expertgroup_admin:statistics_results"
    paginate_by = 100
    columns = [
        Column("breakdown", label=gettext_lazy("Breakdown")),
        Column("value", label=gettext_lazy("Value")),
        Column("applications", label=gettext_lazy("Applications")),
    ]
    list_export = ["breakdown", "value", "applications"]
    export_headings = {column.name: column.label for column in columns}

    @cached_property
    def stats(self):
        can_view_sensitive = rules.can_view_sensitive(self.request.user, self.page)
        return services.statistics(self.page, with_sensitive=can_view_sensitive)

    def get_queryset(self):
        return services.statistics_rows(self.stats)

    def get_filename(self):
        return f"statistics-{self.page.slug}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(stats=self.stats, charts=services.statistics_charts(self.stats))
        return context


FILE_FIELDS = ("cv", "supporting_document", "photo")


def application_file(request, page_id, application_id, name):
    """An applicant's file for the editors in charge (reviewers read the blind dossier instead);
    every download is recorded."""
    import mimetypes

    from participation.audit.services import record
    from participation.files.serve import download_name, private_file_response

    page = ExpertCallPage.objects.filter(pk=page_id).first()
    if page is None or name not in FILE_FIELDS:
        raise Http404
    if not rules.can_manage_call(request.user, page):
        raise PermissionDenied
    application = Application.objects.filter(
        pk=application_id, call=page.submissions_page()
    ).first()
    if application is not None and not allowed(request.user, Application, "change", application):
        raise PermissionDenied  # the application's own call decides (the original page)
    stored = getattr(application, name, None) if application else None
    if not stored or not stored.storage.exists(stored.name):
        raise Http404
    record(application, request.user, "file.downloaded", file=name)
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    return private_file_response(
        stored.name,
        content_type=content_type,
        filename=download_name(
            f"{application.receipt_number or application.pk}-{name}", content_type
        ),
    )
