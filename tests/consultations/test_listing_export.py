"""The responses listing's own download (Wagtail's listing export, the listing's columns, the
listing's filters); the full per-question export of a consultation stays ``export_responses``."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

URL = "consultation_responses:index"


def _rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


def _answers(answer, make_user, make_organisation, start, count):
    for i in range(start, start + count):
        user = make_user(f"r{i}@example.org")
        organisation = make_organisation(user, name=f"Voices {i}") if i % 2 else None
        answer(user, {}, organisation=organisation, country="FR" if i % 3 else "PL")


def _export_queries(client, fmt="csv"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(URL), {"export": fmt})
        body = b"".join(response.streaming_content)
    return len(queries), body


def test_responses_listing_export_columns_and_filters(
    client, consultation, answer, editor, make_user, make_organisation
):
    _answers(answer, make_user, make_organisation, 0, 3)
    client.force_login(editor)
    listing = client.get(reverse(URL)).content.decode()
    assert "export=csv" in listing and "export=xlsx" in listing
    response = client.get(reverse(URL), {"export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="responses.csv"'
    rows = _rows(response)
    assert rows[0][:5] == [
        "Receipt number",
        "Consultation",
        "Respondent type",
        "On behalf of",
        "Country",
    ]
    assert len(rows) == 1 + 3
    assert sorted(row[4] for row in rows[1:]) == ["France", "France", "Poland"]
    assert sorted(row[3] for row in rows[1:]) == ["", "", "Voices 1"]
    assert {row[1] for row in rows[1:]} == {"Recognition"}
    assert {row[2] for row in rows[1:]} == {"An individual", "On behalf of an organisation"}
    filtered = _rows(client.get(reverse(URL), {"country": "PL", "export": "csv"}))
    assert [row[4] for row in filtered[1:]] == ["Poland"]
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(reverse(URL), {"export": "xlsx"}).streaming_content))
    ).active
    assert len(list(sheet.values)) == 1 + 3


def test_responses_listing_export_queries_do_not_grow_with_rows(
    client, consultation, answer, editor, make_user, make_organisation
):
    _answers(answer, make_user, make_organisation, 0, 3)
    client.force_login(editor)
    _export_queries(client)  # the first request fills the caches (content types, site)
    few, body = _export_queries(client)
    assert body.count(b"\n") == 1 + 3
    _answers(answer, make_user, make_organisation, 3, 27)
    many, body = _export_queries(client)
    assert body.count(b"\n") == 1 + 30
    assert few == many
    assert _export_queries(client, "xlsx")[0] == many


def test_responses_listing_export_refused_without_rights(client, consultation, answer, make_user):
    _answers(answer, make_user, lambda *a, **k: None, 0, 1)
    client.force_login(make_user("member@example.org"))
    response = client.get(reverse(URL), {"export": "csv"})
    assert response.status_code in (302, 403)
