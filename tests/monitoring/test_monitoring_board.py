import json
import re
from xml.etree import ElementTree

import pytest
from wagtail import hooks

from themes.figures import Figure

pytestmark = pytest.mark.django_db


def fake_figures(theme):
    slug = theme.slug if theme else "all"
    return [
        Figure("test.applicants", "Test applicants", 7, "Test expert group"),
        Figure("test.winners", f"Winners {slug}", 2, "Test award"),
    ]


def test_board_shows_registered_figures_grouped(client, board):
    with hooks.register_temporarily("register_participation_figures", fake_figures):
        body = client.get("/progress/housing/").content.decode()
    assert "Test expert group" in body and "Test award" in body
    assert "Winners housing" in body and "Test applicants" in body
    assert "Consultations held" in body  # consultations' own hook


def test_consultation_figures_per_theme_and_overall(
    consultation, make_user, make_organisation, make_response, themes, home_page
):
    from consultations.wagtail_hooks import consultation_figures

    amina = make_user("a@example.org")
    organisation = make_organisation(amina)
    make_response(amina)
    make_response(make_user("b@example.org"), organisation=organisation)
    make_response(make_user("c@example.org"), spam=True)
    make_response(make_user("d@example.org"), status="draft")
    values = {f.key: f.value for f in consultation_figures(themes["housing"])}
    assert values == {
        "consultations.held": 1,
        "consultations.responses": 2,
        "consultations.organisations": 1,
    }
    assert {f.key: f.value for f in consultation_figures(None)}["consultations.responses"] == 2
    assert {f.key: f.value for f in consultation_figures(themes["health"])} == {
        "consultations.held": 0,
        "consultations.responses": 0,
        "consultations.organisations": 0,
    }


def test_consultation_figures_query_count_is_fixed(
    consultation, make_user, make_response, themes, django_assert_num_queries
):
    from django.core.cache import cache

    from consultations.wagtail_hooks import consultation_figures

    for n in range(5):
        make_response(make_user(f"p{n}@example.org"))
    # Cold: the version, the held consultations, their answers, the next opening.
    with django_assert_num_queries(4):
        consultation_figures(themes["housing"])
    for n in range(5, 15):
        make_response(make_user(f"p{n}@example.org"))
    cache.clear()
    with django_assert_num_queries(4):
        consultation_figures(themes["housing"])


def test_consultation_figures_follow_new_answers_at_once_and_read_one_query_warm(
    consultation, make_user, make_response, themes, django_assert_num_queries
):
    from consultations import services
    from consultations.models import Response
    from consultations.wagtail_hooks import consultation_figures

    def answers():
        return {f.key: f.value for f in consultation_figures(themes["housing"])}[
            "consultations.responses"
        ]

    def counted(response):  # as a submit does: the counts and the version in its transaction
        services.count_added(Response.objects.filter(pk=response.pk))

    counted(make_response(make_user("a@example.org")))
    assert answers() == 1
    with django_assert_num_queries(1):  # the version of what is counted; the figures kept
        assert answers() == 1
    counted(make_response(make_user("b@example.org")))
    assert answers() == 2
    spam = Response.objects.filter(consultation=consultation)[:1]
    services.update_responses(Response.objects.filter(pk__in=spam), spam=True)
    assert answers() == 1


def test_board_commitments_by_status_with_progress_bars(client, board, make_commitment):
    make_commitment("Planned one")
    make_commitment("Going", status="in_progress", progress=40)
    make_commitment("Stopped", status="dropped", progress=5, dropped_reason="No money")
    make_commitment("Health one", theme="health", status="done", progress=100)
    body = client.get("/progress/housing/").content.decode()
    assert "Going" in body and "Stopped" in body and "No money" in body
    assert "Health one" not in body
    assert 'max="100" value="40"' in body
    everything = client.get("/progress/").content.decode()
    assert "Health one" in everything
    only_done = client.get("/progress/?status=done").content.decode()
    assert "Health one" in only_done and "Going" not in only_done


def test_board_indicator_charts_with_data_tables(client, board, make_indicator):
    make_indicator(values=[("DE", 2020, 10), ("DE", 2021, 12), ("FR", 2020, 20), ("FR", 2021, 18)])
    body = client.get("/progress/housing/").content.decode()
    assert body.count("<svg") >= 2 and 'role="img"' in body
    assert "Overcrowding over time (%)" in body and "Overcrowding by place, 2021 (%)" in body
    assert "<table" in body and "Germany" in body and "France" in body
    assert "<script" not in body.split("<main", 1)[1]
    assert 'style="' not in body.split("<main", 1)[1].split("<svg", 1)[0]


