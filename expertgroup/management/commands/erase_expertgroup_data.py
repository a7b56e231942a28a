"""Erase the special-category data of expert calls whose retention date has come. Run daily."""

from django.core.management import BaseCommand

from expertgroup.services import erase_due


class Command(BaseCommand):
    help = "Erase applicants' special-category data on each call's retention date."

    def handle(self, *args, **options):
        done = erase_due()
        for page_id, count in done.items():
            self.stdout.write(f"call {page_id}: {count} applications erased")
        self.stdout.write(self.style.SUCCESS(f"{len(done)} calls erased."))
