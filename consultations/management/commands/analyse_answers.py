"""Analyse free-text answers from a file, with the code the admin uses (no database).

    site/manage.py analyse_answers --input answers.json --output result.json

``answers.json`` is ``[{"id": ..., "text": ...}, ...]``. The result gives each id's detected
language ("" when unknown) and the campaigns (identical or near-identical texts, at least
``--min-size`` answers, 5 by default as for a consultation) with their member ids; smaller
groups are listed apart as ``similar_answers``. Topics (issue 19, point 2) are not computed yet.
"""

import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from consultations.models import ConsultationPage
from participation.analysis.campaigns import group
from participation.analysis.languages import detect


class Command(BaseCommand):
    help = "Detect the language of answers read from a JSON file and group them into campaigns."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help='JSON: [{"id": ..., "text": ...}]')
        parser.add_argument("--output", required=True, help="where the JSON result is written")
        parser.add_argument("--threshold", type=float, default=0.8, help="campaign similarity")
        parser.add_argument(
            "--min-size",
            type=int,
            default=ConsultationPage._meta.get_field("campaign_min_size").default,
            help="answers from which a group is a campaign (smaller: similar answers)",
        )

    def handle(self, *args, input, output, threshold, min_size, **options):
        if min_size < 2:
            raise CommandError("--min-size must be at least 2.")
        try:
            answers = json.loads(Path(input).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {input}: {error}") from error
        if not isinstance(answers, list) or not all(
            isinstance(a, dict)
            and isinstance(a.get("id"), str | int)
            and not isinstance(a.get("id"), bool)
            and isinstance(a.get("text"), str)
            for a in answers
        ):
            raise CommandError(f'{input} must be a list of {{"id": ..., "text": "..."}} objects.')
        ids = [answer["id"] for answer in answers]
        if len(set(ids)) != len(ids):
            raise CommandError(f"{input}: every id must be unique.")
        texts = [answer["text"] for answer in answers]
        groups = group(zip(ids, texts, strict=True), threshold=threshold)
        campaigns = [found for found in groups if found.size >= min_size]
        result = {
            "languages": [
                {"id": i, "language": code} for i, code in zip(ids, detect(texts), strict=True)
            ],
            "campaigns": [
                {"id": found.id, "size": found.size, "member_ids": list(found.member_ids)}
                for found in campaigns
            ],
            "similar_answers": [
                {"id": found.id, "size": found.size, "member_ids": list(found.member_ids)}
                for found in groups
                if found.size < min_size
            ],
        }
        Path(output).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(f"{len(answers)} answers, {len(campaigns)} campaigns: {output}")
