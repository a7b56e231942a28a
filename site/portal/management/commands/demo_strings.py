"""Write portal/demo_content/strings.json: every text of the English demo, for translators.

The demo is loaded into a fresh temporary SQLite database (a demo already in your database may
have been edited), its texts are extracted (portal.demo_localise) and written sorted. With
``--check`` nothing is written: the command fails when strings.json is not current. Either way
it says, per content file, how many texts are missing and how many are no longer used.
"""

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

from portal import demo_localise
from portal.models import HomePage


class Command(BaseCommand):
    help = "Regenerate portal/demo_content/strings.json from a freshly loaded English demo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="fail if strings.json is not current"
        )
        parser.add_argument(
            "--this-database",
            action="store_true",
            help=(
                "extract from this database (loading the demo in English if it has none) "
                "instead of a fresh temporary one"
            ),
        )

    def handle(self, *args, check=False, this_database=False, **options):
        if not this_database:
            self._in_fresh_database(check)
            return
        if not HomePage.objects.exists():
            call_command(
                "load_demo", "--allow-production", "--languages", "none", stdout=io.StringIO()
            )
        texts = demo_localise.demo_strings()
        wanted = demo_localise.strings_json(texts)
        path = demo_localise.STRINGS_FILE
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        before = {t.text for t in demo_localise.read_strings()}
        after = {t.text for t in texts}
        added, removed = sorted(after - before), sorted(before - after)
        if check:
            if wanted != current:
                lines = [f"+ {text!r}" for text in added] + [f"- {text!r}" for text in removed]
                raise CommandError(
                    f"{path.name} is not current ({len(added)} texts added, {len(removed)} "
                    "removed, or notes changed): run manage.py demo_strings.\n" + "\n".join(lines)
                )
            self.stdout.write(f"{path.name} is current: {len(texts)} texts.")
        elif wanted != current:
            path.parent.mkdir(exist_ok=True)
            path.write_text(wanted, encoding="utf-8")
            self.stdout.write(
                f"Wrote {path.name}: {len(texts)} texts ({len(added)} added, {len(removed)} "
                "removed). Changed English texts need translating again in every content file."
            )
        else:
            self.stdout.write(f"{path.name} is current: {len(texts)} texts.")
        self._coverage(after)

    def _coverage(self, texts: set[str]):
        for code, _name in settings.LANGUAGES:
            if code == settings.LANGUAGE_CODE:
                continue
            if not demo_localise.content_file(code).exists():
                self.stdout.write(f"{code}: no content file")
                continue
            translations = demo_localise.read_translations(code)
            missing = len([t for t in texts if not translations.get(t)])
            stale = len(set(translations) - texts)
            self.stdout.write(f"{code}: {missing} missing, {stale} no longer used")

    def _in_fresh_database(self, check: bool):
        manage = Path(settings.BASE_DIR) / "site" / "manage.py"
        with tempfile.TemporaryDirectory(prefix="demo-strings-") as directory:
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{directory}/demo.sqlite3"}
            env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
            self.stdout.write("Loading the demo into a fresh database (about a minute)...")
            steps = [
                ["migrate", "--no-input", "--verbosity", "0"],
                ["demo_strings", "--this-database", *(["--check"] if check else [])],
            ]
            for step in steps:
                result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
                    [sys.executable, str(manage), *step], env=env, capture_output=True, text=True
                )
                if result.returncode:
                    raise CommandError(_error(result.stderr, step[0]))
            self.stdout.write(result.stdout.rstrip())


def _error(stderr: str, step: str) -> str:
    """The command's own message (after "CommandError: "), else the end of the traceback."""
    marker = "CommandError: "
    if marker in stderr:
        return stderr[stderr.rindex(marker) + len(marker) :].strip()
    return f"{step} failed in the fresh database:\n" + "\n".join(stderr.splitlines()[-15:])