def _drawn(svg) -> tuple[list, list]:
    """What a sparkline draws: its lines (each a list of (x, y), in the SVG's user units) and
    its dots (x, y), wherever pygal nests them."""
    root = ElementTree.fromstring(str(svg))
    shift = {}  # the offset of each element's group (pygal translates its plot)

    def walk(node, dx, dy):
        found = re.match(r"translate\(([-\d.]+),? ?([-\d.]+)\)", node.get("transform", ""))
        if found:
            dx, dy = dx + float(found[1]), dy + float(found[2])
        shift[node] = (dx, dy)
        for child in node:
            walk(child, dx, dy)

    walk(root, 0.0, 0.0)
    lines, dots = [], []
    for node, (dx, dy) in shift.items():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "path" and node.get("d"):
            numbers = [float(n) for n in re.findall(r"-?[\d.]+", node.get("d"))]
            lines.append(
                [(dx + x, dy + y) for x, y in zip(numbers[::2], numbers[1::2], strict=True)]
            )
        elif tag == "circle":
            dots.append((dx + float(node.get("cx")), dy + float(node.get("cy"))))
    return lines, dots


def test_trend_keeps_gaps_marks_lone_and_latest_values_and_describes_itself():
    from monitoring.board import trend
    from participation.documents.charts import line_chart

    chart = line_chart(
        "Employment (%)",
        ["2019", "2020", "2021", "2022"],
        [("Average", [10, 12, None, 11.5]), ("Germany", [None, 8, None, None])],
    )
    drawn = trend(chart)
    svg = str(drawn.sparkline.svg)
    lines, dots = _drawn(svg)
    # 2019-2020 is a line; no line crosses 2021 (no value): 2022 stands alone, as does
    # Germany's one value, and each is a dot.
    assert len(lines) == 1 and len(lines[0]) == 2
    (x2019, y10), (x2020, y12) = lines[0]
    assert x2019 < x2020 and y12 < y10  # higher values higher up
    assert len(dots) == 2
    latest = max(dots)  # the average's 2022, the right-most point, between 10 and 12
    assert latest[0] > x2020 + (x2020 - x2019) and y12 < latest[1] < y10
    germany = min(dots)
    assert abs(germany[0] - x2020) < 0.2 and germany[1] > y10  # 8: the lowest
    # Its text alternative: an image named by its title and description.
    root = svg[: svg.index(">")]
    assert 'role="img"' in root and "<script" not in svg
    title_id, desc_id = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', root).groups()
    assert f'<title id="{title_id}">Employment (%)</title>' in svg
    assert drawn.description == (
        "Average: 10 in 2019, 11.5 in 2022. Germany: 8 in 2020. "
        "The data are in the table that follows."
    )
    assert f'<desc id="{desc_id}">{drawn.description}</desc>' in svg
    # The words around it, and two series told apart by dashes as well as colour.
    assert (drawn.high, drawn.low, drawn.first, drawn.last) == ("12", "8", "2019", "2022")
    assert [(dashes, name) for _c, dashes, name in drawn.legend] == [
        ("", "Average"),
        ("6 3", "Germany"),
    ]
    assert svg.count("stroke-dasharray:6,3") == 1


def test_trend_of_one_value_or_a_flat_line():
    from monitoring.board import trend
    from participation.documents.charts import line_chart

    one = trend(line_chart("x", ["2020"], {"Average": [5]}))
    lines, dots = _drawn(one.sparkline.svg)
    width = one.sparkline.width
    assert lines == [] and len(dots) == 1 and abs(dots[0][0] - width / 2) < 1  # in the middle
    assert (one.high, one.low, one.first, one.last, one.legend) == ("5", "5", "2020", "", [])
    flat = trend(line_chart("x", ["2020", "2021"], {"Average": [5, 5]}))
    lines, dots = _drawn(flat.sparkline.svg)
    assert len(lines) == 1 and lines[0][0][1] == lines[0][1][1]
    assert len(dots) == 1 and dots[0][0] > lines[0][0][0]  # the latest, at the right


