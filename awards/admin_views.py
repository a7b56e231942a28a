"""Editors' pages in the Wagtail admin: an edition's juries and results, and choosing the winners
of a category with the engine's ranking in view. Juries, assignment, conflicts and scoring are the
review engine's own pages (Review menu); these pages link to them."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from participation.permissions import allowed
from participation.review.models import ReviewProcess
from participation.review.permissions import MANAGE

from . import services
from .forms import NoteForm
from .models import AwardCategory, AwardEditionPage, Nomination
from .rules import edition_editor


def _posted_id(value) -> int:
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 18 else 0


class AwardAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "trophy"

    def dispatch(self, request, *args, **kwargs):
        if not allowed(request.user, ReviewProcess, MANAGE):
            raise PermissionDenied
        if services.judges_edition(
            request.user, edition_id=kwargs.get("edition_id"), category_id=kwargs.get("category_id")
        ):
            # These pages show every nomination and ranking of the edition: not for a juror.
            messages.error(
                request, _("You sit on a jury of this award, so another editor runs its results.")
            )
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EditionView(AwardAdminView):
    template_name = "awards/admin/edition.html"
    page_title = gettext_lazy("Juries and results")

    def get_edition(self):
        # A translation's nominations and juries are its original's (participation.i18n).
        edition = get_object_or_404(AwardEditionPage, pk=self.kwargs["edition_id"])
        if not edition_editor(self.request.user, edition):
            raise PermissionDenied  # staff rights are per edition
        return edition.submissions_page()

    def get_page_subtitle(self):
        return self.get_edition().title

    def post(self, request, *args, **kwargs):
        edition = self.get_edition()
        action = request.POST.get("action", "")
        try:
            if action == "import":
                category = get_object_or_404(
                    AwardCategory, pk=_posted_id(request.POST.get("category")), page=edition
                )
                count = services.import_nominations(category, request.user)
                messages.success(
                    request,
                    _("%(count)s confirmed nominations are in the jury process of “%(name)s”.")
                    % {"count": count, "name": category.name_in()},
                )
            elif action in ("publish_shortlist", "publish_winners"):
                what = action.removeprefix("publish_")
                count = services.publish(edition, what, request.user)
                messages.success(
                    request,
                    _("Published (%(count)s nominations); nominees and nominators are being told.")
                    % {"count": count},
                )
            else:
                messages.error(request, _("Unknown action."))
        except services.AwardError as error:
            messages.error(request, str(error))
        return redirect(reverse("awards_admin:edition", args=[edition.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = self.get_edition()
        submitted = Q(nominations__status=Nomination.Status.SUBMITTED)
        categories = list(
            edition.categories.select_related("review_process")
            .prefetch_related("review_process__phases")
            .annotate(
                submitted=Count("nominations", filter=submitted),
                confirmed=Count(
                    "nominations", filter=submitted & Q(nominations__confirmed_at__isnull=False)
                ),
                shortlisted=Count("nominations", filter=submitted & ~Q(nominations__outcome="")),
                winners=Count("nominations", filter=submitted & Q(nominations__outcome="winner")),
            )
        )
        shown = services.categories_in_language(edition)  # in the editor's language
        for category in categories:
            category.shown = shown.get(category.pk, category)
        context.update(
            edition=edition,
            categories=categories,
            report_params={"edition": edition.pk, "lang": self.request.LANGUAGE_CODE},
            lang=self.request.LANGUAGE_CODE,
            drafts=Nomination.objects.filter(
                edition=edition, status=Nomination.Status.DRAFT
            ).count(),
            vote_refusals=services.vote_refusals(edition) if edition.audience_prize else None,
            voter_cutoff=services.voter_cutoff(edition) if edition.audience_prize else None,
        )
        return context


class CategoryView(AwardAdminView):
    template_name = "awards/admin/category.html"
    page_title = gettext_lazy("Choose the winners")

    def get_category(self):
        category = get_object_or_404(
            AwardCategory.objects.select_related("page", "review_process"),
            pk=self.kwargs["category_id"],
        )
        if not edition_editor(self.request.user, category.page):
            raise PermissionDenied  # staff rights are per edition
        return category

    def get_page_subtitle(self):
        return services.category_in_language(self.get_category()).name

    def post(self, request, *args, **kwargs):
        category = self.get_category()
        if request.POST.get("action") == "note":
            form = NoteForm(category.review_process, request.POST)
            if form.is_valid():
                services.add_note(
                    category, request.user, form.cleaned_data["text"], form.cleaned_data["phase"]
                )
                messages.success(request, _("The note is saved."))
                return redirect(request.get_full_path())
            self.note_form = form
            return self.get(request, *args, **kwargs)
        decisions = {}
        for nomination in category.review_subjects(None):
            key = f"outcome-{nomination.pk}"
            if key in request.POST:
                decisions[nomination.pk] = (
                    request.POST.get(key, ""),
                    request.POST.get(f"citation-{nomination.pk}", "")[:3000],
                )
        try:
            changed = services.set_outcomes(category, decisions, request.user)
        except services.AwardError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(count)s decisions saved.") % {"count": changed})
        return redirect(request.get_full_path())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = self.get_category()
        process = category.review_process
        phase = None
        if process is not None:
            phase = process.phases.filter(pk=_posted_id(self.request.GET.get("phase"))).first()
        results, rows = services.ranking(category, phase)
        ranked_ids = {n.pk for _row, n in rows if n is not None}
        # Confirmed nominations not (yet) in the round's ranking: still decidable, shown after.
        others = [n for n in category.review_subjects(None) if n.pk not in ranked_ids]
        context.update(
            category=category,
            edition=category.page,
            process=process,
            phases=list(process.phases.all()) if process else [],
            results=results,
            rows=rows,
            others=others,
            outcomes=Nomination.Outcome.choices,
            notes=list(category.deliberation_notes.select_related("author", "phase")),
            # Not judged: waiting for the nominee, or declined by them.
            unconfirmed=list(
                Nomination.objects.filter(
                    category=category,
                    status=Nomination.Status.SUBMITTED,
                    confirmed_at__isnull=True,
                ).order_by("submitted_at")
            ),
            note_form=getattr(self, "note_form", None) or NoteForm(process),
        )
        return context
