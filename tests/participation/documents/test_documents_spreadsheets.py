"""CSV streamed row by row and XLSX in write-only mode; formulas neutralised in both."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from participation.documents import spreadsheets
from participation.documents.models import GeneratedDocument
from participation.documents.spreadsheets import Column, csv_response, write_xlsx, xlsx_response

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x","y")']

COLUMNS = [
    Column("number", "Number", "number"),
    Column("name", "Name", "name"),
    Column("answer", "Answer", lambda row: row["answer"]),
    Column("when", "When", "when"),
    Column("score", "Score", "score"),
    Column("organisation", "Organisation", "organisation.name"),
]


def rows():
    for number, value in enumerate(DANGEROUS, start=1):
        yield {
            "number": number,
            "name": "مرحبا Привіт ሰላም",
            "answer": value,
            "when": datetime.datetime(2026, 3, 1, 10, 30, tzinfo=datetime.UTC),
            "score": Decimal("-1.5") if number == 1 else -3,
            "organisation": {"name": "Migrant Voices"},
        }


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_is_streamed_from_a_generator():
    response = csv_response(rows(), COLUMNS, "answers.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="answers.csv"'
    lines = spreadsheets.iter_csv(rows(), COLUMNS)
    assert next(lines) == "\ufeff" and next(lines).startswith("Number,Name")


def test_csv_neutralises_formulas_and_keeps_column_order():
    table = read_csv(csv_response(rows(), COLUMNS, "answers.csv"))
    assert table[0] == ["Number", "Name", "Answer", "When", "Score", "Organisation"]
    answers = [row[2] for row in table[1:]]
    assert answers == ["'" + value for value in DANGEROUS]
    first = table[1]
    assert first[1] == "مرحبا Привіт ሰላም"
    assert first[4] == "-1.5"  # a number stays a number
    assert first[5] == "Migrant Voices"


def test_xlsx_neutralises_formulas_and_keeps_types(tmp_path):
    path = tmp_path / "answers.xlsx"
    count = write_xlsx(rows(), COLUMNS, path, sheet_title="Answers: [all]")
    assert count == len(DANGEROUS)
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet.title == "Answers   all"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Number", "Name", "Answer", "When", "Score", "Organisation")
    assert [row[2] for row in values[1:]] == [
        "'" + value.replace("\r", "\n")
        for value in DANGEROUS  # XML keeps CR as a line end
    ]
    for row in sheet.iter_rows(min_row=2):
        assert row[2].data_type == "s"  # text, never a formula
    assert values[1][3] == datetime.datetime(2026, 3, 1, 11, 30)  # local time (Brussels)
    assert values[1][4] == -1.5 and values[2][4] == -3


def test_xlsx_strips_control_characters_and_clips_huge_cells(tmp_path):
    path = tmp_path / "x.xlsx"
    data = [{"text": "bell\x07 and \x00nul"}, {"text": "y" * 100_000}]
    write_xlsx(data, [Column("text", "Text")], path)
    values = [row[0] for row in load_workbook(path).active.iter_rows(values_only=True)]
    assert values[1] == "bell and nul"
    assert len(values[2]) == spreadsheets.XLSX_MAX_CELL


def test_xlsx_response_is_a_file_download():
    response = xlsx_response(rows(), COLUMNS, "answers.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "answers.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.max_row == len(DANGEROUS) + 1


def test_header_cells_are_neutralised_too():
    lines = list(spreadsheets.iter_csv([], [Column("x", "=cmd|' /C calc'!A0")], bom=False))
    assert lines == ["'=cmd|' /C calc'!A0\r\n"]


def test_rows_made_as_csv_cells_are_written_as_they_are_and_closed_with_the_export():
    closed = []

    def made():
        try:
            yield ["'=already neutralised", "a, b", "1"]
            yield ["x", "y", "z"]
        finally:
            closed.append(True)

    columns = [Column(key, key.upper()) for key in ("a", "b", "c")]
    lines = spreadsheets.iter_csv(spreadsheets.CsvCells(made()), columns, bom=False)
    assert next(lines) == "A,B,C\r\n"
    # Not neutralised twice; a cell with a comma still quoted by the csv module.
    assert next(lines) == '\'=already neutralised,"a, b",1\r\n'
    lines.close()  # a download cut short
    assert closed == [True]


@pytest.mark.django_db
def test_querysets_are_read_in_chunks(django_assert_max_num_queries):
    GeneratedDocument.objects.bulk_create(
        GeneratedDocument(kind="k", params={"n": n}, filename=f"=f{n}") for n in range(50)
    )
    queryset = GeneratedDocument.objects.order_by("pk")
    iterator = spreadsheets.iter_rows(queryset)
    assert not isinstance(iterator, list)
    with django_assert_max_num_queries(1):
        lines = list(
            spreadsheets.iter_csv(queryset, [Column("file", "File", "filename")], bom=False)
        )
    assert lines[1] == "'=f0\r\n" and len(lines) == 51


def test_csv_with_keys_has_the_headers_then_the_marked_keys():
    table = read_csv(csv_response(rows(), COLUMNS, "answers.csv", keys=True))
    assert table[0] == ["Number", "Name", "Answer", "When", "Score", "Organisation"]
    assert table[1] == ["key:" + column.key for column in COLUMNS]
    assert [row[2] for row in table[2:]] == ["'" + value for value in DANGEROUS]
    # Without keys (open data, review exports) nothing changes.
    assert read_csv(csv_response(rows(), COLUMNS, "answers.csv"))[1][0] == "1"


def test_xlsx_with_keys_lists_the_columns_on_a_second_sheet(tmp_path):
    path = tmp_path / "answers.xlsx"
    columns = [*COLUMNS[:2], Column("q1", "=Your view?", lambda row: "x", kind="long_text")]
    write_xlsx(rows(), columns, path, sheet_title="Answers", keys=True)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Answers", "Columns"]
    assert [c.value for c in workbook["Answers"][1]] == ["Number", "Name", "'=Your view?"]
    assert workbook["Answers"]["A2"].value == 1  # data right under the one header row
    listing = [[c.value for c in row] for row in workbook["Columns"].iter_rows()]
    assert listing == [
        ["Header", "Key", "Question type"],
        ["Number", "number", None],
        ["Name", "name", None],
        ["'=Your view?", "q1", "long_text"],
    ]
