import pytest
from django.db import connection

from awards import demo, services
from awards.models import AwardEditionPage, Nomination

pytestmark = pytest.mark.django_db


def test_demo_builds_a_followable_edition_and_is_idempotent(home_page, make_user, client):
    make_user("samira@example.org", display_name="Samira")
    make_user("oleksandr@example.org", display_name="Oleksandr")
    index = demo.load(home_page)
    assert demo.load(home_page) == index
    past = AwardEditionPage.objects.get(slug="award-2026")
    assert past.categories.count() == 4
    assert Nomination.objects.filter(edition=past).count() == 40
    assert past.state == past.State.WINNERS
    assert services.winners_of(past).count() >= 4
    for category in past.categories.all():
        results, rows = services.ranking(category, category.review_process.phases.get(position=0))
        assert results.aggregation is not None and len(rows) == 10
    assert client.get(past.route_url("winners")).status_code == 200
    assert client.get(past.url).status_code == 200
    open_edition = AwardEditionPage.objects.get(slug="award-2027")
    assert open_edition.is_open
    samira = Nomination.objects.get(user__email="samira@example.org")
    assert samira.outcome == "winner"
    assert connection.vendor in ("sqlite", "postgresql")
