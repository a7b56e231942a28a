"""A call's statistics as a Wagtail report: the charts and one row per value, downloadable as
CSV or XLSX; migrant background only for editors who may see it; editors of other pages and
plain members are refused."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def applications(make_user, make_application):
    for i in range(3):
        make_application(make_user(f"fr{i}@example.org"), country="FR", background="refugee")
    make_application(make_user("pl@example.org"), country="PL", profile="business", gender="man")


def _csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


def test_statistics_report_figures_and_downloads(client, call, editor, applications):
    client.force_login(editor)
    url = reverse("expertgroup_admin:statistics", args=[call.pk])
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "<svg" in body
    assert "4 submitted applications" in body
    assert "France" in body and "Poland" in body
    assert "?export=csv" in body and "?export=xlsx" in body
    results = client.get(reverse("expertgroup_admin:statistics_results", args=[call.pk]))
    assert results.status_code == 200 and "France" in results.content.decode()

    response = client.get(url, {"export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="statistics-meg-2027.csv"'
    rows = _csv_rows(response)
    assert rows[0] == ["Breakdown", "Value", "Applications"]
    assert ["Applications by country of residence", "France", "3"] in rows
    assert ["Applications by country of residence", "Poland", "1"] in rows
    assert ["Applications by gender", "Woman", "3"] in rows
    assert ["Applications by gender", "Man", "1"] in rows
    background = [row for row in rows if row[0] == "Applications by migrant background"]
    assert sorted(int(row[2]) for row in background) == [1, 3]
    # country 2 + profile 2 + area 1 + gender 2 + background 2
    assert len(rows) == 1 + 9

    response = client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0] == ("Breakdown", "Value", "Applications")
    assert ("Applications by country of residence", "France", 3) in values
    assert len(values) == 1 + 9


def test_statistics_report_without_sensitive_permission(client, call, plain_editor, applications):
    client.force_login(plain_editor)
    url = reverse("expertgroup_admin:statistics", args=[call.pk])
    rows = _csv_rows(client.get(url, {"export": "csv"}))
    assert ["Applications by country of residence", "France", "3"] in rows
    assert not [row for row in rows if row[0] == "Applications by migrant background"]
    assert len(rows) == 1 + 7


def test_statistics_report_refused_to_others(client, call, make_user, applications):
    url = reverse("expertgroup_admin:statistics", args=[call.pk])
    client.force_login(make_user("member@example.org"))
    for query in ({}, {"export": "csv"}):
        response = client.get(url, query)
        assert response.status_code in (302, 403)
        assert b"France" not in (b"" if response.streaming else response.content)
