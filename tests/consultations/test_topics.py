"""Topics of an open question (issue 19 point 2): the background run with its progress, the
editors' page and actions (accept, rename, merge, split, to tags), re-running keeping what was
accepted, the answers' accepted topics for cross-tabs, and the operators' command."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import topics as service
from consultations.models import Response, ResponseTag, Topic, TopicRun
from participation.questionnaire.structure import parse
from tests.participation.analysis.topics_data import multilingual_answers

pytestmark = pytest.mark.django_db

BAD = [("", ""), ("🙂🙂", ""), ("housing " * 625, "en")]


def _add(consultation, template, rows, start=0):
    question = parse(consultation.questionnaire).by_key["proposal"].id
    made = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            respondent_type="individual",
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
            receipt_number=f"T-{start + n}",
            answers={question: text},
            text_languages={question: language},
            questionnaire_snapshot=template.questionnaire_snapshot,
        )
        for n, (text, language) in enumerate(rows)
    )
    return question, made


@pytest.fixture
def answered(consultation, answer, make_user):
    """120 answers on housing, work and school in four languages, and three bad ones."""
    template = answer(make_user("first@example.org"), {})
    known = multilingual_answers()
    question, made = _add(
        consultation, template, [(text, language) for _i, text, language, _t in known] + BAD
    )
    truth = {response.pk: (k[2], k[3]) for response, k in zip(made, known, strict=False)}
    return question, made, truth


def _page(client, consultation, question):
    return client.get(f"/admin/consultations/{consultation.pk}/topics/", {"question": question})


def _post(client, consultation, question, **data):
    url = f"/admin/consultations/{consultation.pk}/topics/"
    return client.post(url, {"question": question, **data})


def _run(client, consultation, question, capture):
    with capture(execute=True):
        response = _post(client, consultation, question, action="run")
    assert response.status_code == 302
    return TopicRun.objects.get(consultation=consultation, question_id=question)


def test_topics_run_in_the_background_and_the_page_shows_them(
    client, editor, consultation, answered, django_capture_on_commit_callbacks
):
    question, made, truth = answered
    client.force_login(editor)
    assert "Compute the topics" in _page(client, consultation, question).content.decode()
    run = _run(client, consultation, question, django_capture_on_commit_callbacks)
    assert run.state == TopicRun.State.DONE and run.progress == 100
    assert run.started_at <= run.finished_at
    assert run.answers == 123
    assert run.skipped == {"empty": 1, "no_words": 1, "one_word": 1}
    topics = list(run.topics.all())
    assert 12 <= len(topics) <= 14
    for topic in topics:
        pairs = [truth[m] for m in topic.members]
        assert max(pairs.count(p) for p in set(pairs)) / len(pairs) >= 0.9
    body = _page(client, consultation, question).content.decode()
    first = topics[0]
    assert first.label in body and ", ".join(first.terms) in body
    assert "answers of a single word, however often repeated" in body
    representative = Response.objects.get(pk=first.representatives[0])
    assert representative.receipt_number in body
    assert 'http-equiv="refresh"' not in body


def test_topics_page_queries_do_not_grow_with_the_answers(
    client, editor, consultation, answered, django_capture_on_commit_callbacks
):
    question, made, _truth = answered
    client.force_login(editor)
    _run(client, consultation, question, django_capture_on_commit_callbacks)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert _page(client, consultation, question).status_code == 200
        return len(captured)

    before = queries()
    more = [(text, language) for _i, text, language, _t in multilingual_answers()]
    _add(consultation, made[0], more, start=1000)
    _run(client, consultation, question, django_capture_on_commit_callbacks)
    assert queries() == before


def test_topics_progress_is_shown_while_running_and_a_run_is_not_queued_twice(
    client, editor, consultation, answered, django_capture_on_commit_callbacks
):
    question, _made, _truth = answered
    TopicRun.objects.create(
        consultation=consultation, question_id=question, state="running", progress=40
    )
    client.force_login(editor)
    body = _page(client, consultation, question).content.decode()
    assert '<progress id="topics-progress" max="100" value="40">' in body
    assert '<meta http-equiv="refresh" content="3">' in body
    with (
        mock.patch("consultations.tasks.compute_topics") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _post(client, consultation, question, action="run")
    task.enqueue.assert_not_called()
    # A run its worker left "running" for half an hour is started again.
    TopicRun.objects.update(queued_at=timezone.now() - timedelta(hours=1))
    with (
        mock.patch("consultations.tasks.compute_topics") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _post(client, consultation, question, action="run")
    task.enqueue.assert_called_once()
    assert TopicRun.objects.get().state == TopicRun.State.QUEUED


def test_topics_a_failed_run_says_so(
    client, editor, consultation, answered, django_capture_on_commit_callbacks
):
    question, _made, _truth = answered
    client.force_login(editor)
    with mock.patch("consultations.topics.find_topics", side_effect=MemoryError("no memory")):
        run = _run(client, consultation, question, django_capture_on_commit_callbacks)
    assert run.state == TopicRun.State.FAILED and "no memory" in run.error
    body = _page(client, consultation, question).content.decode()
    assert "The topics could not be computed: no memory" in body


def test_topics_editors_accept_rename_merge_split_and_tag(
    client, editor, consultation, answered, django_capture_on_commit_callbacks
):
    question, _made, truth = answered
    client.force_login(editor)
    run = _run(client, consultation, question, django_capture_on_commit_callbacks)
    first, second, *_rest = run.topics.all()
    _post(client, consultation, question, action="accept", topic=first.pk)
    first.refresh_from_db()
    assert first.accepted
    _post(client, consultation, question, action="rename", topic=second.pk, label="  Rent  ")
    second.refresh_from_db()
    assert second.editor_label == "Rent" and second.name == "Rent" and second.accepted
    members = set(first.members) | set(second.members)
    _post(client, consultation, question, action="merge", topic=first.pk, other=second.pk)
    merged = Topic.objects.get(pk=first.pk)
    assert set(merged.members) == members and merged.size == len(members)
    assert merged.editor_label == "Rent" and not Topic.objects.filter(pk=second.pk).exists()
    # Split the merged topic: two topics again, holding all its answers.
    response = _post(client, consultation, question, action="split", topic=merged.pk)
    assert response.status_code == 302
    parts = list(run.topics.exclude(pk__in=[t.pk for t in _rest]))
    assert len(parts) == 2 and set(parts[0].members) | set(parts[1].members) == members
    for part in parts:
        pairs = [truth[m] for m in part.members]
        assert max(pairs.count(p) for p in set(pairs)) / len(pairs) >= 0.9
    # To tags, in bulk: every answer of both parts tagged with its topic's name.
    _post(client, consultation, question, action="rename", topic=parts[0].pk, label="Housing")
    _post(client, consultation, question, action="tags", topics=[parts[0].pk, parts[1].pk])
    tagged = ResponseTag.objects.filter(content_object_id__in=members)
    assert tagged.count() == len(members)
    assert set(
        tagged.filter(tag__name="Housing").values_list("content_object_id", flat=True)
    ) == set(parts[0].members)
    # Twice is harmless; a stale or forged topic gets a message, not a 500.
    _post(client, consultation, question, action="tags", topics=[parts[0].pk])
    assert tagged.count() == len(members)
    response = _post(client, consultation, question, action="merge", topic=999999, other=1)
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "That topic no longer exists" in body


def test_topics_computed_again_keep_what_editors_accepted(
    client, editor, consultation, answered, django_capture_on_commit_callbacks
):
    question, made, _truth = answered
    client.force_login(editor)
    run = _run(client, consultation, question, django_capture_on_commit_callbacks)
    chosen = run.topics.first()
    service.rename(chosen, "Logement")
    other = run.topics.exclude(pk=chosen.pk).first()
    service.accept(other)
    # A topic an editor made that the method would not find stays as it was.
    merged = service.merge(
        run.topics.filter(accepted=False).first(), run.topics.filter(accepted=False).last()
    )
    service.accept(merged)
    more = [(text, language) for _i, text, language, _t in multilingual_answers()[:30]]
    _add(consultation, made[0], more, start=1000)
    run = _run(client, consultation, question, django_capture_on_commit_callbacks)
    accepted = {topic.pk: topic for topic in run.topics.filter(accepted=True)}
    assert {chosen.pk, other.pk, merged.pk} <= set(accepted)
    assert accepted[chosen.pk].name == "Logement" and accepted[other.pk].name == other.name

    def kept(before):
        after = set(accepted[before.pk].members)
        return len(set(before.members) & after) / len(before.members)

    # Each holds its answers as computed again (the merged one both halves found again).
    assert kept(chosen) >= 0.8 and kept(other) >= 0.8 and kept(merged) >= 0.8
    assert list(run.topics.all())[: len(accepted)] == [t for t in run.topics.all() if t.accepted]
    assert run.topics.count() > len(accepted)
    # Each answer's accepted topics, for cross-tabs.
    topics_of = service.accepted_topics(consultation.pk)
    assert all("Logement" in topics_of[m] for m in accepted[chosen.pk].members)
    assert service.accepted_topics(consultation.pk, "other-question") == {}
    # And in the cross-tab page: accepted topics by respondent type.
    from consultations.crosstabs import crosstab

    table = crosstab(consultation.pk, "respondent_type", "topics")
    by_topic = {row: total for row, _cells, total in table.rows}
    assert by_topic["Logement"] == len(set(accepted[chosen.pk].members))
    page = client.get(f"/admin/consultations/{consultation.pk}/crosstab/?rows=topics")
    assert page.status_code == 200 and "Logement" in page.content.decode()
    # And in the XLSX export: a sheet per grouping.
    import io

    from openpyxl import load_workbook

    export = client.get(f"/admin/consultations/{consultation.pk}/responses.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
    sheet = workbook["Topics by Respondent type"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Logement"] == by_topic["Logement"]


def test_topics_only_for_the_consultations_editors(client, make_user, consultation):
    client.force_login(make_user("stranger@example.org", is_staff=True))
    response = client.get(f"/admin/consultations/{consultation.pk}/topics/")
    assert response.status_code in (302, 403)


def test_topics_in_the_analyse_answers_command(tmp_path):
    from django.core.management import call_command

    known = multilingual_answers()
    letter = "Rent is too high: the city must build social housing for families now."
    answers = [{"id": i, "text": text} for i, text, _l, _t in known]
    answers += [{"id": f"c{n}", "text": letter} for n in range(6)]
    answers += [{"id": "empty", "text": ""}, {"id": "emoji", "text": "🙂"}]
    source, target = tmp_path / "answers.json", tmp_path / "result.json"
    source.write_text(json.dumps(answers), encoding="utf-8")
    call_command("analyse_answers", input=str(source), output=str(target))
    result = json.loads(target.read_text(encoding="utf-8"))
    topics = result["topics"]
    assert 12 <= len(topics) <= 15
    for topic in topics:
        assert topic["terms"] and set(topic["representative_ids"]) <= set(topic["member_ids"])
    holding = next(t for t in topics if "c0" in t["member_ids"])
    assert holding["campaigns"] == [{"id": "c0", "size": 6}]
    assert result["topics_skipped"] == {"empty": ["empty"], "no_words": ["emoji"]}
    placed = sorted(str(m) for t in topics for m in t["member_ids"])
    assert len(placed) == len(set(placed)) == len(known) + 6
