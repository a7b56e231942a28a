from django.core.management import BaseCommand, CommandError

from consultations import snapshots
from consultations.models import ConsultationPage
from consultations.services import rebuild_counts


class Command(BaseCommand):
    help = (
        "Count the answers again and correct the answer counts behind 'what we heard' (all "
        "consultations, or one); one transaction per consultation, answers may keep arriving. "
        "Also records the questionnaire snapshots of answers that the exports' table lacks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--consultation", type=int, help="page id of one consultation")

    def handle(self, *args, consultation=None, **options):
        pages = ConsultationPage.objects.order_by("pk")
        if consultation is not None:
            pages = pages.filter(pk=consultation)
            if not pages.exists():
                raise CommandError(f"No consultation has the page id {consultation}.")
        for page in pages.only("pk", "title"):
            corrected = rebuild_counts(page.pk)
            if corrected:
                self.stdout.write(
                    f"{page.title} ({page.pk}): {len(corrected)} counts corrected, "
                    f"{sum(abs(d) for d in corrected.values())} in all"
                )
            else:
                self.stdout.write(f"{page.title} ({page.pk}): the counts were right")
            added = snapshots.rebuild(page.pk)
            if added:
                self.stdout.write(
                    f"{page.title} ({page.pk}): {added} questionnaire snapshots added"
                )
