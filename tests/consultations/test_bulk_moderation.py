"""One moderation decision for every answer the moderation list shows (consultations.moderation,
issue 21's "a moderation decision on 100,000 answers at once"; the bench times 100,000)."""

import random

import pytest
from test_counts import _add_answers, assert_counts_right

from consultations import moderation, services
from consultations.models import ConsultationPage, Response
from participation.audit.models import AuditEvent

INDEX = "/admin/consultations/responses/"


@pytest.fixture
def answers(consultation):
    _add_answers(consultation, 30, random.Random(3))
    return Response.objects.filter(consultation=consultation)


def decide_url(consultation):
    return f"/admin/consultations/{consultation.pk}/decide/"


def test_all_listed_answers_marked_as_spam_at_once_and_the_counts_follow(
    client, editor, consultation, answers, monkeypatch
):
    monkeypatch.setattr(moderation, "CHUNK", 4)  # several UPDATEs, as past 10,000 answers
    syrian = set(answers.filter(country="SY").values_list("pk", flat=True))
    assert len(syrian) > 4
    client.force_login(editor)
    listing = client.get(INDEX, {"consultation": consultation.pk, "country": "SY"})
    link = f"{decide_url(consultation)}?consultation={consultation.pk}&amp;country=SY"
    assert link in listing.content.decode()  # the header button keeps the list's filters

    query = {"consultation": consultation.pk, "country": "SY"}
    page = client.get(decide_url(consultation), query)
    assert f"shows {len(syrian)} answers" in page.content.decode()
    done = client.post(
        f"{decide_url(consultation)}?consultation={consultation.pk}&country=SY",
        {"decision": "spam"},
        follow=True,
    )
    assert f"{len(syrian)} answers changed" in done.content.decode()
    assert set(answers.filter(spam=True).values_list("pk", flat=True)) == syrian
    assert "SY" not in services.what_we_heard(consultation)["by_country"]
    assert_counts_right(consultation)
    event = AuditEvent.objects.get(action="answers_decided")
    assert event.data["answers"] == len(syrian) and event.data["decision"] == "spam"

    # Again: nothing left to change. Then back: counted again.
    client.post(f"{decide_url(consultation)}?country=SY", {"decision": "spam"})
    assert AuditEvent.objects.filter(action="answers_decided").count() == 1
    client.post(f"{decide_url(consultation)}?country=SY", {"decision": "not_spam"})
    assert not answers.filter(spam=True).exists()
    assert_counts_right(consultation)


def test_a_publication_decision_changes_what_is_shown_not_the_counts(
    client, editor, consultation, answers
):
    before = services.what_we_heard(consultation)
    version = ConsultationPage.objects.get(pk=consultation.pk).answers_version
    client.force_login(editor)
    client.post(decide_url(consultation), {"decision": "approve"})  # no filter: all of them
    assert answers.filter(moderation="approved").count() == 30
    assert ConsultationPage.objects.get(pk=consultation.pk).answers_version == version + 1
    assert services.what_we_heard(consultation) == before
    assert_counts_right(consultation)


def test_the_decision_stays_within_its_consultation(
    client, editor, consultation, answers, home_page
):
    """A query string naming another consultation (forged or copied) changes nothing there."""
    index = consultation.get_parent()
    other = index.add_child(
        instance=ConsultationPage(
            title="Other",
            slug="other",
            intro="x",
            opens_at=consultation.opens_at,
            closes_at=consultation.closes_at,
            questionnaire=consultation.questionnaire,
        )
    )
    _add_answers(other, 5, random.Random(4))
    client.force_login(editor)
    client.post(f"{decide_url(consultation)}?consultation={other.pk}", {"decision": "spam"})
    assert not Response.objects.filter(consultation=other, spam=True).exists()
    assert answers.filter(spam=True).count() == 30
    assert_counts_right(other)


def test_a_missing_decision_is_asked_for_again_and_changes_nothing(
    client, editor, consultation, answers
):
    client.force_login(editor)
    response = client.post(decide_url(consultation), {"decision": "delete"}, follow=True)
    assert response.status_code == 200
    assert "Choose a decision." in response.content.decode()
    assert not answers.filter(spam=True).exists()
    assert not AuditEvent.objects.filter(action="answers_decided").exists()


def test_only_the_consultations_editors_may_decide(client, make_user, consultation, answers):
    from allauth.mfa.totp.internal.auth import TOTP

    staff = make_user("staff@example.org", is_staff=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(staff)
    assert client.get(decide_url(consultation)).status_code in (302, 403)
    assert client.post(decide_url(consultation), {"decision": "spam"}).status_code in (302, 403)
    assert not answers.filter(spam=True).exists()
