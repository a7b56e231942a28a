from django.core.management import BaseCommand
from django.utils import timezone

from consultations.models import ConsultationPage
from consultations.services import erase_personal_data


class Command(BaseCommand):
    help = (
        "Erase respondents' personal data of consultations whose retention date has come (daily)."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        for consultation in ConsultationPage.objects.filter(erase_personal_data_on__lte=today):
            count = erase_personal_data(consultation)
            if count:
                self.stdout.write(
                    f"{consultation.title}: {count} answers no longer linked to people."
                )
