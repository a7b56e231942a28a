import pytest

from monitoring import demo
from monitoring.models import Commitment, Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


def test_demo_load_fills_the_board_and_is_idempotent(client, home_page):
    from consultations import demo as consultations_demo

    consultations_demo.load(home_page)
    board = demo.load(home_page)
    counts = (Commitment.objects.count(), Indicator.objects.count(), IndicatorValue.objects.count())
    assert demo.load(home_page) == board
    assert counts == (
        Commitment.objects.count(),
        Indicator.objects.count(),
        IndicatorValue.objects.count(),
    )
    statuses = set(Commitment.objects.values_list("status", flat=True))
    assert statuses == {"planned", "in_progress", "done", "dropped"}
    assert Commitment.objects.filter(outcome_item_id__isnull=False).count() == 2
    for theme_id in Indicator.objects.values_list("theme", flat=True).distinct():
        indicators = Indicator.objects.filter(theme_id=theme_id)
        assert indicators.count() == 2
        values = IndicatorValue.objects.filter(indicator__in=indicators)
        assert values.values("year").distinct().count() >= 3
        assert values.values("country").distinct().count() >= 3
    assert Indicator.objects.values("theme").distinct().count() == 9
    body = client.get(board.url).content.decode()
    assert "Separate municipal housing lists" in body and "<svg" in body
    assert "Answers" in body  # consultations' figures