def test_whole_plan_board_shows_small_trends_linking_to_the_theme_boards(
    client, board, make_indicator
):
    indicator = make_indicator(
        values=[("DE", 2020, 10), ("DE", 2021, 12), ("FR", 2020, 20), ("FR", 2021, 18)]
    )
    body = client.get("/progress/").content.decode()
    main = body.split("<main", 1)[1]
    assert 'class="pygal-sparkline"' in main and 'role="img"' in main
    assert "pygal-chart" not in main  # the full charts are on the theme's board
    # Its highest and lowest value and its years as text beside it, left to right.
    assert '<div class="trend-plot" dir="ltr">' in main
    assert '<span class="trend-high" aria-hidden="true">15</span>' in main
    assert '<span class="trend-years" aria-hidden="true"><span>2020</span><span>2021</span>' in main
    assert '2021: <bdi dir="ltr" class="quantity">15 %</bdi>, the average of 2 countries' in main
    assert "Average of countries with data: 15 in 2020, 15 in 2021." in main
    assert '<table class="chart-table">' in main and "<caption>Overcrowding over time (%)" in main
    link = f'href="/progress/housing/#indicator-{indicator.pk}"'
    assert link in main and "The full chart and the values by place: Housing" in main
    assert ' style="' not in main and "<script" not in main
    theme = client.get(f"/progress/housing/#indicator-{indicator.pk}").content.decode()
    assert f'id="indicator-{indicator.pk}"' in theme and "pygal-chart" in theme
    # A country chosen: its line beside the average, told apart in a legend, the filter kept.
    body = client.get("/progress/?country=DE").content.decode()
    assert 'class="trend-legend"' in body and "Germany: 10 in 2020, 12 in 2021." in body
    assert 'stroke-dasharray="6 3"' in body and "stroke-dasharray:6,3" in body
    assert f'href="/progress/housing/?country=DE#indicator-{indicator.pk}"' in body


def test_whole_plan_board_sends_the_sparklines_stylesheet_once_with_the_nonce(
    client, board, make_indicator
):
    for slug in ("overcrowding", "rent-burden", "homelessness"):
        make_indicator(slug, values=[("DE", 2020, 10), ("DE", 2021, 12)])
    main = client.get("/progress/").content.decode().split("<main", 1)[1]
    assert main.count('class="pygal-sparkline"') == 3
    styles = re.findall(r"<style([^>]*)>(.*?)</style>", main, re.S)
    assert len(styles) == 1  # the three share the first one's, scoped to their class
    attributes, css = styles[0]
    assert re.fullmatch(r' nonce="[^"]+" type="text/css"', attributes)
    assert ".pygal-sparkline .color-0" in css and "#chart-" not in css


def test_board_filters_by_country_and_year(client, board, make_indicator):
    make_indicator(
        values=[
            ("DE", 2020, 10),
            ("DE", 2021, 12),
            ("FR", 2020, 20),
            ("FR", 2021, 18),
            ("DE", 2021, 30, "Berlin"),
        ]
    )
    body = client.get("/progress/housing/?year=2020").content.decode()
    assert "by place, 2020" in body
    body = client.get("/progress/housing/?country=DE").content.decode()
    assert "Berlin (Germany)" in body and "France" not in body.split("by place")[1]


@pytest.mark.parametrize(
    "query",
    [
        "country=XX",
        "year=abc",
        "year=1800",
        "status=zzz",
        "page=-1",
        "page=999",
        "country=" + "A" * 500,
    ],
)
def test_board_hostile_filters_are_ignored_with_a_message(client, board, make_indicator, query):
    make_indicator(values=[("DE", 2020, 10)])
    response = client.get(f"/progress/housing/?{query}")
    assert response.status_code == 200
    if not query.startswith("page"):
        body = response.content.decode()
        name = query.split("=")[0]
        assert "Some filters were not understood" in body
        assert f'aria-describedby="filter-{name}-error"' in body
        assert f'id="filter-{name}-error"' in body


@pytest.mark.parametrize("path", ["no-such-theme/", "housing/nope/", "data/xml/", "x" * 300 + "/"])
def test_board_unknown_paths_are_404(client, board, path):
    assert client.get(f"/progress/{path}").status_code == 404


def _fill(make_commitment, make_indicator, make_user, make_response, n):
    for i in range(n):
        commitment = make_commitment(f"C{n}-{i}", status="in_progress", progress=i)
        commitment.themes.add(*commitment.themes.all())
    make_indicator(
        f"ind-{n}",
        values=[
            (c, y, 10 + i)
            for i, c in enumerate(["DE", "FR", "IT"][:n])
            for y in range(2015, 2015 + n)
        ],
    )
    for i in range(n):
        make_response(make_user(f"u{n}-{i}@example.org"))


