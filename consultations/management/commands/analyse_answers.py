"""Analyse free-text answers from a file, with the code the admin uses (no database).

    site/manage.py analyse_answers --input answers.json --output result.json

``answers.json`` is ``[{"id": ..., "text": ...}, ...]``. The result gives each id's detected
language ("" when unknown), the campaigns (identical or near-identical texts, at least
``--min-size`` answers, 5 by default as for a consultation) with their member ids (smaller
groups are listed apart as ``similar_answers``), and the topics (participation.analysis.topics,
as the admin computes them: per language, a campaign counting once) with their terms, member
ids and representative ids, and the answers left out of topics by reason (``topics_skipped``).
"""

import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from consultations.models import ConsultationPage
from participation.analysis.campaigns import group
from participation.analysis.languages import detect
from participation.analysis.topics import find_topics


class Command(BaseCommand):
    help = (
        "Detect the language of answers read from a JSON file, group them into campaigns and "
        "find their topics."
    )

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
        codes = detect(texts)
        found_topics = find_topics(
            zip(ids, texts, strict=True),
            languages=dict(zip(ids, codes, strict=True)),
            campaigns=[found.member_ids for found in campaigns],
        )
        result = {
            "languages": [{"id": i, "language": code} for i, code in zip(ids, codes, strict=True)],
            "campaigns": [
                {"id": found.id, "size": found.size, "member_ids": list(found.member_ids)}
                for found in campaigns
            ],
            "similar_answers": [
                {"id": found.id, "size": found.size, "member_ids": list(found.member_ids)}
                for found in groups
                if found.size < min_size
            ],
            "topics": [
                {
                    "label": topic.label,
                    "terms": list(topic.terms),
                    "size": topic.size,
                    "language": topic.language,
                    "languages": topic.languages,
                    "member_ids": list(topic.member_ids),
                    "representative_ids": list(topic.representative_ids),
                    "campaigns": [{"id": first, "size": size} for first, size in topic.campaigns],
                }
                for topic in found_topics.topics
            ],
            "topics_skipped": {
                reason: list(skipped) for reason, skipped in found_topics.skipped.items()
            },
        }
        Path(output).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(
            f"{len(answers)} answers, {len(campaigns)} campaigns, "
            f"{len(found_topics.topics)} topics: {output}"
        )
