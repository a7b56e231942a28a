"""The score sheet through the documents engine's spreadsheet helpers: CSV, XLSX, background."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from review_helpers import full_scores

from participation.audit.services import history
from participation.documents import services as documents
from participation.documents.models import GeneratedDocument
from participation.review import services
from participation.review.exports import clean_params

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(world):
    alice, bruno = world.reviewers[:2]
    for reviewer, scores, comments in (
        (alice, full_scores(4, 12, note=1), '=HYPERLINK("http://evil")'),
        (bruno, full_scores(2, 6), "Solid; كلام جيد"),
    ):
        assignment = services.add_assignment(world.phase, world.items[0], reviewer, world.editor)
        services.save_review(
            assignment,
            reviewer.user,
            scores=scores,
            comments=comments,
            expected_version=0,
            submit=True,
        )
    return world


def test_csv_has_a_column_per_criterion_and_the_weighted_total(client, reviewed):
    client.force_login(reviewed.editor)
    url = reverse("review_admin:score_sheet", args=[reviewed.process.pk, "csv"])
    response = client.get(url + f"?phase={reviewed.phase.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Reviewer"] for r in rows] == ["Alice", "Bruno"]
    assert rows[0]["Relevance"] == "4" and rows[0]["Experience"] == "12"
    assert rows[0]["Gut feeling"] == "1" and rows[1]["Gut feeling"] == ""
    assert rows[0]["Weighted total"] == "20.0" and rows[1]["Weighted total"] == "10.0"
    assert rows[0]["Comments"].startswith("'=")  # formula neutralised
    assert rows[1]["Comments"] == "Solid; كلام جيد"
    assert rows[0]["Title"] == "Application of Applicant Zed0"
    assert history(reviewed.process).filter(action="export.score_sheet").exists()


def test_xlsx_opens_with_numbers_as_numbers(client, reviewed):
    client.force_login(reviewed.editor)
    response = client.get(reverse("review_admin:score_sheet", args=[reviewed.process.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Phase", "Number", "Title"] and "Weighted total" in header
    first = [cell.value for cell in sheet[2]]
    assert first[header.index("Relevance")] == 4
    assert first[header.index("Weighted total")] == 20


def test_unknown_format_or_phase(client, reviewed, make_process):
    client.force_login(reviewed.editor)
    base = reverse("review_admin:score_sheet", args=[reviewed.process.pk, "pdf"])
    assert client.get(base).status_code == 404
    other = make_process(name="Other").phases.get()
    url = reverse("review_admin:score_sheet", args=[reviewed.process.pk, "csv"])
    assert client.get(url + f"?phase={other.pk}").status_code == 404


def test_score_sheet_in_the_background_as_a_document(reviewed):
    document = documents.request_document(
        "review.score_sheet",
        {"process": str(reviewed.process.pk), "format": "xlsx"},
        reviewed.editor,
    )
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE, document.error
    with document.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert sheet.max_row == 3


def test_background_parameters_are_checked(reviewed):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        clean_params({"process": "x"})
    with pytest.raises(ValidationError):
        clean_params({"process": reviewed.process.pk, "format": "pdf"})
    with pytest.raises(ValidationError):
        clean_params({"process": 99999})
    with pytest.raises(PermissionDenied):
        documents.request_document(
            "review.score_sheet", {"process": reviewed.process.pk}, reviewed.reviewers[0].user
        )