@pytest.mark.parametrize(
    "path", ["/progress/", "/progress/housing/", "/progress/housing/?country=DE&year=2016"]
)
def test_board_query_count_does_not_grow(
    client,
    board,
    consultation,
    make_commitment,
    make_indicator,
    make_user,
    make_response,
    django_assert_max_num_queries,
    path,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _fill(make_commitment, make_indicator, make_user, make_response, 2)
    client.get(path)  # warm: site root paths and the like
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as small_cold:
        client.get(path)
    _fill(make_commitment, make_indicator, make_user, make_response, 3)
    for i in range(25):
        make_commitment(f"More {i}")
    cache.clear()
    with django_assert_max_num_queries(len(small_cold)):
        assert client.get(path).status_code == 200
    with django_assert_max_num_queries(len(small)):
        assert client.get(path).status_code == 200
    assert len(small_cold) <= 40


def test_open_data_json_has_licence_schema_and_everything(
    client, board, make_commitment, make_indicator
):
    make_commitment("Going", status="in_progress", progress=40)
    make_indicator(values=[("DE", 2020, 10.5)])
    with hooks.register_temporarily("register_participation_figures", fake_figures):
        response = client.get("/progress/housing/data/json/")
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["licence"] == "CC-BY-4.0" and data["licence_url"].startswith("https://")
    assert data["schema"].endswith("/progress/data/") and data["theme"] == "housing"
    assert {"key": "test.winners", "value": 2}.items() <= next(
        f for f in data["figures"] if f["key"] == "test.winners"
    ).items()
    assert data["commitments"][0]["title"] == "Going" and data["commitments"][0]["progress"] == 40
    assert data["indicators"][0]["values"] == [
        {"country": "DE", "city": "", "year": 2020, "value": 10.5}
    ]
    overall = json.loads(client.get("/progress/data/json/").content)
    assert overall["theme"] is None


@pytest.mark.parametrize(
    "dataset, header",
    [
        ("figures", "theme,key,group,label,value,licence"),
        (
            "commitments",
            "id,title,status,progress,owner,themes,starts_on,due_on,completed_on,dropped_reason,consultation,licence,label,label_lang",
        ),
        (
            "indicators",
            "indicator,theme,unit,higher_is_better,country,city,year,value,licence,label,label_lang",
        ),
    ],
)
def test_open_data_csv_stable_headers(
    client, board, make_commitment, make_indicator, dataset, header
):
    make_commitment("=HYPERLINK(1)")
    make_indicator(values=[("DE", 2020, 10.5)])
    response = client.get(f"/progress/housing/data/{dataset}/csv/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == header
    assert len(lines) >= 2 and "CC-BY-4.0" in lines[1]
    if dataset == "commitments":
        assert "'=HYPERLINK(1)" in text
    if dataset == "indicators":
        assert lines[1] == "overcrowding,housing,%,true,DE,,2020,10.5,CC-BY-4.0,Overcrowding,en"


def test_open_data_schema_page_documents_every_column(client, board):
    body = client.get("/progress/data/").content.decode()
    documented = " ".join(body.split("<code>")[1:])
    for dataset in ["figures", "commitments", "indicators"]:
        response = client.get(f"/progress/data/{dataset}/csv/")
        header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
        for column in header.split(","):
            assert column in documented, column
    assert "/progress/housing/data/indicators/csv/" in body and "CC-BY-4.0" in body


def test_progress_report_pdf_built_in_the_background(
    client, board, make_commitment, make_indicator, user
):
    from pypdf import PdfReader

    from participation.documents.models import GeneratedDocument

    make_commitment("Deposit fund", status="in_progress", progress=40)
    make_indicator(values=[("DE", 2020, 10), ("DE", 2021, 11)])
    client.force_login(user)
    page = client.get("/progress/housing/").content.decode()
    assert "/documents/generated/request/monitoring.progress_report/" in page
    response = client.post(
        "/documents/generated/request/monitoring.progress_report/",
        {"theme": "housing", "lang": "en"},
    )
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert document.status == GeneratedDocument.Status.DONE, document.error_message
    import io

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.file.read())).pages)
    assert "Deposit fund" in text and "Overcrowding" in text


