"""Cross-tabs of the analysis tags by a property of the answers (issue 19 point 3, tags)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import services
from consultations.crosstabs import (
    ROW_SOURCES,
    CrossTab,
    RowSource,
    answers_by_label,
    crosstab,
    register_row_source,
    tag_crosstab,
)
from consultations.models import Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(answer, make_user):
    """Five answers: housing x3 (two from Syria, one on paper), work x2, one spam answer."""
    made = [
        answer(make_user(f"t{n}@example.org"), {}, country=country)
        for n, country in enumerate(["SY", "SY", "UA", "UA", "SY"])
    ]
    tags_of = [["housing", "work"], ["housing"], ["housing"], ["work"], []]
    for response, tags in zip(made, tags_of, strict=True):
        response.tags.add(*tags)
    services.update_responses(Response.objects.filter(pk=made[2].pk), channel="paper")
    spam = answer(make_user("spam@example.org"), {}, country="SY")
    spam.tags.add("housing")
    services.update_responses(Response.objects.filter(pk=spam.pk), spam=True)
    return made


def test_tags_by_country_and_by_channel(consultation, tagged):
    table = tag_crosstab(consultation.pk, "country")
    assert [value for value, _label in table.columns] == ["SY", "UA"]
    assert table.columns[0][1] == "Syria"
    assert table.rows == [("housing", [2, 1], 3), ("work", [1, 1], 2)]  # spam not counted
    assert table.totals == [3, 2]
    by_channel = tag_crosstab(consultation.pk, "channel")
    assert by_channel.columns == [("online", "Online"), ("paper", "Paper")]
    assert by_channel.rows[0] == ("housing", [2, 1], 3)


def test_one_query_whatever_the_number_of_answers(consultation, tagged, answer, make_user):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            tag_crosstab(consultation.pk, "language")
        return len(captured)

    before = queries()
    for n in range(6):
        answer(make_user(f"more{n}@example.org"), {}).tags.add("housing", f"tag {n}")
    assert queries() == before == 1


def test_the_admin_page_shows_the_table_and_the_csv(client, editor, consultation, tagged):
    client.force_login(editor)
    url = f"/admin/consultations/{consultation.pk}/crosstab/"
    body = client.get(url, {"by": "country"}).content.decode()
    assert '<th scope="row">housing</th><td>3</td><td>2<br><meter' in body
    assert "Syria" in body
    response = client.get(url, {"by": "country", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Tag", "Answers", "Syria", "Ukraine"]
    assert rows[2] == ["housing", "3", "2", "1"]
    assert rows[-1] == ["All tagged answers", "5", "3", "2"]


def test_an_unknown_grouping_says_so_and_shows_answers_by_type(client, editor, consultation):
    client.force_login(editor)
    response = client.get(f"/admin/consultations/{consultation.pk}/crosstab/", {"by": "x"})
    assert response.status_code == 200
    assert "There is no such grouping" in response.content.decode()


def test_only_the_consultations_editors_may_read_it(client, make_user, consultation):
    client.force_login(make_user("stranger@example.org", is_staff=True))
    response = client.get(f"/admin/consultations/{consultation.pk}/crosstab/")
    assert response.status_code in (302, 403)


def test_the_chart_folds_groups_past_seven_into_others():
    table = CrossTab(
        dimension="country",
        columns=[(f"C{n}", f"Country {n}") for n in range(9)],
        rows=[("housing", list(range(1, 10)), 45), ("work", [1] * 9, 9)],
        totals=[2, 3, 4, 5, 6, 7, 8, 9, 10],
    )
    chart = table.chart("Tags by country")
    assert chart.categories == ["housing", "work"] and chart.stacked and chart.horizontal
    assert [name for name, _values in chart.series][-2:] == ["Country 6", "Others"]
    assert chart.series[-1][1] == [8 + 9, 2]  # the last two groups, per row
    assert table.largest == 9


def test_a_source_of_labels_per_answer_adds_rows_in_a_few_lines(consultation, tagged):
    """How the topics (answer id -> labels) plug in: answers_by_label and a RowSource."""
    labels_of = {tagged[0].pk: ["fees", "time"], tagged[1].pk: ["fees"], tagged[3].pk: ["time"]}
    register_row_source(
        RowSource(
            "labels",
            "Labels",
            lambda consultation_id, field, only: answers_by_label(
                consultation_id, field, labels_of, only
            ),
        )
    )
    try:
        table = crosstab(consultation.pk, "country", "labels")
        assert table.columns == [("SY", "Syria"), ("UA", "Ukraine")]
        assert table.rows == [("fees", [2, 0], 2), ("time", [1, 1], 2)]
        assert crosstab(consultation.pk, "country", "labels", only={"time"}).rows == [
            ("time", [1, 1], 2)
        ]
    finally:
        ROW_SOURCES.pop("labels")


def test_the_admin_page_draws_a_chart_beside_the_table(client, editor, consultation, tagged):
    client.force_login(editor)
    body = client.get(f"/admin/consultations/{consultation.pk}/crosstab/", {"by": "channel"})
    html = body.content.decode()
    chart = html.index('role="img"')
    assert chart < html.index('<table class="listing"')  # the chart, then its figures
    assert "<title" in html[chart - 400 : chart + 400] and "Tags by Channel" in html


def test_the_xlsx_export_has_a_sheet_of_tags_per_grouping(client, editor, consultation, tagged):
    from openpyxl import load_workbook

    client.force_login(editor)
    response = client.get(f"/admin/consultations/{consultation.pk}/responses.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == [
        "Responses",
        "Tags by Respondent type",
        "Tags by Country",
        "Tags by Language (declared)",
        "Tags by Language (detected)",
        "Tags by Organisation kind",
        "Tags by Channel",
        "Columns",
    ]
    rows = list(workbook["Tags by Country"].iter_rows(values_only=True))
    assert rows == [
        ("Tag", "Answers", "Syria", "Ukraine"),
        ("housing", 3, 2, 1),
        ("work", 2, 1, 1),
        ("All tagged answers", 5, 3, 2),
    ]


def test_published_tags_show_in_what_we_heard_and_the_summary(
    client, editor, consultation, tagged, answer, make_user
):
    from pypdf import PdfReader

    from participation.audit.models import AuditEvent
    from participation.documents.services import build_now

    heard = consultation.url + "what-we-heard/"
    assert "What the answers were about" not in client.get(heard).content.decode()
    client.force_login(editor)
    url = f"/admin/consultations/{consultation.pk}/crosstab/"
    page = client.get(url).content.decode()
    assert 'name="published" value="housing"' in page and "checked" not in page
    saved = client.post(url, {"published": ["housing", "no such tag"]}, follow=True)
    assert "What we heard now shows 1 tag." in saved.content.decode()
    assert 'value="housing" id="published-1" checked' in saved.content.decode()
    assert AuditEvent.objects.filter(action="tags.published").count() == 1
    client.logout()

    def shown():
        with CaptureQueriesContext(connection) as captured:
            html = client.get(heard).content.decode()
        return html, len(captured)

    html, few = shown()
    section = html[html.index("What the answers were about") :]
    assert '<th scope="row">housing</th><td>3</td><td>3</td>' in section  # all individuals
    assert ">work<" not in html  # not published: editors only
    # Charts drawn for a phone, a legend in the page's text where there are several series.
    assert 'class="pygal-chart-narrow"' in section and "chart-legend" not in section
    assert html.count('class="chart-legend"') == html.count('class="question-summary"') - 1
    for n in range(4):
        answer(make_user(f"late{n}@example.org"), {}).tags.add("housing")
    html, many = shown()
    assert '<th scope="row">housing</th><td>7</td>' in html and many == few

    built = build_now("consultations.summary", {"consultation": consultation.pk, "lang": "en"})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(built.content)).pages)
    assert "What the answers were about" in text and "housing" in text and "work" not in text
