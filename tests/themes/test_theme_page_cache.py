"""A theme's page keeps its sections per version of the pages they list (themes/versions.py):
every change is seen at once, and a warm page reads the same queries whatever their number."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from portal.models import StandardPage
from themes.models import Theme

pytestmark = pytest.mark.django_db

URL = "/themes/health/"


def _main(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode().split("<main", 1)[1]


def _page(parent, title, slug, theme="health"):
    page = parent.add_child(instance=StandardPage(title=title, slug=slug))
    page.themes.set([Theme.objects.get(slug=theme)])
    page.save_revision().publish()
    return page


def test_theme_page_shows_every_change_of_its_pages_at_once(client, home_page):
    assert "Clinics for everyone" not in _main(client)
    page = _page(home_page, "Clinics for everyone", "clinics")  # published
    assert "Clinics for everyone" in _main(client)
    assert "Clinics for everyone" in _main(client)  # from the cache

    page.title = "Clinics for all"  # a new revision published
    page.save_revision().publish()
    assert "Clinics for all" in _main(client)

    restriction = PageViewRestriction.objects.create(  # a view restriction hides it
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    assert "Clinics for all" not in _main(client)
    restriction.delete()
    assert "Clinics for all" in _main(client)

    other = _page(home_page, "Other place", "other", theme="housing")
    page.move(other, pos="last-child")  # a move changes its link
    assert "/other/clinics/" in _main(client)

    page.refresh_from_db()
    page.unpublish()
    assert "Clinics for all" not in _main(client)
    page.save_revision().publish()
    assert "Clinics for all" in _main(client)
    page.delete()
    assert "Clinics for all" not in _main(client)


def test_theme_page_warm_queries_do_not_grow_and_are_fewer_than_cold(client, home_page):
    from themes import versions

    _page(home_page, "First", "first")
    client.get(URL)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(12):
        _page(home_page, f"Page {n}", f"page-{n}")
    client.get(URL)  # reads the sections again, once
    with CaptureQueriesContext(connection) as many:
        main = _main(client)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert "Page 11" in main
    versions.bump()
    with CaptureQueriesContext(connection) as cold:
        client.get(URL)
    assert len(cold) >= len(many) + 4  # a query per plugin at least


def test_theme_page_lists_a_call_until_it_closes_without_any_change(client, home_page):
    import time
    from contextlib import contextmanager
    from unittest import mock

    from expertgroup.models import ExpertCallIndexPage, ExpertCallPage

    index = home_page.add_child(instance=ExpertCallIndexPage(title="Experts", slug="experts"))
    now = timezone.now()
    call = index.add_child(
        instance=ExpertCallPage(
            title="Migrant Expert Group 2027",
            slug="meg-2027",
            intro="We look for experts.",
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(minutes=20),  # before the cache would expire
            seats=3,
        )
    )
    call.themes.set([Theme.objects.get(slug="health")])
    call.save_revision().publish()

    @contextmanager
    def later(hours):  # the clock of the pages and of the cache's expiry, moved on
        with (
            mock.patch("django.utils.timezone.now", return_value=now + timedelta(hours=hours)),
            mock.patch("time.time", return_value=time.time() + hours * 3600),
        ):
            yield

    assert "Migrant Expert Group 2027" in _main(client)
    with later(0.25), CaptureQueriesContext(connection) as warm:
        assert "Migrant Expert Group 2027" in _main(client)  # still open, from the cache
    assert not any("expertgroup_expertcallpage" in q["sql"] for q in warm.captured_queries)
    with later(0.5):
        assert "Migrant Expert Group 2027" not in _main(client)  # closed: gone at once
