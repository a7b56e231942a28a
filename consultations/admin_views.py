"""Moderation and analysis of responses in the Wagtail admin."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList, Panel
from wagtail.admin.views.generic import DeleteView, EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy

from participation import pages_access
from participation.accounts.languages import language_name
from participation.admin_reports import listing_export
from participation.listings import IsolatedColumnsMixin
from participation.questionnaire.export import display_value

from .models import Response

TEXT_TYPES = {"short_text", "long_text"}


class AnswersPanel(Panel):
    """Read-only answers as the respondent gave them, labelled from the stored snapshot."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "consultations/admin/answers_panel.html"

        def get_context_data(self, parent_context=None):
            from django.utils.translation import get_language

            from .languages import texts_of
            from .machine_translation import translations_for

            context = super().get_context_data(parent_context)
            response = self.instance
            snapshot = response.questionnaire_snapshot or {}
            detected = response.text_languages or {}
            # The free texts in the editor's admin language where a machine translation is
            # cached (one query; none with the backend "none").
            free_texts = texts_of(response.answers, snapshot)
            target = get_language()
            translated = translations_for(
                [(text, detected.get(question_id, "")) for question_id, text in free_texts.items()],
                target,
            )
            rows = []
            for question_id, answer in response.answers.items():
                question = snapshot.get(
                    question_id, {"label": question_id, "type": "", "options": []}
                )
                # A text's own language where it was detected (consultations.languages).
                code = detected.get(question_id, "")
                translation = translated.get((free_texts.get(question_id), code))
                rows.append(
                    {
                        "label": question["label"],
                        "text": display_value(question, answer),
                        "lang": code or response.language,
                        "detected": language_name(code) if code else "",
                        "translation": translation,
                        # A whole text answer is shown translated, its original one click
                        # away; a choice keeps its options with its "other" text translated.
                        "whole": question.get("type") in TEXT_TYPES,
                    }
                )
            context["rows"] = rows
            context["response"] = response
            context["target"] = target
            return context


class ResponseAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Redactions are of text answers only; offer those questions by their labels.
        snapshot = self.instance.questionnaire_snapshot or {}
        choices = [
            (question_id, question["label"])
            for question_id, question in snapshot.items()
            if question.get("type") in TEXT_TYPES and question_id in self.instance.answers
        ]
        formset = self.formsets.get("redactions")
        if formset is not None:
            for form in [*formset.forms, formset.empty_form]:
                form.fields["question_id"] = forms.ChoiceField(
                    choices=choices, label=_("Answer to redact")
                )

    def save(self, commit=True):
        # Who redacted is recorded with each redaction.
        from .services import counted

        for form in self.formsets["redactions"].forms:
            if form.instance.pk is None and form.has_changed():
                form.instance.created_by = self.for_user
        # Spam flags change what the summary counts, moderation what it shows: the counts and
        # the summary's version follow in the same transaction.
        with transaction.atomic(), counted(Response.objects.filter(pk=self.instance.pk)):
            return super().save(commit)


def editable_consultations(user):
    """Pages the user may edit (all for superusers), as a subquery of ids."""
    return (
        PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change"]).values("pk")
    )


class ResponsePermissionPolicy(ModelPermissionPolicy):
    """Model permissions on answers, and for one answer edit rights on its consultation: staff
    rights are per consultation."""

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return super().user_has_any_permission_for_instance(
            user, actions, instance
        ) and pages_access.can_edit(user, instance.consultation)

    def instances_user_has_any_permission_for(self, user, actions):
        return (
            super()
            .instances_user_has_any_permission_for(user, actions)
            .filter(consultation__in=editable_consultations(user))
        )


register_permission_policy(Response, ResponsePermissionPolicy(Response))


def responses_for(user):
    """Submitted answers of the consultations the user may edit."""
    return (
        Response.objects.filter(
            status=Response.Status.SUBMITTED, consultation__in=editable_consultations(user)
        )
        .select_related("consultation", "organisation")
        .order_by("-submitted_at")
    )


def export_header_buttons(consultation, user) -> list:
    """ "CSV" and "XLSX" header buttons exporting a consultation's answers (a translation's are
    its original's), for editors of that consultation; none for anyone else."""
    from django.urls import reverse
    from wagtail.admin.widgets import HeaderButton

    if not pages_access.can_edit(user, consultation.submissions_page()):
        return []
    return [
        HeaderButton(
            _("Export %(fmt)s") % {"fmt": fmt.upper()},
            url=reverse("consultations_export", args=[consultation.pk, fmt]),
            icon_name="download",
            priority=n,
        )
        for n, fmt in enumerate(["csv", "xlsx"])
    ]


