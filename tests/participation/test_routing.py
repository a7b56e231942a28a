"""participation.routing: the home page walks the path in fewer queries, with Wagtail's meaning."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from consultations.models import ConsultationIndexPage, ConsultationPage
from portal.models import StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(home_page):
    """home / about (StandardPage) / team (StandardPage), and home / consultations (an index whose
    children are consultations only) / recognition (a routable consultation)."""
    about = home_page.add_child(instance=StandardPage(title="About", slug="about"))
    team = about.add_child(instance=StandardPage(title="Team", slug="team"))
    index = home_page.add_child(instance=ConsultationIndexPage(title="C", slug="consultations"))
    now = timezone.now()
    consultation = index.add_child(
        instance=ConsultationPage(
            title="Recognition",
            slug="recognition",
            intro="x",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
        )
    )
    return {"about": about, "team": team, "index": index, "consultation": consultation}


def _wagtail_route(rf, home, path):
    """What Wagtail's own Page.route answers for the same path."""
    components = [c for c in path.split("/") if c]
    return Page.route(home, rf.get(path), components)


NAMED_PATHS = [
    ("/about/", "about"),
    ("/about/team/", "team"),
    ("/consultations/recognition/", "consultation"),
]


@pytest.mark.parametrize("path, name", NAMED_PATHS)
def test_the_same_page_as_wagtails_route_specific_with_its_parent(rf, home_page, tree, path, name):
    ours = home_page.route(rf.get(path), [c for c in path.split("/") if c])
    theirs = _wagtail_route(rf, home_page, path)
    assert ours.page.pk == theirs.page.pk == tree[name].pk
    assert type(ours.page) is type(tree[name])  # specific, as Wagtail serves it
    # get_parent() costs nothing and is of its own class: the index's links keep the language
    with CaptureQueriesContext(connection) as queries:
        parent = ours.page.get_parent()
    assert len(queries) == 0
    assert type(parent) is type(tree[name].get_parent().specific)


def test_a_routable_pages_own_routes_take_the_rest_of_the_path(client, tree):
    consultation = tree["consultation"]
    response = client.get(consultation.url + consultation.reverse_subpage("what_we_heard"))
    assert response.status_code == 200
    assert client.get(consultation.url + "no-such-route/").status_code == 404


def test_missing_and_unpublished_pages_are_404_and_a_draft_index_still_leads_on(client, tree):
    assert client.get("/consultations/nothing/").status_code == 404
    assert client.get("/nothing/at/all/").status_code == 404
    tree["team"].unpublish()
    assert client.get("/about/team/").status_code == 404
    # As under Wagtail, an unpublished page in the middle of the path does not hide its children.
    tree["index"].unpublish()
    assert client.get("/consultations/").status_code == 404
    assert client.get("/consultations/recognition/").status_code == 200


def test_a_child_of_a_type_the_index_no_longer_allows_is_still_found(rf, home_page, tree):
    # subpage_types only guard the admin: a StandardPage made under the index before the rule
    # (here, by code) is still served
    odd = tree["index"].add_child(instance=StandardPage(title="Odd", slug="odd"))
    route = home_page.route(rf.get("/consultations/odd/"), ["consultations", "odd"])
    assert route.page.pk == odd.pk and type(route.page) is StandardPage


def _route_queries(rf, home, path, route):
    components = [c for c in path.split("/") if c]
    home.route(rf.get(path), components)  # the content types cached
    with CaptureQueriesContext(connection) as queries:
        route(home, rf.get(path), components)
    return len(queries)


def test_a_consultation_is_found_in_as_many_queries_as_a_page_under_home(rf, home_page, tree):
    # Wagtail reads every page of the path, then its specific page; ours reads the middle ones
    # as plain pages and the index's only type directly.
    paths = [path for path, _ in NAMED_PATHS]
    ours = {p: _route_queries(rf, home_page, p, type(home_page).route) for p in paths}
    theirs = {p: _route_queries(rf, home_page, p, Page.route) for p in paths}
    assert ours == {"/about/": 2, "/about/team/": 3, "/consultations/recognition/": 2}
    assert theirs == {"/about/": 2, "/about/team/": 4, "/consultations/recognition/": 4}
