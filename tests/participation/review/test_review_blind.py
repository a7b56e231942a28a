"""Blind review: no identifying field, name, organisation or quota attribute reaches a reviewer,
in any response of the workspace. Open review shows names, never quota attributes."""

import pytest
from django.urls import reverse
from review_helpers import full_scores, make_application

from participation.review import services
from participation.review.models import Assignment, ConflictDeclaration

pytestmark = pytest.mark.django_db

NAME = "Wanjiru Kamau-Odhiambo"
ORGANISATION = "Kamau Diaspora Collective"
WEBSITE = "https://wanjiru-portfolio.example"
ATTRIBUTES = {"gender": "ATTRGENDERX", "region": ["ATTRREGIONY"], "profile": "ATTRPROFILEZ"}


@pytest.fixture
def sensitive(world, make_user, make_organisation):
    person = make_user(
        "wanjiru.k@example.org", display_name=NAME, first_name="Wanjiru", last_name="Kamau-Odhiambo"
    )
    organisation = make_organisation(person, name=ORGANISATION)
    application = make_application(
        world.call,
        user=person,
        name=NAME,
        organisation=organisation,
        website=WEBSITE,
        motivation=f"As {NAME} of {ORGANISATION.upper()} I mentor newcomers in Nairobi Street.",
        attributes=ATTRIBUTES,
    )
    item = services.sync_item(world.process, application)
    alice, bruno = world.reviewers[:2]
    for reviewer in (alice, bruno):
        services.add_assignment(world.phase, item, reviewer, world.editor)
    world.phase.reviews_visible_to_reviewers = True
    world.phase.results_visible_to_reviewers = True
    world.phase.save()
    services.declare_conflict(item, bruno, ConflictDeclaration.Kind.NONE, actor=bruno.user)
    services.save_review(
        Assignment.objects.get(item=item, reviewer=bruno),
        bruno.user,
        scores=full_scores(),
        expected_version=0,
        submit=True,
    )
    world.sensitive_item = item
    return world


SECRETS = [
    NAME,
    "Wanjiru",
    "Kamau",
    ORGANISATION,
    WEBSITE,
    "wanjiru.k@example.org",
    "ATTRGENDERX",
    "ATTRREGIONY",
    "ATTRPROFILEZ",
    "Application of",
]


def every_reviewer_response(client, world):
    """Walk through everything a reviewer can do with the item, collecting every response."""
    alice = world.reviewers[0]
    item = world.sensitive_item
    client.force_login(alice.user)
    url = reverse("review:item", args=[world.process.pk, item.number])
    declare = reverse("review:declare", args=[world.process.pk, item.number])
    responses = [client.get(reverse("review:workspace")), client.get(url)]
    responses.append(client.post(declare, {"kind": "other", "details": ""}))  # refused
    responses.append(client.post(declare, {"kind": "none"}, follow=True))
    responses.append(client.get(url))
    responses.append(
        client.post(url, {"version": 0, "action": "submit", "score_relevance": "9"})
    )  # out of scale
    responses.append(
        client.post(url, {"version": 0, "action": "draft", "score_relevance": "2"}, follow=True)
    )
    responses.append(
        client.post(url, {"version": 0, "action": "draft", "score_relevance": "3"})
    )  # edit conflict
    responses.append(
        client.post(
            url,
            {"version": 1, "action": "submit", "score_relevance": "3", "score_experience": "4"},
            follow=True,
        )
    )
    responses.append(client.get(url))  # now with the other reviewer's review
    responses.append(client.get(reverse("review:workspace")))
    responses.append(client.get(reverse("review:results", args=[world.process.pk, world.phase.pk])))
    return responses


def test_no_blind_field_in_any_reviewer_response(client, sensitive):
    responses = every_reviewer_response(client, sensitive)
    assert [r.status_code for r in responses] == [
        200,
        200,
        200,
        200,
        200,
        200,
        200,
        409,
        200,
        200,
        200,
        200,
    ]
    for response in responses:
        page = response.content.decode()
        for secret in SECRETS:
            assert secret.lower() not in page.lower(), (secret, response.request["PATH_INFO"])
    item_page = responses[-3].content.decode()
    assert "I mentor newcomers in Nairobi Street" in item_page  # content is there, names are not
    assert "[…] of […] I mentor" in item_page
    assert "Ten years of community work" in item_page
    assert "2 identifying fields are hidden" in item_page


def test_item_view_drops_identifying_fields_in_one_place(sensitive):
    view = services.item_view(sensitive.sensitive_item)
    assert view.blind and not view.title and not view.organisation and not view.people
    assert [f.key for f in view.fields] == ["motivation", "experience"]
    assert view.hidden_fields == 2


def test_open_review_shows_names_but_never_quota_attributes(client, sensitive):
    sensitive.process.blind = False
    sensitive.process.save()
    responses = every_reviewer_response(client, sensitive)
    conflict_page = responses[1].content.decode()
    assert NAME in conflict_page and ORGANISATION in conflict_page  # to recognise a conflict
    assert "I mentor newcomers" not in conflict_page  # but no content before the answer
    item_page = responses[4].content.decode()
    assert NAME in item_page and WEBSITE in item_page
    for response in responses:
        page = response.content.decode()
        for secret in ("ATTRGENDERX", "ATTRREGIONY", "ATTRPROFILEZ"):
            assert secret not in page


def test_quota_attributes_are_not_stored_on_items(sensitive):
    item = sensitive.sensitive_item
    stored = " ".join(str(getattr(item, f.attname)) for f in item._meta.concrete_fields)
    assert "ATTRGENDERX" not in stored


def test_a_blind_title_never_shows_in_the_workspace_list(client, world):
    application = make_application(world.call, name="Visible Title Person")
    item = services.sync_item(world.process, application)
    alice = world.reviewers[0]
    services.add_assignment(world.phase, item, alice, world.editor)
    services.declare_conflict(item, alice, ConflictDeclaration.Kind.NONE, actor=alice.user)
    client.force_login(alice.user)
    page = client.get(reverse("review:workspace")).content.decode()
    assert "Application 5" in page and "Visible Title Person" not in page
    world.process.blind = False
    world.process.save()
    page = client.get(reverse("review:workspace")).content.decode()
    assert "Application of Visible Title Person" in page
