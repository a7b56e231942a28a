"""Delete generated documents older than PARTICIPATION_DOCUMENTS_KEEP_DAYS (run it daily)."""

from django.core.management.base import BaseCommand

from participation.documents.services import prune_documents


class Command(BaseCommand):
    help = "Delete generated documents (and their files) older than --days days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="default: KEEP_DAYS (30)")

    def handle(self, *args, days=None, **options):
        count = prune_documents(days)
        if options.get("verbosity", 1):
            self.stdout.write(f"Deleted {count} generated document(s).")