@pytest.mark.parametrize("params", [{"theme": "nope"}, {"theme": "x" * 5000}])
def test_progress_report_bad_theme_is_a_message(client, board, user, params):
    client.force_login(user)
    response = client.post(
        "/documents/generated/request/monitoring.progress_report/",
        {**params, "next": "/progress/"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Unknown theme" in response.content.decode() or "Too many" in response.content.decode()


def test_board_languages_and_right_to_left(client, board, make_commitment):
    make_commitment("Going", status="in_progress", progress=40)
    body = client.get("/ar/progress/housing/").content.decode()
    assert 'dir="rtl"' in body and "الالتزامات" in body
    assert "Engagements" in client.get("/fr/progress/").content.decode()


def test_theme_page_links_to_its_board(client, board):
    body = client.get("/themes/housing/").content.decode()
    assert "/progress/housing/" in body


def test_board_commitment_themes_in_the_readers_language(client, board, make_commitment, themes):
    from wagtail.models import Locale

    french, _created = Locale.objects.get_or_create(language_code="fr")
    translation = themes["housing"].copy_for_translation(french)
    translation.name = "Logement (traduit)"
    translation.save()
    commitment = make_commitment("Going", status="in_progress", progress=40)
    body = client.get("/fr/progress/").content.decode()
    assert body.count("Logement (traduit)") >= 2  # the tab and the commitment's tag
    page = client.get(f"/fr/progress/commitments/{commitment.pk}/").content.decode()
    assert "Logement (traduit)" in page


def test_progress_report_of_a_groups_only_board_is_refused_outside_the_group(
    client, board, user, make_user
):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from participation.documents.models import GeneratedDocument

    insiders = Group.objects.create(name="monitoring insiders")
    restriction = PageViewRestriction.objects.create(
        page=board, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(insiders)
    url = "/documents/generated/request/monitoring.progress_report/"
    client.force_login(user)
    assert client.post(url, {"theme": "housing", "lang": "en"}).status_code == 404
    assert not GeneratedDocument.objects.exists()
    user.groups.add(insiders)
    assert client.post(url, {"theme": "housing", "lang": "en"}).status_code == 302


def test_board_indicators_fragment_follows_values_texts_and_nonce(client, board, make_indicator):
    """The indicators section is rendered once per version (participation.fragments): a new
    value or a renamed indicator shows at once, and each response carries its own nonce."""
    from decimal import Decimal

    from monitoring.models import IndicatorValue

    indicator = make_indicator(values=[("DE", 2020, 10), ("FR", 2020, 20)])
    url = "/progress/housing/"
    first = client.get(url)
    assert "2021" not in first.content.decode().split('id="indicators-heading"')[1]
    second = client.get(url)  # from the cache
    nonces = [
        set(re.findall(r'<style nonce="([^"]+)"', r.content.decode())) for r in (first, second)
    ]
    assert all(len(n) == 1 for n in nonces) and nonces[0] != nonces[1]
    for response, found in zip((first, second), nonces, strict=True):
        assert f"'nonce-{next(iter(found))}'" in response["Content-Security-Policy"]
    IndicatorValue.objects.create(indicator=indicator, country="DE", year=2021, value=Decimal(11))
    assert "2021" in client.get(url).content.decode().split('id="indicators-heading"')[1]
    indicator.name = "Crowded homes"
    indicator.save()
    assert "Crowded homes over time" in client.get(url).content.decode()
    # A filtered board is rendered, not cached, and shows the filter's country.
    filtered = client.get(url, {"country": "FR"}).content.decode()
    assert "France" in filtered


def test_consultation_figures_follow_publication_and_time(consultation):
    """Kept figures move when a consultation is unpublished (the pages' version) and when the
    next one opens (the time kept with them), with no change of any answer."""
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    from consultations.wagtail_hooks import consultation_figures

    def held():
        return {f.key: f.value for f in consultation_figures(None)}["consultations.held"]

    opens = timezone.now() + timedelta(days=2)
    later = consultation.copy(
        update_attrs={
            "slug": "later",
            "title": "Later",
            "opens_at": opens,
            "closes_at": opens + timedelta(days=30),
        },
        keep_live=True,
    )
    after = opens + timedelta(minutes=1)
    assert held() == 1
    with mock.patch("django.utils.timezone.now", return_value=after):
        assert held() == 2
        later.unpublish()
        assert held() == 1
