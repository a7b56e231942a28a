"""Refresh every translation catalogue of the project for every interface language, then compile.

One command so that everyone extracts messages the same way: without source locations (a moved
line would otherwise rewrite half a catalogue and collide with every other change), keeping
translations of strings that left the code out of the catalogue (no obsolete entries).
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

# Each folder whose `locale/` catalogue covers the Python files and templates beneath it; a
# folder nested in another one is skipped by the outer one.
CATALOGUE_ROOTS = [
    "site/portal",
    "participation",
    "participation/accounts",
    "participation/audit",
    "participation/calls",
    "participation/documents",
    "participation/organisations",
    "participation/questionnaire",
    "participation/review",
    "participation/submissions",
    "themes",
    "consultations",
    "expertgroup",
    "awards",
    "monitoring",
]


def interface_languages():
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class Command(BaseCommand):
    help = "Extract translatable strings into every catalogue (all interface languages), compile."

    def add_arguments(self, parser):
        parser.add_argument("--compile-only", action="store_true")
        parser.add_argument(
            "--language",
            "-l",
            action="append",
            help="Only these languages (repeat); default: every interface language but English.",
        )

    def handle(self, *args, compile_only=False, language=None, **options):
        base = Path(settings.BASE_DIR)
        languages = language or interface_languages()
        start = os.getcwd()
        try:
            for root in CATALOGUE_ROOTS:
                folder = base / root
                (folder / "locale").mkdir(exist_ok=True)
                os.chdir(folder)
                if not compile_only:
                    nested = [
                        f"{other[len(root) + 1 :]}/*"
                        for other in CATALOGUE_ROOTS
                        if other != root and other.startswith(root + "/")
                    ]
                    # makemessages puts a file's strings into the first of LOCALE_PATHS whose
                    # parent folder holds it: participation/locale would swallow (and wipe)
                    # submissions' and calls' catalogues. Only this folder's locale/ counts.
                    with override_settings(LOCALE_PATHS=[]):
                        self._extract(languages, nested)
                call_command("compilemessages", locale=languages, verbosity=0)
                self.stdout.write(f"{root}: {', '.join(languages)}")
        finally:
            os.chdir(start)

    def _extract(self, languages, nested):
        call_command(
            "makemessages",
            locale=languages,
            domain="django",
            no_location=True,
            no_obsolete=True,
            ignore_patterns=[*nested, "locale/*", "static/*", "tests/*"],
            verbosity=0,
        )
