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
