import pytest

from consultations.demo_questionnaire import qid
from consultations.models import Redaction, Response

PROPOSAL = qid("proposal")

pytestmark = pytest.mark.django_db


def test_editor_lists_filters_and_searches_responses(client, editor, answer, make_user):
    answer(make_user("a@example.org"), {PROPOSAL: "Free interpreters in hospitals"}, country="FR")
    answer(make_user("b@example.org"), {PROPOSAL: "Lower fees"}, country="DE")
    client.force_login(editor)
    html = client.get("/admin/consultations/responses/").content.decode()
    assert html.count("CONS-") >= 2
    html = client.get("/admin/consultations/responses/", {"q": "interpreters"}).content.decode()
    assert "FR" in html or "France" in html
    assert client.get("/admin/consultations/responses/", {"country": "DE"}).status_code == 200


def test_editor_moderates_tags_and_redacts(client, editor, answer, make_user):
    response = answer(make_user("a@example.org"), {PROPOSAL: "Call me on 0170 123"})
    client.force_login(editor)
    edit_url = f"/admin/consultations/responses/edit/{response.pk}/"
    page = client.get(edit_url)
    assert page.status_code == 200 and "Call me on 0170 123" in page.content.decode()
    data = {
        "moderation": "approved",
        "tags": "phone, health",
        "redactions-TOTAL_FORMS": "1",
        "redactions-INITIAL_FORMS": "0",
        "redactions-MIN_NUM_FORMS": "0",
        "redactions-MAX_NUM_FORMS": "1000",
        "redactions-0-question_id": PROPOSAL,
        "redactions-0-redacted_text": "Call me on [removed]",
        "redactions-0-reason": "phone number",
        "redactions-0-ORDER": "1",
    }
    result = client.post(edit_url, data)
    assert result.status_code == 302, result.content.decode()[:3000]
    response.refresh_from_db()
    assert response.moderation == "approved"
    assert sorted(response.tags.names()) == ["health", "phone"]
    redaction = Redaction.objects.get(response=response)
    assert redaction.redacted_text == "Call me on [removed]" and redaction.reason == "phone number"


def test_drafts_are_not_in_the_moderation_list(client, editor, consultation, user):
    from participation.submissions.services import start_or_resume

    start_or_resume(Response, "consultation", consultation, user, respondent_type="individual")
    client.force_login(editor)
    html = client.get("/admin/consultations/responses/").content.decode()
    assert "CONS-" not in html


def test_campaigns_are_grouped_and_counted_in_the_summary(
    client, editor, consultation, answer, make_user
):
    from consultations import services

    letter = (
        "We ask the Commission to cut fees and to decide every application within three months."
    )
    for n in range(6):
        answer(make_user(f"c{n}@example.org"), {PROPOSAL: letter + (" Thanks." if n % 2 else "")})
    answer(
        make_user("own@example.org"),
        {PROPOSAL: "Interpreters in every hospital, please, and more nurses."},
    )
    client.force_login(editor)
    address = f"/admin/consultations/{consultation.pk}/campaigns/"
    asked = client.get(address)  # a link only asks: following it starts nothing
    assert asked.status_code == 200 and b'method="post"' in asked.content
    assert not Response.objects.exclude(campaign="").exists()
    response = client.post(address, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302  # the task ran at once in tests
    assert response["Location"].endswith(f"?consultation={consultation.pk}")
    campaigns = set(Response.objects.exclude(campaign="").values_list("campaign", flat=True))
    assert len(campaigns) == 1
    assert Response.objects.filter(campaign__in=campaigns).count() == 6
    heard = services.what_we_heard(consultation)
    assert heard["campaigns"] == [{"campaign": campaigns.pop(), "n": 6}]
    html = client.get(consultation.url + "what-we-heard/").content.decode()
    assert "campaign" in html.lower()


def test_campaign_detection_message_is_in_the_editors_admin_language(client, editor, consultation):
    """The message is made in the request's language, not when the message storage writes it
    after the response (a lazy text then came out in English)."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(editor)
    response = client.post(f"/admin/consultations/{consultation.pk}/campaigns/", follow=True)
    html = response.content.decode()
    assert "La détection des campagnes a commencé" in html, html[:2000]


def test_responses_listing_isolates_receipt_numbers_and_organisation_names(
    client, editor, answer, make_user, make_organisation
):
    person = make_user("c@example.org")
    organisation = make_organisation(person, name="شبكة أصوات المهاجرين")
    done = answer(person, {PROPOSAL: "x"}, organisation=organisation)
    client.force_login(editor)
    html = client.get("/admin/consultations/responses/").content.decode()
    assert f'<bdi dir="ltr">{done.receipt_number}</bdi>' in html
    assert "<bdi>شبكة أصوات المهاجرين</bdi>" in html
