"""Consultations in the read API (consultations/api.py): the same answers, counts and outcome as
the public pages, through the same functions; constant queries as answers grow; pagination,
filters, translations."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from consultations import services
from consultations.demo_questionnaire import qid
from consultations.models import ConsultationPage, OutcomeItem, Response
from participation.questionnaire.export import snapshot
from participation.questionnaire.structure import parse
from themes.models import Theme

pytestmark = pytest.mark.django_db
API = "/api/v2/consultations/"
APPLIED, PROPOSAL, PRIORITIES = qid("applied"), qid("proposal"), qid("priorities")


def _many(page, n, start=0, **fields):
    """``n`` approved, anonymous answers inserted in bulk and counted, as the bench does."""
    snap = snapshot(parse(page.questionnaire))
    now = timezone.now()
    Response.objects.bulk_create(
        [
            Response(
                consultation=page,
                respondent_type="individual",
                status=Response.Status.SUBMITTED,
                moderation=Response.Moderation.APPROVED,
                publication=Response.Publication.ANONYMOUS,
                answers={APPLIED: i % 3 == 0, PROPOSAL: f"Proposal {i}"},
                questionnaire_snapshot=snap,
                receipt_number=f"CONS-B{i:06d}",
                submitted_at=now + timedelta(seconds=i),
                **fields,
            )
            for i in range(start, start + n)
        ]
    )
    services.count_added(Response.objects.filter(consultation=page, receipt_number__gte="CONS-B"))


def _queries(client, url) -> int:
    assert client.get(url).status_code == 200  # warm: caches filled
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _publish_outcome(page, receipts=""):
    OutcomeItem.objects.create(
        page=page, title="Step one", question_keys="applied", receipts=receipts
    )
    ConsultationPage.objects.filter(pk=page.pk).update(
        publish_outcome=True, outcome_published_at=timezone.now()
    )


def test_api_queries_do_not_grow_with_answers(client, consultation):
    _many(consultation, 3)
    _publish_outcome(consultation, "CONS-B000001")
    urls = [
        f"{API}{consultation.pk}/answers/?limit=50",
        f"{API}{consultation.pk}/what-we-heard/",
        f"{API}{consultation.pk}/outcome/",
        f"{API}{consultation.pk}/",
        f"{API}?fields=*",
    ]
    few = {url: _queries(client, url) for url in urls}
    _many(consultation, 120, start=3)
    many = {url: _queries(client, url) for url in urls}
    assert many == few
    assert max(few.values()) <= 8, few
    assert client.get(urls[0]).json()["meta"]["total_count"] == 123


def test_api_answers_are_paginated_in_submission_order(client, consultation):
    _many(consultation, 5)
    first = client.get(f"{API}{consultation.pk}/answers/?limit=2").json()
    assert first["meta"]["total_count"] == 5 and first["meta"]["previous"] is None
    texts = [a["answers"][-1]["text"] for a in first["items"]]
    assert texts == ["Proposal 0", "Proposal 1"]
    second = client.get(first["meta"]["next"]).json()
    assert [a["answers"][-1]["text"] for a in second["items"]] == ["Proposal 2", "Proposal 3"]
    last = client.get(f"{API}{consultation.pk}/answers/?limit=2&offset=4").json()
    assert len(last["items"]) == 1 and last["meta"]["next"] is None
    assert "offset=2" in last["meta"]["previous"]
    past = client.get(f"{API}{consultation.pk}/answers/?offset=500").json()
    assert past["items"] == [] and past["meta"]["total_count"] == 5


def test_api_published_answers_are_the_pages_own(client, consultation, answer, make_user):
    """Consent, moderation and redaction as on the published answers page."""
    answer(
        make_user("n@example.org", display_name="Nadia"), {PROPOSAL: "Mine"}, moderation="approved"
    )
    answer(
        make_user("a@example.org", display_name="Hidden"),
        {PROPOSAL: "Anon"},
        publication="anonymous",
        moderation="approved",
    )
    answer(
        make_user("p@example.org"),
        {PROPOSAL: "Private"},
        publication="private",
        moderation="approved",
    )
    answer(make_user("m@example.org"), {PROPOSAL: "Waiting"})
    items = client.get(f"{API}{consultation.pk}/answers/").json()["items"]
    assert [(i["author"], i["answers"][0]["text"]) for i in items] == [
        ("Nadia", "Mine"),
        (None, "Anon"),
    ]
    html = client.get(consultation.url + "responses/").content.decode()
    assert "Nadia" in html and "Anon" in html and "Private" not in html and "Waiting" not in html


def test_api_what_we_heard_gives_the_summarys_counts(client, consultation, answer, make_user):
    answer(make_user("a@example.org"), {APPLIED: True, PRIORITIES: {"choices": ["time", "cost"]}})
    answer(make_user("b@example.org"), {APPLIED: False, PRIORITIES: {"choices": ["cost"]}})
    data = client.get(f"{API}{consultation.pk}/what-we-heard/").json()
    assert data["meta"]["totals"] == {"responses": 2, "organisations": 0, "individuals": 2}
    by_key = {q["key"]: q for q in data["items"]}
    applied = {o["value"]: (o["count"], o["percent"]) for o in by_key["applied"]["options"]}
    assert applied == {"yes": (1, 50), "no": (1, 50)}
    rows = services.summary_rows(consultation, services.what_we_heard(consultation))
    expected = {
        row["question"].id: [(o["value"], o["count"]) for o in row["options"]] for row in rows
    }
    assert {
        q["question"]: [(o["value"], o["count"]) for o in q["options"]] for q in data["items"]
    } == expected
    assert data["meta"]["by_country"] == [{"country": "DE", "name": "Germany", "count": 2}]


def test_api_outcome_only_once_published_with_its_published_receipts(
    client, consultation, answer, make_user
):
    shown = answer(make_user("a@example.org"), {APPLIED: True}, moderation="approved")
    hidden = answer(make_user("b@example.org"), {APPLIED: True}, publication="private")
    assert client.get(f"{API}{consultation.pk}/outcome/").status_code == 404
    assert client.get(f"{API}{consultation.pk}/").json()["links"]["outcome"] is None
    _publish_outcome(consultation, f"{shown.receipt_number}\n{hidden.receipt_number}")
    items = client.get(f"{API}{consultation.pk}/outcome/").json()["items"]
    assert items[0]["title"] == "Step one" and items[0]["answers"] == 2
    assert items[0]["published_receipts"] == [shown.receipt_number]
    assert items[0]["questions"] == [
        "Have you applied for recognition of a qualification in the EU?"
    ]
    assert client.get(f"{API}{consultation.pk}/").json()["links"]["outcome"].endswith("/outcome/")


def test_api_detail_describes_the_questions(client, consultation):
    data = client.get(f"{API}{consultation.pk}/").json()
    questions = parse(consultation.questionnaire).questions
    assert [q["id"] for q in data["questions"]] == [q.id for q in questions]
    outcome = next(q for q in data["questions"] if q["key"] == "outcome")
    assert outcome["show_if"] == {"key": "applied", "operator": "equals", "value": "yes"}
    assert {"value": "full", "label": "Fully recognised"} in outcome["options"]
    assert data["state"] == "open" and data["meta"]["licence"] == "CC-BY-4.0"
    # The listing shows the default fields, not the questions.
    listed = client.get(API).json()["items"][0]
    assert "questions" not in listed and listed["state"] == "open"


def test_api_filters_consultations_by_state_and_theme(client, consultation):
    education = Theme.objects.get(locale=Locale.get_default(), slug="education-and-training")
    consultation.themes.set([education])
    consultation.save_revision().publish()
    index = consultation.get_parent()
    past = index.add_child(
        instance=ConsultationPage(
            title="Past",
            slug="past",
            intro="x",
            opens_at=timezone.now() - timedelta(days=9),
            closes_at=timezone.now() - timedelta(days=2),
        )
    )
    past.save_revision().publish()

    def ids(query):
        return [c["id"] for c in client.get(f"{API}?{query}").json()["items"]]

    assert ids("") == [consultation.pk, past.pk]
    assert ids("state=open") == [consultation.pk]
    assert ids("state=closed") == [past.pk]
    assert ids("state=outcome") == []
    assert ids("theme=education-and-training") == [consultation.pk]
    assert ids("theme=health") == []
    assert ids("order=-title") == [consultation.pk, past.pk]
    themes = client.get(f"{API}{consultation.pk}/").json()["themes"]
    assert themes == [{"slug": "education-and-training", "name": education.name}]


def test_api_translation_in_its_language_with_the_originals_answers(
    client, consultation, answer, make_user
):
    answer(
        make_user("a@example.org", display_name="Ana"), {PROPOSAL: "Bonjour"}, moderation="approved"
    )
    french = Locale.objects.get_or_create(language_code="fr")[0]
    copy = consultation.copy_for_translation(french, copy_parents=True)
    translated = ConsultationPage.objects.get(pk=copy.pk)
    translated.title = "Reconnaissance"
    translated.save_revision().publish()
    listed = client.get(f"{API}?locale=fr").json()["items"]
    assert [(c["id"], c["title"], c["meta"]["locale"]) for c in listed] == [
        (translated.pk, "Reconnaissance", "fr")
    ]
    assert listed[0]["state"] == "open"
    items = client.get(f"{API}{translated.pk}/answers/").json()["items"]
    assert items[0]["author"] == "Ana" and items[0]["answers"][0]["text"] == "Bonjour"
    heard = client.get(f"{API}{translated.pk}/what-we-heard/").json()
    assert heard["meta"]["totals"]["responses"] == 1
    yes_no = next(q for q in heard["items"] if q["type"] == "yes_no")
    assert [o["label"] for o in yes_no["options"]] == ["Oui", "Non"]
    # A translation of a restricted original is not public either.
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=consultation, restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(f"{API}{translated.pk}/answers/").status_code == 404
    assert client.get(f"{API}?locale=fr").json()["items"] == []


def test_api_kept_answers_follow_moderation_and_consent(client, consultation):
    """A page of answers is kept in the cache per version of the answers: a moderation or a
    change of consent shows at once."""
    _many(consultation, 3)
    url = f"{API}{consultation.pk}/answers/"

    def texts():
        return [i["answers"][-1]["text"] for i in client.get(url).json()["items"]]

    assert texts() == ["Proposal 0", "Proposal 1", "Proposal 2"]
    first = Response.objects.filter(consultation=consultation, receipt_number="CONS-B000000")
    services.update_responses(first, moderation=Response.Moderation.REJECTED)
    assert texts() == ["Proposal 1", "Proposal 2"]
    second = Response.objects.filter(consultation=consultation, receipt_number="CONS-B000001")
    services.update_responses(second, publication=Response.Publication.PRIVATE)
    assert texts() == ["Proposal 2"]
    assert client.get(url).json()["meta"]["total_count"] == 1


def test_api_answers_by_channel_and_counts_per_channel(client, consultation):
    _many(consultation, 5)
    last_two = Response.objects.filter(receipt_number__in=["CONS-B000003", "CONS-B000004"])
    services.update_responses(last_two, channel=Response.Channel.PAPER)  # counted again
    url = f"{API}{consultation.pk}/answers/"
    everything = client.get(url).json()
    assert [item["channel"] for item in everything["items"]] == ["online"] * 3 + ["paper"] * 2
    paper = client.get(url, {"channel": "paper"}).json()
    assert paper["meta"]["total_count"] == 2
    assert {item["channel"] for item in paper["items"]} == {"paper"}
    assert client.get(url, {"channel": "workshop"}).json()["meta"]["total_count"] == 0
    forged = client.get(url, {"channel": "owl"})
    assert forged.status_code == 400 and "channel must be one of" in forged.json()["message"]
    heard = client.get(f"{API}{consultation.pk}/what-we-heard/").json()["meta"]
    assert sorted(heard["by_channel"], key=lambda row: row["channel"]) == [
        {"channel": "online", "name": "Online", "count": 3},
        {"channel": "paper", "name": "Paper", "count": 2},
    ]