def decide_header_buttons(consultation, request) -> list:
    """ "Decide for all listed": one decision for every answer the list shows, on all its
    pages (DecideListedView), for the consultation's editors."""
    from wagtail.admin.widgets import HeaderButton

    if not pages_access.can_edit(request.user, consultation.submissions_page()):
        return []
    url = reverse("consultations_decide_listed", args=[consultation.pk])
    return [
        HeaderButton(
            _("Decide for all listed"),
            url=f"{url}?{request.GET.urlencode()}",
            icon_name="tasks",
            priority=10,
        )
    ]


class ResponseIndexView(IsolatedColumnsMixin, IndexView):
    ltr_columns = ("receipt_number",)
    name_columns = ("organisation",)

    def get_base_queryset(self):
        return responses_for(self.request.user)

    @cached_property
    def header_buttons(self):
        """The exports of the consultation the listing is filtered to (one, editable)."""
        from .models import ConsultationPage

        buttons = list(super().header_buttons)
        chosen = self.request.GET.getlist("consultation")
        if len(chosen) == 1 and chosen[0].isdigit():
            consultation = ConsultationPage.objects.filter(pk=int(chosen[0])).first()
            if consultation is not None:
                buttons += export_header_buttons(consultation, self.request.user)
                buttons += decide_header_buttons(consultation, self.request)
        return buttons


class OwnConsultationOnly:
    """One answer's views (inspect, edit, delete): a forged id of an answer to a consultation
    the editor may not edit is refused."""

    def get_object(self, queryset=None):
        response = super().get_object(queryset)
        if not pages_access.can_edit(self.request.user, response.consultation):
            raise PermissionDenied
        return response


class ResponseInspectView(OwnConsultationOnly, InspectView):
    pass


class ResponseEditView(OwnConsultationOnly, EditView):
    pass


class ResponseDeleteView(OwnConsultationOnly, DeleteView):
    pass


class ResponseViewSet(ModelViewSet):
    model = Response
    icon = "form"
    menu_label = _("Responses")
    menu_order = 210
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_view_class = ResponseInspectView
    index_view_class = ResponseIndexView
    edit_view_class = ResponseEditView
    delete_view_class = ResponseDeleteView
    list_display = [
        "receipt_number",
        "consultation",
        "respondent_type",
        "organisation",
        "country",
        "language",
        "detected_language",
        "moderation",
        "spam",
        "campaign",
        "channel",
        "submitted_at",
    ]
    list_filter = [
        "consultation",
        "status",
        "respondent_type",
        "organisation__kind",
        "country",
        "language",
        "detected_language",
        "moderation",
        "spam",
        "publication",
        "channel",
    ]
    search_fields = ["receipt_number", "search_text", "organisation__name"]
    list_per_page = 50
    # The listing's columns (the full, per-question export of a consultation is
    # ``export_responses``); ``responses_for`` selects what they show, in one query.
    list_export, export_headings = listing_export(Response, list_display)
    export_filename = "responses"
    edit_handler = ObjectList(
        [
            AnswersPanel(heading=_("Answers")),
            FieldPanel("moderation"),
            FieldPanel("spam"),
            FieldPanel("tags"),
            InlinePanel("redactions", heading=_("Redactions"), label=_("Redaction")),
        ],
        base_form_class=ResponseAdminForm,
    )


