"""The commitments and indicators listings download as CSV/XLSX (Wagtail's listing export):
labels, not codes; related objects by name; as many queries for 30 rows as for 3."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.models import Commitment

pytestmark = pytest.mark.django_db

COMMITMENTS = "wagtailsnippets_monitoring_commitment:list"


def _rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


def _commitments(consultation, organisation, start, count):
    Commitment.objects.bulk_create(
        Commitment(
            title=f"Promise {i}",
            status=Commitment.Status.IN_PROGRESS if i % 2 else Commitment.Status.PLANNED,
            progress=i,
            consultation=consultation,
            owner_organisation=organisation,
        )
        for i in range(start, start + count)
    )


def _export(client, url):
    with CaptureQueriesContext(connection) as queries:
        rows = _rows(client.get(reverse(url), {"export": "csv"}))
    return len(queries), rows


def test_commitments_export_labels_and_constant_queries(
    admin_client, consultation, make_user, make_organisation
):
    organisation = make_organisation(make_user("o@example.org"), name="City Council")
    _commitments(consultation, organisation, 1, 3)
    _export(admin_client, COMMITMENTS)  # caches filled
    few, rows = _export(admin_client, COMMITMENTS)
    assert rows[0][:3] == ["Title", "Status", "Progress (%)"]
    assert len(rows) == 1 + 3
    first = next(row for row in rows if row[0] == "Promise 1")
    assert first[1] == "In progress" and first[2] == "1"
    assert consultation.title in first and "City Council" in first
    _commitments(consultation, organisation, 4, 27)
    many, rows = _export(admin_client, COMMITMENTS)
    assert len(rows) == 1 + 30
    assert few == many


def test_indicators_export(admin_client, make_indicator):
    make_indicator("overcrowding", theme="housing", source="Eurostat")
    response = admin_client.get(
        reverse("wagtailsnippets_monitoring_indicator:list"), {"export": "xlsx"}
    )
    assert response["Content-Disposition"].endswith('filename="indicators.xlsx"')
    rows = _rows(
        admin_client.get(reverse("wagtailsnippets_monitoring_indicator:list"), {"export": "csv"})
    )
    assert rows[0][:3] == ["Name", "Code", "Theme"]
    assert rows[1][:2] == ["Overcrowding", "overcrowding"] and "Eurostat" in rows[1]
    assert rows[1][2] == "Housing"


def test_commitments_export_refused_without_permission(client, make_user):
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Permission

    staff = make_user("staff@example.org", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(staff)
    response = client.get(reverse(COMMITMENTS), {"export": "csv"})
    assert response.status_code in (302, 403)
