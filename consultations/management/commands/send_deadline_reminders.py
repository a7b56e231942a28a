from django.core.management import BaseCommand

from consultations.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = "Email people with an unsent draft three days before a consultation closes (run hourly)."

    def handle(self, *args, **options):
        result = send_deadline_reminders.enqueue()
        self.stdout.write(f"Reminders queued (task {result.id}).")
