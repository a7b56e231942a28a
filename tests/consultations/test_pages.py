from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import ConsultationIndexPage, ConsultationPage
from themes.models import Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home_page):
    page = home_page.add_child(
        instance=ConsultationIndexPage(title="Consultations", slug="consultations")
    )
    page.save_revision().publish()
    return page


def add_consultation(index, slug, opens, closes, themes=(), languages=(), **fields):
    now = timezone.now()
    page = index.add_child(
        instance=ConsultationPage(
            title=slug.replace("-", " ").title(),
            slug=slug,
            intro=f"About {slug}",
            opens_at=now + timedelta(days=opens),
            closes_at=now + timedelta(days=closes),
            accepted_languages=list(languages),
            **fields,
        )
    )
    page.themes.set(Theme.objects.filter(slug__in=themes))
    page.save_revision().publish()
    return page


def test_states_follow_the_window_and_the_outcome(index):
    forthcoming = add_consultation(index, "later", 5, 10)
    open_ = add_consultation(index, "now", -5, 10)
    closed = add_consultation(index, "past", -10, -5)
    published = add_consultation(index, "done", -10, -5, outcome_published_at=timezone.now())
    assert [p.state for p in (forthcoming, open_, closed, published)] == [
        "forthcoming",
        "open",
        "closed",
        "outcome",
    ]


def test_consultation_page_shows_dates_in_its_time_zone(client, index):
    page = add_consultation(index, "tz", -1, 3, time_zone="Asia/Kabul", languages=["fa", "ps"])
    html = client.get(page.url).content.decode()
    local = timezone.localtime(page.closes_at, page.zone)
    # In the call's zone, the zone named in the reader's language (participation.dates).
    assert local.strftime("%H:%M") in html and "(Afghanistan Time)" in html
    assert "Persian" in html and "Pashto" in html
    assert "Open" in html


def test_index_filters_by_theme_state_and_language_with_counts(client, index):
    add_consultation(index, "health-open", -1, 5, themes=["health"], languages=["ar", "en"])
    add_consultation(index, "housing-open", -1, 5, themes=["housing"], languages=["uk"])
    add_consultation(index, "health-closed", -9, -1, themes=["health"])  # any language

    response = client.get(index.url, {"theme": "health"})
    listing = response.context["listing"]
    assert sorted(p.slug for p in listing.consultations) == ["health-closed", "health-open"]
    state_counts = {v: c for v, _l, c, _ch in listing.facets[0].options}
    assert state_counts == {"forthcoming": 0, "open": 1, "closed": 1, "outcome": 0}

    listing = client.get(index.url, {"state": "open", "language": "uk"}).context["listing"]
    assert [p.slug for p in listing.consultations] == ["housing-open"]

    # A consultation with no language list welcomes every language.
    listing = client.get(index.url, {"state": "closed", "language": "ar"}).context["listing"]
    assert [p.slug for p in listing.consultations] == ["health-closed"]

    # Forged filter values are ignored, not an error.
    response = client.get(index.url, {"theme": "<script>", "state": "nope", "language": "zz"})
    assert response.status_code == 200
    assert response.context["listing"].selected_count == 3
    # NUL characters are refused before any query (PostgreSQL cannot hold them).
    assert client.get(index.url, {"language": "\x00"}).status_code == 400


def test_index_query_count_does_not_grow_with_consultations(client, index):
    add_consultation(index, "one", -1, 5, themes=["health"])
    client.get(index.url)  # first request creates per-site settings; measure steady state
    with CaptureQueriesContext(connection) as few:
        client.get(index.url)
    for n in range(12):
        add_consultation(index, f"more-{n}", -1, 5, themes=["health", "housing"])
    with CaptureQueriesContext(connection) as many:
        client.get(index.url)
    assert len(many) == len(few)


def test_theme_page_lists_consultations(client, index):
    add_consultation(index, "tagged", -1, 5, themes=["housing"])
    html = client.get("/themes/housing/").content.decode()
    assert "Consultations" in html and "Tagged" in html


def test_closing_before_opening_is_refused(index):
    from django.core.exceptions import ValidationError

    page = ConsultationPage(
        title="Bad",
        slug="bad",
        intro="x",
        opens_at=timezone.now(),
        closes_at=timezone.now() - timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "closes_at" in error.value.message_dict
