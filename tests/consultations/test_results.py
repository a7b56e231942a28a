import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import services
from consultations.demo_questionnaire import qid
from consultations.models import ConsultationPage, Redaction

pytestmark = pytest.mark.django_db
APPLIED, OUTCOME, PRIORITIES, PROPOSAL = (
    qid("applied"),
    qid("outcome"),
    qid("priorities"),
    qid("proposal"),
)


def test_what_we_heard_counts_options_by_respondent_type(
    client, consultation, answer, make_user, make_organisation
):
    people = [make_user(f"p{n}@example.org") for n in range(4)]
    organisation = make_organisation(people[3], name="Voices")
    answer(
        people[0],
        {APPLIED: True, OUTCOME: {"choice": "partial"}, PRIORITIES: {"choices": ["time", "cost"]}},
    )
    answer(
        people[1],
        {APPLIED: True, OUTCOME: {"choice": "refused"}, PRIORITIES: {"choices": ["time"]}},
    )
    answer(
        people[2], {APPLIED: False, PRIORITIES: {"choices": ["language"], "other": "Sign language"}}
    )
    answer(
        people[3],
        {APPLIED: True, OUTCOME: {"other": "Lost"}, PRIORITIES: {"choices": ["time"]}},
        organisation,
    )

    heard = services.what_we_heard(consultation)
    assert heard["totals"] == {"responses": 4, "organisations": 1, "individuals": 3}
    rows = {row["question"].id: row for row in services.summary_rows(consultation, heard)}
    applied = {o["value"]: (o["count"], o["percent"]) for o in rows[APPLIED]["options"]}
    assert applied == {"yes": (3, 75), "no": (1, 25)}
    priorities = {o["value"]: o for o in rows[PRIORITIES]["options"]}
    assert priorities["time"]["count"] == 3
    assert priorities["time"]["individual"] == 2 and priorities["time"]["organisation"] == 1
    assert priorities["__other__"]["count"] == 1
    outcome = {o["value"]: o["count"] for o in rows[OUTCOME]["options"]}
    assert outcome["partial"] == 1 and outcome["__other__"] == 1

    html = client.get(consultation.url + "what-we-heard/").content.decode()
    assert "What we heard" in html and "Shorter waiting times" in html and "75%" in html
    # Issue 18.2: on a phone each table scrolls inside its own labelled, focusable region.
    import re

    tables = html.count("<table")
    regions = re.findall(
        r'<div class="table-scroll" role="region" tabindex="0" aria-label="[^"]+"><table', html
    )
    assert tables >= 2 and len(regions) == tables


def test_withdrawn_answers_no_longer_count(consultation, answer, user):
    done = answer(user, {APPLIED: True})
    services.withdraw_response(done, user)
    heard = services.what_we_heard(consultation)
    assert heard["totals"]["responses"] == 0 and heard["questions"] == {}


def test_summary_query_count_does_not_grow_with_responses(client, consultation, answer, make_user):
    answer(make_user("first@example.org"), {APPLIED: True, PRIORITIES: {"choices": ["time"]}})
    url = consultation.url + "what-we-heard/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(15):
        answer(
            make_user(f"more{n}@example.org"),
            {APPLIED: n % 2 == 0, PRIORITIES: {"choices": ["cost"]}},
        )
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_published_answers_follow_consent_moderation_and_redaction(
    client, consultation, answer, make_user, make_organisation
):
    named = answer(
        make_user("named@example.org", display_name="Nadia"),
        {PROPOSAL: "Named proposal"},
        moderation="approved",
    )
    anonymous = answer(
        make_user("anon@example.org", display_name="Hidden Person"),
        {PROPOSAL: "Call me at 0170 1234567"},
        publication="anonymous",
        moderation="approved",
    )
    answer(
        make_user("private@example.org"),
        {PROPOSAL: "Private text"},
        publication="private",
        moderation="approved",
    )
    answer(make_user("pending@example.org"), {PROPOSAL: "Not yet moderated"})
    answer(make_user("spam@example.org"), {PROPOSAL: "Buy now"}, moderation="approved", spam=True)
    Redaction.objects.create(
        response=anonymous,
        question_id=PROPOSAL,
        redacted_text="Call me at [phone number removed]",
        reason="personal data",
    )

    html = client.get(consultation.url + "responses/").content.decode()
    assert "Nadia" in html and "Named proposal" in html
    assert "Anonymous" in html and "[phone number removed]" in html
    assert "0170 1234567" not in html and "Hidden Person" not in html
    for hidden in ["Private text", "Not yet moderated", "Buy now"]:
        assert hidden not in html
    assert named.pk


def test_erasing_personal_data_keeps_answers_and_consent(consultation, answer, make_user):
    named = answer(make_user("a@example.org"), {PROPOSAL: "Keep me"}, moderation="approved")
    private = answer(make_user("b@example.org"), {PROPOSAL: "Private"}, publication="private")
    services.erase_personal_data(consultation)
    named.refresh_from_db()
    private.refresh_from_db()
    assert named.user is None and named.country == "" and named.personal_data_erased_at
    assert named.publication == "anonymous" and named.answers[PROPOSAL] == "Keep me"
    assert private.publication == "private"


def test_consultation_page_query_count_does_not_grow_with_responses(
    client, consultation, answer, make_user
):
    answer(make_user("first@example.org"), {APPLIED: True})
    client.get(consultation.url)
    with CaptureQueriesContext(connection) as few:
        client.get(consultation.url)
    for n in range(15):
        answer(make_user(f"more{n}@example.org"), {APPLIED: True})
    with CaptureQueriesContext(connection) as many:
        client.get(consultation.url)
    assert len(many) == len(few)


def test_retention_command_erases_only_due_consultations(consultation, answer, user):
    from datetime import date

    from django.core.management import call_command

    done = answer(user, {APPLIED: True})
    call_command("erase_expired_personal_data")
    done.refresh_from_db()
    assert done.user == user
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        erase_personal_data_on=date(2020, 1, 1)
    )
    call_command("erase_expired_personal_data")
    done.refresh_from_db()
    assert done.user is None and done.personal_data_erased_at


def test_cached_summary_follows_new_answers(consultation, answer, make_user, user):
    answer(make_user("a@example.org"), {APPLIED: True})
    assert services.what_we_heard(consultation)["totals"]["responses"] == 1  # now cached
    second = answer(make_user("b@example.org"), {APPLIED: False})
    assert services.what_we_heard(consultation)["totals"]["responses"] == 2
    services.withdraw_response(second, second.user)
    assert services.what_we_heard(consultation)["totals"]["responses"] == 1
