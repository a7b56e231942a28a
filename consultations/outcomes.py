"""The consultations' outcome items offered to other plugins (the progress board tracks them as
commitments) through the core's ``register_participation_outcomes`` hook
(participation/outcomes.py): nothing outside this plugin imports its models for that."""

from django.db.models import Q
from django.utils.html import strip_tags

from participation.i18n import originals_only
from participation.outcomes import Outcome, OutcomeSource

from .models import ConsultationPage, OutcomeItem, Response

MAX_ID = 2**63 - 1  # a bigint: a larger id is none of ours (and would overflow the query)


class ConsultationOutcomes(OutcomeSource):
    def offered(self):
        # A translation's outcome items translate its original's: offered (and tracked) once.
        originals = originals_only(ConsultationPage.objects.all()).values("pk")
        return (
            OutcomeItem.objects.select_related("page")
            .filter(page__in=originals)
            .order_by("page_id", "sort_order", "pk")
        )

    def get(self, pk):
        if not isinstance(pk, int) or not 0 < pk <= MAX_ID:
            return None
        item = (
            OutcomeItem.objects.select_related("page")
            .prefetch_related("themes")
            .filter(pk=pk)
            .first()
        )
        if item is None:
            return None
        return Outcome(
            pk=item.pk,
            title=item.title,
            text=strip_tags(item.text or "").strip(),
            # The consultation whose respondents may follow it: the original of a translation.
            page_id=item.page.submissions_page().pk,
            theme_ids=[theme.pk for theme in item.themes.all()],
        )

    def on_pages(self, pages):
        return OutcomeItem.objects.filter(page__in=pages).values("pk")

    def may_follow(self, user, page_id):
        return Response.objects.filter(
            Q(user=user) | Q(updated_by=user),
            consultation_id=page_id,
            status=Response.Status.SUBMITTED,
        ).exists()

    def behind(self, pk, page):
        from .services import outcome_rows

        item = OutcomeItem.objects.filter(pk=pk).first() if isinstance(pk, int) else None
        if item is None:
            return None
        found = {"questions": item.key_list, "answers": len(item.receipt_list)}
        page = page.specific if page is not None and page.live else None
        if isinstance(page, ConsultationPage):
            for row in outcome_rows(page):
                if row["item"].pk == item.pk:
                    found = row
        return found
