"""Topics of a consultation's open questions (issue 19, point 2): the Django side of
``participation.analysis.topics``.

An editor starts a run for one question (:func:`start`); a task on the ``analysis`` queue
computes it (:func:`compute`), writing its progress on the run as it goes, so the admin page
shows it. The answers of one campaign (the campaign groups found by "Detect campaigns") count
once. Editors then accept, rename, merge and split topics and turn them into analysis tags in
bulk; computing again keeps what they accepted: a new topic that shares most of its answers
(or of its top terms) with an accepted one takes its place, label and acceptance, and an
accepted topic nothing matches stays as it was.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from participation.analysis.topics import REPRESENTATIVES, find_topics
from participation.questionnaire.structure import parse

from .models import Response, ResponseTag, Topic, TopicRun

logger = logging.getLogger(__name__)

TEXT_TYPES = {"short_text", "long_text"}
STALE = timedelta(minutes=30)  # a run "running" this long lost its worker: it may start again
MATCH_MEMBERS = 0.5  # share of a new topic's answers an accepted topic holds to take it in
MATCH_TERMS = 3  # or this many shared terms among the first five
COMPUTED = ["terms", "members", "representatives", "size", "units", "language", "languages"]
COMPUTED += ["campaigns"]
TAGGED_BATCH = 500


def open_questions(consultation) -> list:
    """The free-text questions of a consultation (a translation's are its original's)."""
    page = consultation.submissions_page()
    if not page.questionnaire:
        return []
    return [q for q in parse(page.questionnaire).questions if q.type in TEXT_TYPES]


def counted_answers(consultation_id: int):
    return Response.objects.filter(
        consultation_id=consultation_id, status=Response.Status.SUBMITTED, spam=False
    )


def answers_to(consultation_id: int, question_id: str, ids=None):
    """(pk, text, language, campaign) of the counted answers to one question, streamed."""
    rows = counted_answers(consultation_id)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    rows = rows.annotate(text=KeyTransform(question_id, "answers")).order_by("pk")
    for pk, text, languages, campaign in rows.values_list(
        "pk", "text", "text_languages", "campaign"
    ).iterator(2000):
        if isinstance(text, str):
            yield pk, text, (languages or {}).get(question_id, ""), campaign


def _compute(consultation_id: int, question_id: str, ids=None, **options):
    texts, languages, campaigns = [], {}, defaultdict(list)
    for pk, text, language, campaign in answers_to(consultation_id, question_id, ids):
        texts.append((pk, text))
        languages[pk] = language
        if campaign:
            campaigns[campaign].append(pk)
    return find_topics(texts, languages=languages, campaigns=campaigns.values(), **options)


def start(consultation, question_id: str) -> TopicRun:
    """Queue a run for a question (none while one is already queued or running)."""
    from .tasks import compute_topics

    page = consultation.submissions_page()
    with transaction.atomic():
        run, _created = TopicRun.objects.select_for_update().get_or_create(
            consultation=page, question_id=question_id
        )
        busy = run.state in (TopicRun.State.QUEUED, TopicRun.State.RUNNING)
        if busy and not _created and timezone.now() - run.queued_at < STALE:
            return run
        run.state, run.progress, run.error = TopicRun.State.QUEUED, 0, ""
        run.queued_at, run.started_at, run.finished_at = timezone.now(), None, None
        run.save()
    transaction.on_commit(lambda: compute_topics.enqueue(run.pk))
    return run


def _rows(run: TopicRun, found) -> list[Topic]:
    return [
        Topic(
            run=run,
            label=topic.label[:255],
            terms=list(topic.terms),
            members=list(topic.member_ids),
            representatives=list(topic.representative_ids),
            size=topic.size,
            units=topic.units,
            language=topic.language,
            languages=topic.languages,
            campaigns=[list(pair) for pair in topic.campaigns],
        )
        for topic in found
    ]


def _combine(target: Topic, parts: list[Topic]) -> Topic:
    """``target`` holding the answers of ``parts`` (its names and acceptance unchanged)."""
    members, seen = [], set()
    for part in parts:
        members += [m for m in part.members if m not in seen]
        seen.update(part.members)
    languages = defaultdict(int)
    for part in parts:
        for code, n in part.languages.items():
            languages[code] += n
    target.members, target.size = members, len(members)
    target.units = sum(part.units for part in parts)
    target.terms = _interleave(*(part.terms for part in parts), limit=10)
    target.representatives = _interleave(
        *(part.representatives for part in parts), limit=REPRESENTATIVES
    )
    target.languages = dict(languages)
    target.campaigns = [pair for part in parts for pair in part.campaigns]
    found = {part.language for part in parts}
    target.language = found.pop() if len(found) == 1 else ""
    return target


def _keep_accepted(run: TopicRun, new: list[Topic]) -> tuple[list[Topic], list[Topic]]:
    """(the accepted topics, updated; the new topics that are not theirs). A new topic most of
    whose answers (or three of its first five terms) an accepted topic holds is taken into it:
    the accepted topic keeps its name and holds the answers as computed now, so one that an
    editor merged takes both halves found again. An accepted topic nothing matches stays."""
    accepted = list(run.topics.filter(accepted=True).order_by("position", "pk"))
    held = [(set(old.members), set(old.terms[:5])) for old in accepted]
    taken = defaultdict(list)
    rest = []
    for topic in new:
        members, terms = set(topic.members), set(topic.terms[:5])
        best, score = None, (0.0, 0)
        for index, (old_members, old_terms) in enumerate(held):
            candidate = (len(members & old_members) / len(members), len(terms & old_terms))
            if (candidate[0] >= MATCH_MEMBERS or candidate[1] >= MATCH_TERMS) and (
                candidate > score
            ):
                best, score = index, candidate
        if best is None:
            rest.append(topic)
        else:
            taken[best].append(topic)
    for index, parts in taken.items():
        _combine(accepted[index], parts)
    return accepted, rest


def compute(run_id: int) -> int:
    """Compute a run's topics, with its progress on the run; returns the number of topics. A
    failure is written on the run (state "failed" and the error), never left "running"."""
    run = TopicRun.objects.get(pk=run_id)
    TopicRun.objects.filter(pk=run.pk).update(
        state=TopicRun.State.RUNNING, started_at=timezone.now(), progress=0
    )
    shown = [0]

    def progress(share: float) -> None:
        percent = min(99, int(share * 100))
        if percent >= shown[0] + 5:  # a write every 5 %, not every step
            shown[0] = percent
            TopicRun.objects.filter(pk=run.pk).update(progress=percent)

    try:
        result = _compute(run.consultation_id, run.question_id, progress=progress)
        with transaction.atomic():
            kept, new = _keep_accepted(run, _rows(run, result.topics))
            run.topics.exclude(pk__in=[topic.pk for topic in kept]).delete()
            new.sort(key=lambda topic: -topic.size)
            for position, topic in enumerate([*kept, *new]):
                topic.position = position
            Topic.objects.bulk_create(new)
            Topic.objects.bulk_update(kept, [*COMPUTED, "position"])
            TopicRun.objects.filter(pk=run.pk).update(
                state=TopicRun.State.DONE,
                progress=100,
                finished_at=timezone.now(),
                answers=result.answers,
                skipped=result.skipped_counts,
                notes=list(result.notes),
                error="",
            )
        return len(new)
    except Exception as error:
        logger.exception("Topics of run %s failed", run.pk)
        TopicRun.objects.filter(pk=run.pk).update(
            state=TopicRun.State.FAILED, finished_at=timezone.now(), error=str(error)[:1000]
        )
        return 0


# --- editors' actions ---------------------------------------------------------------------


def accept(topic: Topic, accepted: bool = True) -> None:
    Topic.objects.filter(pk=topic.pk).update(accepted=accepted)


def rename(topic: Topic, label: str) -> None:
    """The editor's label (an accepted topic keeps it when computed again); empty: the
    computed one again."""
    label = " ".join(label.split())[:100]
    Topic.objects.filter(pk=topic.pk).update(
        editor_label=label, accepted=bool(label) or topic.accepted
    )


def _interleave(*lists, limit: int) -> list:
    out = []
    for values in zip(*lists, strict=False):
        for value in values:
            if value not in out:
                out.append(value)
    for values in lists:
        for value in values:
            if value not in out:
                out.append(value)
    return out[:limit]


@transaction.atomic
def merge(topic: Topic, other: Topic) -> Topic:
    """One topic of two: ``other``'s answers join ``topic`` (whose label is kept, or
    ``other``'s editor's label when only it has one)."""
    if topic.run_id != other.run_id or topic.pk == other.pk:
        raise ValueError("Only two topics of one question can be merged.")
    _combine(topic, [Topic(**{field: getattr(topic, field) for field in COMPUTED}), other])
    topic.editor_label = topic.editor_label or other.editor_label
    topic.accepted = topic.accepted or other.accepted
    topic.save()
    other.delete()
    return topic


@transaction.atomic
def split(topic: Topic) -> list[Topic]:
    """Two topics of one: its answers computed again into two topics (an empty list when they
    cannot be told apart; the topic is then left as it is). Answers no longer counted (spam,
    withdrawn) or that share no word with the others are in neither part."""
    run = topic.run
    result = _compute(
        run.consultation_id, run.question_id, ids=topic.members, n_topics=2, per_language=False
    )
    if len(result.topics) < 2:
        return []
    parts = _rows(run, result.topics)
    for part in parts:
        part.position = topic.position
    topic.delete()
    return Topic.objects.bulk_create(parts)


def to_tags(topics: list[Topic]) -> int:
    """Each topic's name as an analysis tag on its answers (those still counted); returns the
    number of tags added."""
    from taggit.models import Tag

    added = 0
    for topic in topics:
        name = topic.name[:100]
        tag = Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)
        for start in range(0, len(topic.members), TAGGED_BATCH):
            chunk = topic.members[start : start + TAGGED_BATCH]
            live = set(
                counted_answers(topic.run.consultation_id)
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
            tagged = set(
                ResponseTag.objects.filter(tag=tag, content_object_id__in=live).values_list(
                    "content_object_id", flat=True
                )
            )
            new = [ResponseTag(tag=tag, content_object_id=pk) for pk in sorted(live - tagged)]
            ResponseTag.objects.bulk_create(new)
            added += len(new)
    return added


def accepted_topics(consultation_id: int, question_id: str | None = None) -> dict[int, list[str]]:
    """Each answer's accepted topics (response id -> topic names), for cross-tabs: one query."""
    topics = Topic.objects.filter(run__consultation_id=consultation_id, accepted=True)
    if question_id is not None:
        topics = topics.filter(run__question_id=question_id)
    found = defaultdict(list)
    for label, editor_label, members in topics.order_by("run_id", "position", "pk").values_list(
        "label", "editor_label", "members"
    ):
        for member in members:
            found[member].append(editor_label or label)
    return dict(found)
