"""Build any registered document from the shell.

manage.py build_document documents.specimen --param copies=3 --output specimen.pdf
manage.py build_document --list
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from participation.documents import registry, services
from participation.documents.registry import DocumentBuildError, UnknownKind


def parse_param(value: str) -> tuple[str, str]:
    key, sep, val = value.partition("=")
    if not sep or not key.strip():
        raise CommandError(f"--param takes key=value, not {value!r}")
    return key.strip(), val


class Command(BaseCommand):
    help = "Build a registered document (PDF, spreadsheet...) in this process and write it out."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="a registered kind, e.g. documents.specimen")
        parser.add_argument(
            "--param",
            "-p",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a parameter of the document (repeat as needed)",
        )
        parser.add_argument(
            "--output",
            "-o",
            help="file to write; '-' for standard output; "
            "default: the document's own file name in the current folder",
        )
        parser.add_argument("--list", action="store_true", help="list the registered kinds")

    def handle(self, *args, kind=None, param=(), output=None, list=False, **options):
        if list or not kind:
            for document_kind in registry.all_kinds():
                self.stdout.write(f"{document_kind.name}\t{document_kind.label}")
            if not kind:
                return
        params = dict(parse_param(value) for value in param)
        verbosity = options.get("verbosity", 1)

        def echo(done, total, unit):
            if verbosity >= 1 and output != "-":
                of = f" of {total}" if total else ""
                self.stderr.write(f"  {done}{of} {unit}", ending="\r")

        try:
            built = services.build_now(kind, params, echo=echo)
        except UnknownKind:
            names = ", ".join(k.name for k in registry.all_kinds())
            raise CommandError(f"Unknown document kind {kind!r}. Known: {names}") from None
        except ValidationError as error:
            raise CommandError("Invalid parameters: " + " ".join(error.messages)) from None
        except DocumentBuildError as error:
            raise CommandError(f"The document could not be built: {error}") from None

        data = built.content
        if data is None:
            path = Path(built.path)
            data = path.read_bytes()
            path.unlink(missing_ok=True)
        if output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        target = Path(output or built.filename)
        target.write_bytes(data)
        if verbosity >= 1:
            self.stderr.write("")
            self.stdout.write(f"Wrote {target} ({len(data):,} bytes, {built.content_type})")
