"""Move private files stored by older versions in the public media storage to the private one.

Before public media and private files were apart, CVs, attachments, evidence and generated
documents were saved in the default storage (MEDIA_ROOT or the public bucket). This moves, once,
every file of a field on the private storage (``storage=private_storage`` or the generated
documents' storage) and every uploaded answer (``{"path": ...}`` in a submission's answers)
that is still in the default storage and not yet in the private one. Run it after deploying;
running it again moves nothing more. ``--dry-run`` only counts.
"""

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models

from participation.files.storage import LazyStorage, private
from participation.submissions.models import SubmissionBase


def _private_file_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and isinstance(field.storage, LazyStorage):
                yield model, field


def _move(name, target, dry_run) -> str | None:
    """The name in ``target`` after the move, or None when there was nothing to move."""
    if not name or target.exists(name) or not default_storage.exists(name):
        return None
    if dry_run:
        return name
    with default_storage.open(name, "rb") as handle:
        stored = target.save(name, handle)
    default_storage.delete(name)
    return stored


class Command(BaseCommand):
    help = "Move private files left in the public media storage to the private storage."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, move nothing.")

    def handle(self, *args, dry_run=False, **options):
        moved = 0
        for model, field in _private_file_fields():
            rows = model._default_manager.exclude(**{field.name: ""}).only("pk", field.name)
            for row in rows.iterator():
                name = getattr(row, field.attname).name
                stored = _move(name, field.storage, dry_run)
                if stored is None:
                    continue
                moved += 1
                if stored != name:
                    model._default_manager.filter(pk=row.pk).update(**{field.attname: stored})
        for model in apps.get_models():
            if not issubclass(model, SubmissionBase):
                continue
            for row in model._default_manager.only("pk", "answers").iterator():
                answers, changed = dict(row.answers or {}), False
                for key, answer in answers.items():
                    if not isinstance(answer, dict) or not answer.get("path"):
                        continue
                    stored = _move(answer["path"], private, dry_run)
                    if stored is None:
                        continue
                    moved += 1
                    if stored != answer["path"]:
                        answers[key], changed = {**answer, "path": stored}, True
                if changed:
                    model._default_manager.filter(pk=row.pk).update(answers=answers)
        verb = "would move" if dry_run else "moved"
        self.stdout.write(f"{verb} {moved} private file(s) out of the public media storage")