def export_responses(request, page_id, fmt):
    """Every submitted response, one row each, one column per question (streamed CSV or XLSX)."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404
    from wagtail.admin.auth import user_passes_test

    from participation.documents.spreadsheets import csv_response, xlsx_response

    from .documents import response_columns, response_rows
    from .models import ConsultationPage

    @user_passes_test(lambda user: user.is_staff)
    def view(request):
        consultation = get_object_or_404(ConsultationPage, pk=page_id)
        if not pages_access.can_edit(request.user, consultation):
            raise PermissionDenied  # staff rights are per consultation
        columns = response_columns(consultation)
        filename = f"responses-{consultation.slug}"
        if fmt == "csv":
            rows = response_rows(consultation, columns, for_csv=True)
            return csv_response(rows, columns, f"{filename}.csv", keys=True)
        if fmt == "xlsx":
            from .crosstabs import crosstab_sheets

            return xlsx_response(
                response_rows(consultation, columns),
                columns,
                f"{filename}.xlsx",
                sheet_title=_("Responses"),
                keys=True,
                sheets=crosstab_sheets(consultation.submissions_page().pk),
            )
        raise Http404

    return view(request)


class ConsultationAdminView(WagtailAdminTemplateMixin, TemplateView):
    """An admin page about one consultation's answers, for the editors of that consultation
    (a translation's answers are its original page's, participation.i18n)."""

    def dispatch(self, request, page_id):
        from .models import ConsultationPage

        if not request.user.is_staff:
            raise PermissionDenied
        self.page = get_object_or_404(ConsultationPage, pk=page_id).submissions_page()
        if not pages_access.can_edit(request.user, self.page):
            raise PermissionDenied  # staff rights are per consultation
        return super().dispatch(request, page_id)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=self.page, **kwargs)


class DetectCampaignsView(ConsultationAdminView):
    """Campaign detection for a consultation's answers: the page asks, the button (a POST)
    queues the background task, so that no link followed (or prefetched) starts work."""

    template_name = "consultations/admin/detect_campaigns.html"
    page_title = _("Detect campaigns")
    header_icon = "group"

    def get_context_data(self, **kwargs):
        from .models import ConsultationPage
        from .services import campaign_overview

        return super().get_context_data(
            overview=campaign_overview(self.page),
            min_size_label=ConsultationPage._meta.get_field("campaign_min_size").verbose_name,
            **kwargs,
        )

    def post(self, request, page_id):
        from django.contrib import messages

        from .tasks import detect_campaigns

        detect_campaigns.enqueue(self.page.pk)
        messages.success(
            request,
            gettext("Campaign detection has started; the Campaign column fills in shortly."),
        )
        return redirect(f"{reverse('consultation_responses:index')}?consultation={self.page.pk}")


class PrintableQuestionnaireView(ConsultationAdminView):
    """The questionnaire on paper (consultations.printable): the language and the number of
    copies, then the documents engine builds the PDF in the background."""

    template_name = "consultations/admin/printable.html"
    page_title = _("Printable questionnaire")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        from .printable import MAX_COPIES, print_languages

        return super().get_context_data(
            languages=print_languages(self.page), max_copies=MAX_COPIES, **kwargs
        )


class CrossTabView(ConsultationAdminView):
    """The analysis tags (or another row source of consultations.crosstabs) against one
    property of the answers: a chart with its table beside it, the same figures as CSV
    (``?format=csv``), and which tags "what we heard" shows (a POST)."""

    template_name = "consultations/admin/crosstab.html"
    page_title = _("Tags by group")
    header_icon = "table"

    def dimension(self) -> tuple[str, str]:
        """The chosen dimension, and a message when the one asked for does not exist."""
        from .crosstabs import DIMENSIONS

        asked = self.request.GET.get("by") or "respondent_type"
        if asked in DIMENSIONS:
            return asked, ""
        return "respondent_type", _("There is no such grouping; answers are shown by type.")

    def rows(self) -> str:
        from .crosstabs import ROW_SOURCES

        asked = self.request.GET.get("rows") or "tags"
        return asked if asked in ROW_SOURCES else "tags"

    def table(self):
        from .crosstabs import crosstab

        return crosstab(self.page.pk, self.dimension()[0], self.rows())

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.csv()
        return super().get(request, *args, **kwargs)

    def post(self, request, page_id):
        from django.contrib import messages

        from .crosstabs import publish_tags

        shown = publish_tags(self.page, request.POST.getlist("published"), request.user)
        messages.success(
            request,
            ngettext(
                "What we heard now shows %(count)d tag.",
                "What we heard now shows %(count)d tags.",
                len(shown),
            )
            % {"count": len(shown)}
            if shown
            else gettext("What we heard shows no tags."),
        )
        return redirect(request.get_full_path())

    def csv(self):
        from participation.documents.spreadsheets import Column, csv_response

        dimension, _problem = self.dimension()
        table = self.table()
        columns = [Column("tag", _("Tag"), 0), Column("answers", _("Answers"), 1)] + [
            Column(f"{dimension}:{value or '-'}", label, position)
            for position, (value, label) in enumerate(table.columns, start=2)
        ]
        rows = [(tag, total, *cells) for tag, cells, total in table.rows]
        rows.append((str(_("All tagged answers")), sum(table.totals), *table.totals))
        name = f"{self.rows()}-by-{dimension}-{self.page.slug}-{self.page.pk}.csv"
        return csv_response(rows, columns, name, keys=True)

    def get_context_data(self, **kwargs):
        from .crosstabs import DIMENSIONS, ROW_SOURCES, published_tags

        dimension, problem = self.dimension()
        table = self.table()
        title = gettext("Tags by %(by)s") % {"by": DIMENSIONS[dimension][1]}
        return super().get_context_data(
            dimensions=[(key, label) for key, (_field, label) in DIMENSIONS.items()],
            dimension=dimension,
            dimension_label=DIMENSIONS[dimension][1],
            row_sources=[(key, source.label) for key, source in ROW_SOURCES.items()],
            rows=self.rows(),
            problem=problem,
            table=table,
            chart=table.chart(title) if table.rows else None,
            largest=table.largest,  # every cell's bar (a meter) is measured against it
            published=set(published_tags(self.page.pk)) if self.rows() == "tags" else None,
            **kwargs,
        )


class DecideListedView(ConsultationAdminView):
    """One moderation decision for every answer the moderation list shows, on all its pages
    (consultations.moderation): the list's own filters and search, from its query string, for
    this consultation only. The page says how many answers it will change; the button applies."""

    template_name = "consultations/admin/decide_listed.html"
    page_title = _("Decide for the listed answers")
    header_icon = "tasks"

    def listed(self):
        query = self.request.GET.copy()
        query.setlist("consultation", [str(self.page.pk)])  # this consultation, whatever it said
        query.pop("p", None)
        # The list's own view, built as its viewset builds it (viewset.construct_view), so its
        # filters and search are the ones applied here.
        viewset = ResponseViewSet("consultation_responses", url_prefix="consultations/responses")
        view_class = viewset.index_view_class
        kwargs = {**viewset.get_common_view_kwargs(), **viewset.get_index_view_kwargs()}
        listing = view_class(
            **{
                k: v
                for k, v in kwargs.items()
                if hasattr(view_class, k) and v is not viewset.UNDEFINED
            }
        )
        listing.setup(self.request)
        listing.request.GET = query
        return listing.get_queryset(), query

    def get_context_data(self, **kwargs):
        from .moderation import DECISIONS

        responses, query = self.listed()
        return super().get_context_data(
            count=responses.filter(consultation_id=self.page.pk).count(),
            decisions=[(key, label) for key, (_f, _v, label) in DECISIONS.items()],
            back=f"{reverse('consultation_responses:index')}?{query.urlencode()}",
            **kwargs,
        )

    def post(self, request, page_id):
        from django.contrib import messages

        from .moderation import DECISIONS, decide

        decision = request.POST.get("decision", "")
        responses, query = self.listed()
        back = f"{reverse('consultation_responses:index')}?{query.urlencode()}"
        if decision not in DECISIONS:
            messages.error(request, gettext("Choose a decision."))
            return redirect(f"{request.path}?{query.urlencode()}")
        changed = decide(self.page, responses, decision, request.user, listed=query.urlencode())
        messages.success(
            request,
            gettext("%(decision)s: %(count)s answers changed.")
            % {"decision": DECISIONS[decision][2], "count": changed},
        )
        return redirect(back)


# --- Importing answers from a spreadsheet (consultations.importing).


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_("Fill in the template; each row is one answer. Nothing is imported yet."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-"
                "officedocument.spreadsheetml.sheet"
            }
        ),
    )


def _start(batch, commit: bool) -> None:
    """Inline for a small file; in the background (with progress) for a large one."""
    from .importing import run, setting
    from .tasks import import_answers

    if batch.size <= setting("INLINE_BYTES"):
        run(batch.pk, commit)
    else:
        import_answers.enqueue(batch.pk, commit)


class ImportView(ConsultationAdminView):
    """The templates to download, the upload form (a dry run first) and the earlier imports."""

    template_name = "consultations/admin/import.html"
    page_title = _("Import answers")
    header_icon = "upload"

    def get_context_data(self, form=None, **kwargs):
        from .importing import closed_note, consultation_languages
        from .models import ImportBatch

        return super().get_context_data(
            form=form or ImportForm(),
            languages=consultation_languages(self.page),
            closed_note=closed_note(self.page),
            batches=list(
                ImportBatch.objects.filter(consultation=self.page).select_related("created_by")[:20]
            ),
            **kwargs,
        )

    def post(self, request, page_id):
        from django.utils.translation import get_language

        from .importing import ImportRefused, check_upload, file_hash
        from .models import ImportBatch

        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_upload(upload)
            except ImportRefused as refused:
                form.add_error("file", str(refused))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        sha256 = file_hash(upload)
        earlier = (
            ImportBatch.objects.filter(consultation=self.page, sha256=sha256)
            .exclude(status=ImportBatch.Status.REJECTED)
            .first()
        )
        if earlier is not None and earlier.status == ImportBatch.Status.IMPORTED:
            form.add_error(
                "file",
                gettext(
                    "This file was already imported on %(date)s (%(count)s answers); it is not "
                    "imported twice."
                )
                % {
                    "date": earlier.imported_at.strftime("%Y-%m-%d %H:%M"),
                    "count": earlier.row_count,
                },
            )
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if earlier is not None:  # being checked, or checked: the same page again
            return redirect("consultations_import_batch", self.page.pk, earlier.pk)
        upload.seek(0)
        batch = ImportBatch(
            consultation=self.page,
            file_name=upload.name[:255],
            sha256=sha256,
            size=upload.size,
            created_by=request.user,
            report={"editor_language": get_language()},
        )
        batch.file.save(f"{self.page.pk}-{sha256[:16]}.bin", upload, save=False)
        batch.save()
        _start(batch, commit=False)
        return redirect("consultations_import_batch", self.page.pk, batch.pk)


class ImportBatchView(ConsultationAdminView):
    """One upload: its progress, then what would be imported (a dry run) or every rejected
    row with its reasons; the button that imports it all."""

    template_name = "consultations/admin/import_batch.html"
    page_title = _("Import answers")
    header_icon = "upload"

    def dispatch(self, request, page_id, batch_id):
        self.batch_id = batch_id
        return super().dispatch(request, page_id)

    def get_batch(self):
        from .models import ImportBatch

        return get_object_or_404(
            ImportBatch.objects.select_related("created_by"),
            pk=self.batch_id,
            consultation=self.page,
        )

    def get_context_data(self, **kwargs):
        from .importing import progress_of
        from .models import ImportBatch, Response

        batch = self.get_batch()
        report = batch.report or {}
        working = batch.status in (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING)
        channels = dict(Response.Channel.choices)
        types = dict(Response.RespondentType.choices)
        return super().get_context_data(
            batch=batch,
            report=report,
            working=working,
            done=progress_of(batch) if working else 0,
            by_channel=[(channels.get(k, k), n) for k, n in report.get("by_channel", {}).items()],
            by_type=[(types.get(k, k), n) for k, n in report.get("by_respondent_type", {}).items()],
            **kwargs,
        )

    def post(self, request, page_id, batch_id=None):
        from django.contrib import messages

        from .models import ImportBatch

        batch = self.get_batch()
        # One click imports once: only a checked batch moves on, in one conditional UPDATE.
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKED).update(
            status=ImportBatch.Status.IMPORTING, rows_done=0
        )
        if not claimed:
            messages.error(request, gettext("This file is not ready to import."))
        else:
            batch.status = ImportBatch.Status.IMPORTING
            _start(batch, commit=True)
        return redirect("consultations_import_batch", self.page.pk, batch.pk)


def import_template(request, page_id, fmt):
    """The consultation's import template in one of its languages, CSV or XLSX."""
    from django.http import Http404
    from wagtail.admin.auth import user_passes_test

    from participation.documents.spreadsheets import csv_response, xlsx_response

    from .importing import consultation_languages, template_columns
    from .models import ConsultationPage

    @user_passes_test(lambda user: user.is_staff)
    def view(request):
        consultation = get_object_or_404(ConsultationPage, pk=page_id).submissions_page()
        if not pages_access.can_edit(request.user, consultation):
            raise PermissionDenied
        codes = [code for code, _name in consultation_languages(consultation)]
        lang = request.GET.get("lang")
        lang = lang if lang in codes else codes[0]
        columns = template_columns(consultation, lang)
        filename = f"import-{consultation.slug}-{lang}"
        if fmt == "csv":
            return csv_response([], columns, f"{filename}.csv", keys=True)
        if fmt == "xlsx":
            from django.utils import translation

            with translation.override(lang):
                return xlsx_response(
                    [], columns, f"{filename}.xlsx", sheet_title=gettext("Responses"), keys=True
                )
        raise Http404

    return view(request)
