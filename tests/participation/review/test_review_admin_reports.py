"""The audit trail of a process as a Wagtail report: editors read and filter it and download
it as CSV or XLSX; reviewers of the process and staff without the permission do not."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from participation.audit.services import history, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(world):
    record(world.process, world.editor, "review.reopened", item=4217, reason="Typo in score")
    record(world.process, world.editor, "conflict.declared", item=5309)
    return world


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_audit_report_editor_reads_filters_and_exports(client, trail):
    client.force_login(trail.editor)
    url = reverse("review_admin:audit", args=[trail.process.pk])
    body = client.get(url).content.decode()
    assert "4217" in body and "5309" in body and "Typo in score" in body
    assert "?export=csv" in body and "?export=xlsx" in body  # the report's download buttons
    filtered = client.get(url, {"action": "conflict."}).content.decode()
    assert "5309" in filtered and "4217" not in filtered
    results = client.get(reverse("review_admin:audit_results", args=[trail.process.pk]))
    assert results.status_code == 200 and "4217" in results.content.decode()

    events = history(trail.process).count()
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="audit-{trail.process.pk}.csv"'
    rows = _csv_rows(response)
    assert rows[0] == ["When", "Who", "Action", "Details"]
    assert len(rows) == 1 + events
    assert rows[1][2] == "conflict.declared" and rows[1][3] == '{"item": 5309}'
    assert rows[2][2] == "review.reopened" and '"reason": "Typo in score"' in rows[2][3]

    rows = _csv_rows(client.get(url, {"action": "review.reopened", "export": "csv"}))
    assert [row[2] for row in rows[1:]] == ["review.reopened"]

    response = client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0] == ("When", "Who", "Action", "Details") and len(values) == 1 + events


def test_audit_report_refused_to_reviewers_and_staff_without_permission(
    client, trail, make_user, with_totp
):
    url = reverse("review_admin:audit", args=[trail.process.pk])
    reviewer = trail.reviewers[0].user
    reviewer.is_staff = True
    reviewer.save()
    reviewer.user_permissions.add(Permission.objects.get(codename="change_reviewprocess"))
    staff = with_totp(make_user("staff@example.org", is_staff=True))
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for user in (reviewer, staff):
        client.force_login(user)
        for query in ({}, {"export": "csv"}):
            response = client.get(url, query)
            assert response.status_code in (302, 403), (user, query)
            assert b"4217" not in (b"" if response.streaming else response.content)


def test_items_report_editor_filters_and_exports(client, trail):
    from participation.review.models import ItemStatus, ReviewItem

    ReviewItem.objects.filter(pk=trail.items[1].pk).update(
        status=ItemStatus.RESERVE, reserve_rank=7
    )
    client.force_login(trail.editor)
    url = reverse("review_admin:items", args=[trail.process.pk])
    body = client.get(url).content.decode()
    assert "Secret Org Kappa" in body and "?export=xlsx" in body
    reserve = client.get(url, {"status": "reserve"}).content.decode()
    assert "Reserve 7" in reserve and "Secret Org Kappa" not in reserve

    rows = _csv_rows(client.get(url, {"export": "csv"}))
    assert rows[0][:4] == ["Number", "Title", "Organisation", "Submitted by"]
    assert rows[0][6:8] == ["Phase", "Status"]
    assert len(rows) == 1 + len(trail.items)
    assert [int(row[0]) for row in rows[1:]] == sorted(item.number for item in trail.items)
    assert "Secret Org Kappa" in rows[1]
    rows = _csv_rows(client.get(url, {"status": "reserve", "export": "csv"}))
    assert len(rows) == 2 and rows[1][7:] == ["Reserve", "7"]


def test_items_report_refused_to_reviewers(client, trail):
    reviewer = trail.reviewers[0].user
    reviewer.is_staff = True
    reviewer.save()
    for codename in ("access_admin", "change_reviewprocess"):
        reviewer.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(reviewer)
    url = reverse("review_admin:items", args=[trail.process.pk])
    for query in ({}, {"export": "csv"}):
        response = client.get(url, query)
        # Wagtail's admin turns the policy's refusal into a redirect to the dashboard
        assert (response.status_code, response.get("Location")) == (302, "/admin/")


def test_review_processes_listing_export(client, trail):
    client.force_login(trail.editor)
    response = client.get(reverse("review_processes:index"), {"export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="review-processes.csv"'
    rows = _csv_rows(response)
    assert rows[0][0] == "Name" and len(rows) == 2
    assert rows[1][0] == trail.process.name


@pytest.mark.parametrize("junk", ["x" * 5000, "\x00\x01", "<script>", "-1"])
def test_reports_junk_is_never_a_server_error(client, trail, junk):
    client.force_login(trail.editor)
    for name in ("audit", "items"):
        url = reverse(f"review_admin:{name}", args=[trail.process.pk])
        for query in ({"action": junk, "status": junk}, {"p": junk}, {"export": junk}):
            assert client.get(url, query).status_code < 500, (name, query)
        response = client.get(url, {"action": junk, "status": junk, "export": "csv"})
        assert response.status_code < 500
        if response.status_code == 200:
            b"".join(response.streaming_content)
