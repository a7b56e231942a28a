"""Light pages for a phone: the progress board and "what we heard" stay under 100 KB of HTML
with the demo's data (every indicator of every theme, 420 answers to two consultations)."""

import re

import pytest

pytestmark = pytest.mark.django_db
LIMIT = 100_000  # bytes of HTML, before compression: what a phone parses and lays out


@pytest.fixture
def demo(home_page):
    from consultations import demo as consultations_demo
    from monitoring import demo as monitoring_demo

    index = consultations_demo.load(home_page)
    board = monitoring_demo.load(home_page)
    return index, board


def _weigh(client, url) -> tuple[int, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return len(response.content), response.content.decode()


def test_progress_board_and_what_we_heard_stay_light_with_their_data(client, demo):
    from consultations.models import ConsultationPage
    from monitoring.models import Indicator

    index, board = demo
    assert Indicator.objects.count() >= 12  # the demo's indicators, all on the whole plan's board
    size, html = _weigh(client, board.url)
    assert size < LIMIT, f"board: {size:,} bytes"
    # Nothing is lost: a chart per indicator, each with its data as a table.
    assert html.count('role="img"') >= Indicator.objects.count()
    assert html.count('class="chart-table"') >= Indicator.objects.count()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script (the CSP)
    assert ' style="' not in html

    theme_size, _html = _weigh(client, board.url + "housing/")
    assert theme_size < LIMIT, f"a theme's board: {theme_size:,} bytes"

    consultation = ConsultationPage.objects.get(slug="recognition-of-qualifications")
    url = consultation.url + consultation.reverse_subpage("what_we_heard")
    size, html = _weigh(client, url)
    assert size < LIMIT, f"what we heard: {size:,} bytes"
    assert html.count("<table") >= html.count('role="img"') > 3
    assert ' style="' not in html


def test_whole_plan_board_stays_light_at_the_benchs_scale(client, home_page):
    """bench/monitoring_bench.py's data: 20 indicators x 30 countries x 10 years, and more
    commitments than a page shows. Each indicator keeps its trend, its table of values and a
    link to its theme's board (full chart, values by place)."""
    from decimal import Decimal

    from wagtail.models import Locale

    from monitoring.models import Commitment, Indicator, IndicatorValue, MonitoringBoardPage
    from themes.models import Theme

    board = home_page.add_child(instance=MonitoringBoardPage(title="Progress", slug="progress"))
    board.save_revision().publish()
    themes = list(Theme.objects.filter(locale=Locale.get_default()))
    countries = (
        "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE NO CH IS"
    )
    for n in range(20):
        indicator = Indicator.objects.create(
            theme=themes[n % len(themes)], name=f"Indicator {n}", slug=f"ind-{n}", unit="%"
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator,
                country=country,
                year=year,
                value=Decimal(f"{40 + (n * 7 + c * 3 + year) % 23}.{(c + year) % 100:02d}"),
            )
            for c, country in enumerate(countries.split())
            for year in range(2015, 2025)
        )
    for n in range(25):
        Commitment.objects.create(title=f"Commitment number {n}", progress=n).themes.set(
            themes[n % 3 : n % 3 + 2]
        )
    size, html = _weigh(client, board.url)
    assert size < LIMIT, f"board: {size:,} bytes"
    assert html.count('class="pygal-sparkline"') == html.count('class="chart-table"') == 20
    assert html.count("#indicator-") == 20
