from django.core.management import BaseCommand

from consultations.models import ConsultationPage
from consultations.services import detect_campaigns


class Command(BaseCommand):
    help = "Group identical and near-identical answers into campaigns (all consultations, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--consultation", type=int, help="page id of one consultation")
        parser.add_argument("--threshold", type=float, default=0.8)

    def handle(self, *args, consultation=None, threshold=0.8, **options):
        pages = ConsultationPage.objects.all()
        if consultation:
            pages = pages.filter(pk=consultation)
        for page in pages:
            found = detect_campaigns(page, threshold=threshold)
            minimum = page.submissions_page().campaign_min_size
            self.stdout.write(
                f"{page.title}: {found} campaigns of {minimum} answers or more "
                "(smaller groups: similar answers)"
            )
