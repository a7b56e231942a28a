"""Refresh every translation catalogue of the project for every interface language, then compile.

One command so that everyone extracts messages the same way: without source locations (a moved
line would otherwise rewrite half a catalogue and collide with every other change), keeping
translations of strings that left the code out of the catalogue (no obsolete entries).
"""

import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from portal.languages import KNOWN_LANGUAGES, LIBRARY_GAP_LANGUAGES

# Each folder whose `locale/` catalogue covers the Python files and templates beneath it; a
# folder nested in another one is skipped by the outer one.
CATALOGUE_ROOTS = [
    "site/portal",
    # Django's, allauth's and Wagtail's messages, only for the languages they do not translate.
    "site/portal/library_strings",
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


def drop_creation_date(po: Path):
    """makemessages stamps every catalogue with the time it ran: a change in every file on every
    run, which made every branch's catalogues collide. The line says nothing a reader needs."""
    if po.exists():
        lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith('"POT-Creation-Date:')]
        if len(kept) != len(lines):
            po.write_text("".join(kept), encoding="utf-8")


def catalogue_languages(root, languages):
    """The languages ``root`` has catalogues for."""
    if root == "site/portal/library_strings":
        return [code for code in languages if code in LIBRARY_GAP_LANGUAGES]
    return list(languages)


def interface_languages():
    """Every known language, offered or held back (a held-back one is being reviewed)."""
    return [code for code in KNOWN_LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_files(base: Path, code: str) -> list[Path]:
    return [
        base / root / "locale" / code / "LC_MESSAGES" / "django.po"
        for root in CATALOGUE_ROOTS
        if (base / root / "locale" / code / "LC_MESSAGES" / "django.po").exists()
    ]


def known_translations(paths) -> dict:
    """(context, message, plural) -> a translated, not fuzzy entry, from these catalogues."""
    known = {}
    for path in paths:
        for entry in polib.pofile(str(path)):
            if entry.msgid and entry.translated() and not entry.obsolete:
                known.setdefault((entry.msgctxt, entry.msgid, entry.msgid_plural), entry)
    return known


def fill_from(path: Path, known: dict) -> int:
    """Translate the untranslated entries of a catalogue that another catalogue of the same
    language already translates (same message, context and plural). Returns how many."""
    catalogue = polib.pofile(str(path))
    filled = 0
    for entry in catalogue.untranslated_entries():
        if entry.fuzzy:
            continue
        source = known.get((entry.msgctxt, entry.msgid, entry.msgid_plural))
        if source is None or len(source.msgstr_plural) != len(entry.msgstr_plural):
            continue  # unknown, or another number of plural forms
        entry.msgstr = source.msgstr
        entry.msgstr_plural = dict(source.msgstr_plural)
        filled += 1
    if filled:
        catalogue.save()
    return filled


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
        # Translations as they stand, to carry over to a message that moved to another
        # catalogue (makemessages keeps translations only within one catalogue).
        known = {code: known_translations(catalogue_files(base, code)) for code in languages}
        start = os.getcwd()
        try:
            for root in CATALOGUE_ROOTS:
                root_languages = catalogue_languages(root, languages)
                if not root_languages:
                    continue
                folder = base / root
                (folder / "locale").mkdir(exist_ok=True)
                os.chdir(folder)
                if not compile_only:
                    nested = [
                        f"{other[len(root) + 1 :]}/*"
                        for other in CATALOGUE_ROOTS
                        if other != root and other.startswith(root + "/")
                    ]
                    # Only this root's catalogue: makemessages would otherwise write a file's
                    # messages into the first LOCALE_PATHS folder above it (participation/locale
                    # took every core app's messages, each run overwriting the previous one).
                    with override_settings(LOCALE_PATHS=[folder / "locale"]):
                        call_command(
                            "makemessages",
                            locale=root_languages,
                            domain="django",
                            no_location=True,
                            no_obsolete=True,
                            ignore_patterns=[*nested, "static/*", "tests/*"],
                            verbosity=0,
                        )
                    for code in root_languages:
                        path = folder / "locale" / code / "LC_MESSAGES" / "django.po"
                        if path.exists():
                            drop_creation_date(path)
                            fill_from(path, known[code])
                call_command("compilemessages", locale=root_languages, verbosity=0)
                self.stdout.write(f"{root}: {', '.join(root_languages)}")
        finally:
            os.chdir(start)
