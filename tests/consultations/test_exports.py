import csv
import io

import pytest
from pypdf import PdfReader

from consultations.demo_questionnaire import qid
from participation.documents.services import build_now

pytestmark = pytest.mark.django_db
APPLIED, PRIORITIES, PROPOSAL = qid("applied"), qid("priorities"), qid("proposal")


def test_csv_export_one_row_per_response_with_escaped_formulas(
    client, editor, consultation, answer, make_user
):
    answer(make_user("a@example.org"), {APPLIED: True, PROPOSAL: '=HYPERLINK("http://evil")'})
    answer(
        make_user("b@example.org"),
        {APPLIED: False, PRIORITIES: {"choices": ["time"]}, PROPOSAL: "مرحبا"},
    )
    client.force_login(editor)
    response = client.get(f"/admin/consultations/{consultation.pk}/responses.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[:3] == ["Receipt", "Submitted", "Respondent type"]
    assert "Your proposal in your own words" in header or "proposal" in header
    assert len(rows) == 4  # header, keys, two answers
    flat = "\n".join(",".join(r) for r in rows)
    assert "'=HYPERLINK" in flat and "مرحبا" in flat and "Shorter waiting times" in flat


def test_csv_export_headers_are_the_questions_with_keys_on_row_two(
    client, editor, consultation, answer, make_user
):
    from participation.questionnaire.structure import parse

    answer(make_user("a@example.org"), {APPLIED: True, PROPOSAL: "Shorter queues"})
    client.force_login(editor)
    response = client.get(f"/admin/consultations/{consultation.pk}/responses.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, keys, data = rows
    questions = parse(consultation.questionnaire).questions
    # Row 1: what a person reads, the fixed columns' names and then each question as asked.
    assert header[:2] == ["Receipt", "Submitted"]
    assert header[-len(questions) :] == [str(q.label) for q in questions]
    assert "discrimination" not in header and "story" not in header
    # Row 2: a key per column, marked as such; a script strips "key:".
    assert all(cell.startswith("key:") for cell in keys)
    stripped = [cell.removeprefix("key:") for cell in keys]
    assert stripped[:2] == ["receipt_number", "submitted_at"]
    assert stripped[-len(questions) :] == [q.key or q.id for q in questions]
    assert len(set(stripped)) == len(stripped)
    by_key = dict(zip(stripped, data, strict=True))
    assert by_key["proposal"] == "Shorter queues" and by_key["receipt_number"]


def test_xlsx_export_has_question_headers_and_a_columns_sheet(
    client, editor, consultation, answer, make_user
):
    from openpyxl import load_workbook

    from participation.questionnaire.structure import parse

    answer(make_user("a@example.org"), {APPLIED: True, PROPOSAL: "=1+1"})
    client.force_login(editor)
    response = client.get(f"/admin/consultations/{consultation.pk}/responses.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["Responses", "Columns"]
    rows = [[c for c in row] for row in workbook["Responses"].iter_rows(values_only=True)]
    assert len(rows) == 2  # one header row, one answer
    questions = parse(consultation.questionnaire).questions
    assert list(rows[0][-len(questions) :]) == [str(q.label) for q in questions]
    assert "'=1+1" in rows[1]  # formulas still neutralised
    listing = list(workbook["Columns"].iter_rows(values_only=True))
    assert listing[0] == ("Header", "Key", "Question type")
    assert listing[1][:2] == ("Receipt", "receipt_number")
    proposal = next(row for row in listing if row[1] == "proposal")
    label = next(str(q.label) for q in questions if q.key == "proposal")
    assert proposal == (label, "proposal", "long_text")
    assert len(listing) == 1 + len(rows[0])


def test_xlsx_export_and_staff_only(client, editor, user, consultation, answer):
    answer(user, {APPLIED: True})
    client.force_login(user)
    assert client.get(f"/admin/consultations/{consultation.pk}/responses.xlsx").status_code == 302
    client.force_login(editor)
    response = client.get(f"/admin/consultations/{consultation.pk}/responses.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_receipt_is_emailed_as_a_tagged_pdf(
    client, consultation, user, answer, django_capture_on_commit_callbacks
):
    from django.core import mail

    from consultations import tasks

    done = answer(user, {APPLIED: True, PROPOSAL: "ሰላም Привіт مرحبا"})
    tasks.send_confirmation.enqueue(done.pk)
    message = mail.outbox[-1]
    assert done.receipt_number in message.subject
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and name.endswith(".pdf")
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert done.receipt_number in text and "Привіт" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_summary_pdf_has_aggregates_charts_and_published_answers(consultation, answer, make_user):
    answer(
        make_user("a@example.org"),
        {APPLIED: True, PROPOSAL: "Published idea"},
        moderation="approved",
    )
    answer(
        make_user("b@example.org"),
        {APPLIED: False, PROPOSAL: "Private idea"},
        publication="private",
    )
    built = build_now("consultations.summary", {"consultation": consultation.pk, "lang": "en"})
    reader = PdfReader(io.BytesIO(built.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "What we heard" in text and "Published idea" in text
    assert "Private idea" not in text
    assert "Have you applied for recognition" in text


def test_what_we_heard_page_shows_charts_with_text_alternatives(client, consultation, answer, user):
    answer(user, {APPLIED: True, PRIORITIES: {"choices": ["time"]}})
    html = client.get(consultation.url + "what-we-heard/").content.decode()
    assert "<svg" in html and 'role="img"' in html


def _header(html: str) -> str:
    """The admin header's visible actions: the part before the "..." menu's dropdown."""
    start = html.index('class="w-slim-header')
    header = html[start : html.index("</header>", start)]
    return header.split('data-controller="w-dropdown"')[0]


def test_export_buttons_are_visible_in_the_consultation_admin_header(
    client, editor, consultation, make_user
):
    from django.urls import reverse

    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[consultation.pk])).content.decode()
    header = _header(html)
    for fmt in ("csv", "xlsx"):
        url = reverse("consultations_export", args=[consultation.pk, fmt])
        assert f'href="{url}"' in header
    assert "Export CSV" in header and "Export XLSX" in header
    # Someone who may not edit the consultation sees no export button.
    other = make_user("staff@example.org", is_staff=True)
    from participation import pages_access

    assert not pages_access.can_edit(other, consultation)
    from participation.documents.templatetags.documents_admin import visible_header_buttons

    assert visible_header_buttons(consultation, other) == []
    assert len(visible_header_buttons(consultation, editor)) == 2


def test_export_buttons_are_visible_on_the_responses_listing_of_one_consultation(
    client, editor, consultation
):
    from django.urls import reverse

    client.force_login(editor)
    url = reverse("consultations_export", args=[consultation.pk, "xlsx"])
    listing = client.get("/admin/consultations/responses/", {"consultation": consultation.pk})
    assert f'href="{url}"' in _header(listing.content.decode())
    # All consultations at once: there is no single export to offer.
    assert f'href="{url}"' not in client.get("/admin/consultations/responses/").content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_started_twice_gives_two_whole_files_while_answers_arrive(
    client, editor, consultation, answer, make_user, fmt
):
    """Issue 21's "an export started twice": two streams of the same export, read in turns,
    with an answer submitted between; each is a whole file with every answer of before it
    started, once."""
    from openpyxl import load_workbook

    before = [answer(make_user(f"{n}@example.org"), {APPLIED: n % 2 == 0}) for n in range(6)]
    client.force_login(editor)
    url = f"/admin/consultations/{consultation.pk}/responses.{fmt}"
    first, second = client.get(url), client.get(url)
    streams = [iter(first.streaming_content), iter(second.streaming_content)]
    parts = [[next(streams[0])], [next(streams[1])]]  # both under way
    answer(make_user("late@example.org"), {APPLIED: True})
    reading = [0, 1]
    while reading:
        for n in list(reading):
            chunk = next(streams[n], None)
            if chunk is None:
                reading.remove(n)
            else:
                parts[n].append(chunk)
    for chunks in parts:
        data = b"".join(chunks)
        if fmt == "csv":
            receipts = [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][2:]
        else:
            sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
            receipts = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert len(receipts) == len(set(receipts))  # none twice
        assert {r.receipt_number for r in before} <= set(receipts)
