"""CSV (streamed row by row) and XLSX (openpyxl write-only) exports of any rows a plugin hands over.

    columns = [
        Column("id", _("Number"), "pk"),
        Column("organisation", _("Organisation"), "organisation.name"),
        Column("submitted", _("Submitted"), lambda r: r.submitted_at),
        Column("answer", _("Answer"), lambda r: r.answers.get(block_id, "")),
    ]
    return csv_response(Response.objects.filter(...), columns, "responses.csv")
    return xlsx_response(Response.objects.filter(...), columns, "responses.xlsx")

Columns come out in the order given, always. For people and scripts at once (``keys=True``):
the CSV has the readable headers on row 1 and the stable keys on row 2, each written
``key:<key>`` so a reader sees what the row is; the XLSX keeps one header row and adds a sheet
"Columns" (header, key, question type). Querysets are read with ``.iterator()`` in chunks,
so memory stays flat however many rows there are. Text that a spreadsheet program would run as
a formula (starting with = + - @, a tab or a carriage return) is prefixed with a single quote in
both formats. Numbers, dates and booleans keep their type.
"""

import csv
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PREFIX_CHARS = frozenset(FORMULA_PREFIXES)
XLSX_MAX_CELL = 32_767  # Excel's limit per cell
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    """One column: a stable ``key``, a ``header`` for people, and how to get the value:
    an attribute path ("organisation.name", dict keys too), a function of the row, or a
    position in a tuple row (``values_list`` rows: the fastest for large exports)."""

    key: str
    header: Any
    value: str | int | Callable[[Any], Any] | None = None
    kind: str = ""  # what the column holds (a question type), listed on the XLSX "Columns" sheet

    def __post_init__(self):
        getter = self.value if self.value is not None else self.key
        if type(getter) is int:
            getter = itemgetter(getter)
        elif not callable(getter):
            getter = _path_getter(getter)
        object.__setattr__(self, "get", getter)


def _path_getter(path: str) -> Callable[[Any], Any]:
    parts = path.split(".")

    def step(current, part):
        if isinstance(current, dict):
            current = current.get(part)
        else:
            current = getattr(current, part, None)
        if callable(current) and not isinstance(current, type):
            current = current()
        return current

    if len(parts) == 1:  # the common case, without a call per step
        (part,) = parts

        def get_one(row):
            value = row.get(part) if type(row) is dict else getattr(row, part, None)
            if callable(value) and not isinstance(value, type):
                value = value()
            return value

        return get_one

    def get(row):
        current = row
        for part in parts:
            if current is None:
                return None
            current = step(current, part)
        return current

    return get


def neutralise(value: str) -> str:
    """'=1+1' -> "'=1+1": shown as text, never run as a formula."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return "; ".join(_text(item) for item in value)
    return force_str(value)


def csv_cell(value) -> str:
    kind = type(value)
    if kind is str:  # the common case first
        return "'" + value if value and value[0] in _PREFIX_CHARS else value
    if kind is int or kind is float or kind is Decimal:
        return str(value)
    return neutralise(_text(value))


def xlsx_cell(value):
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):  # Excel has no time zones: local wall time
            value = timezone.make_naive(timezone.localtime(value))
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value
    text = _ILLEGAL_XML.sub("", _text(value))
    text = neutralise(text)
    if len(text) > XLSX_MAX_CELL:
        text = text[: XLSX_MAX_CELL - 1] + "…"
    return text


@contextmanager
def streaming_transaction(using: str):
    """Hold this around reading a server-side cursor on PostgreSQL. Outside a transaction,
    Django declares the cursor WITH HOLD, and PostgreSQL then computes the whole result before
    the first row (seconds at 100,000 answers); inside one, rows come as they are found, all
    from one snapshot of the data. Elsewhere (SQLite reads as it goes; no server-side cursors
    behind a transaction pooler) nothing is needed."""
    connection = connections[using]
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
        or connection.in_atomic_block  # already in one: no savepoint needed
    ):
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            # A plan over a million rows crosses PostgreSQL's cost threshold for compiling it
            # (half a second before the first row, measured), which a plain scan gains nothing
            # from.
            cursor.execute("SET LOCAL jit = off")
        yield


def _streamed(queryset: QuerySet, chunk_size: int) -> Iterator:
    with streaming_transaction(queryset.db):
        yield from queryset.iterator(chunk_size=chunk_size)


def iter_rows(rows: Iterable, chunk_size: int = 2000) -> Iterator:
    if isinstance(rows, QuerySet):
        return _streamed(rows, chunk_size)
    return iter(rows)


def row_reader(columns: list[Column]) -> Callable[[Any], list | tuple]:
    """A function of a row giving the values of all the columns, in order. Leading columns
    that are positions in a tuple row are read with one ``itemgetter`` call."""
    getters = [column.get for column in columns]
    lead = 0
    while lead < len(columns) and type(columns[lead].value) is int:
        lead += 1
    if lead < 2:
        return lambda row: [get(row) for get in getters]
    take = itemgetter(*(column.value for column in columns[:lead]))
    if lead == len(columns):
        return take  # a tuple of all the values
    rest = getters[lead:]

    def read(row):
        values = list(take(row))
        values += [get(row) for get in rest]
        return values

    return read


class CsvCells:
    """Rows that are already their CSV cells: text, in the columns' order, neutralised as
    ``csv_cell`` does. ``iter_csv`` writes them as they are: a large export makes its cells in
    the loop that reads its rows, instead of going over every value a second time."""

    __slots__ = ("rows",)

    def __init__(self, rows: Iterable[list[str]]):
        self.rows = rows

    def __iter__(self):
        return iter(self.rows)

    def close(self) -> None:
        _close(self.rows)


def _csv_cells() -> Callable[[list], list]:
    """``csv_cell`` over a row's values, with text (most cells) handled inline and the time
    zone looked up once per export instead of once per date."""
    zone = timezone.get_current_timezone()
    local_text = _local_text(zone)

    def other(value):
        if value is None:
            return ""
        if type(value) is bool:
            return "true" if value else "false"
        if type(value) is datetime.datetime and value.tzinfo is not None:
            if value.tzinfo is datetime.UTC:
                return local_text(value)
            if value.utcoffset() is not None:
                return value.astimezone(zone).isoformat(" ", "seconds")
        return csv_cell(value)

    prefixes = _PREFIX_CHARS

    def cells(values):
        return [
            ("'" + value if value and value[0] in prefixes else value)
            if type(value) is str
            else ""
            if value is None
            else ("true" if value else "false")
            if type(value) is bool
            else other(value)
            for value in values
        ]

    return cells


def csv_utc_text(zone=None) -> Callable[[str | None], str]:
    """A function of a UTC moment written as text, as databases send it ("2026-03-01
    09:15:02.123456", with "+00" from PostgreSQL in UTC, or without fractions), giving the
    cell ``iter_csv`` writes for that moment as a datetime: the local time in ``zone`` (the
    current one by default) with its offset; "" for None.

    Why: parsing a million such texts into datetimes only to write them again took a tenth
    of a CSV export. Within one UTC hour where the zone's offset stays the same whole number
    of hours, the local text is the UTC text with the hour changed and the offset added;
    each hour is worked out once (through the datetime path, so the text is the same).
    Anything else (offsets in minutes, other shapes) goes through that path."""
    zone = zone or timezone.get_current_timezone()
    local_text = _local_text(zone)
    hours: dict[str, tuple[str, str] | None] = {}
    last = datetime.timedelta(seconds=3599, microseconds=999999)

    def full(text):
        moment = datetime.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return local_text(moment.astimezone(datetime.UTC))

    def splice(key):
        try:
            start = datetime.datetime.fromisoformat(key + ":00:00+00:00")
            first, end = start.astimezone(zone), (start + last).astimezone(zone)
        except (ValueError, OverflowError):
            return None
        offset = first.utcoffset()
        if offset != end.utcoffset() or offset.total_seconds() % 3600:
            return None
        text = local_text(start)  # what the datetime path writes for this hour's start
        return text[:13], text[19:]

    def utc_text(text):
        if text is None:
            return ""
        if text.endswith("+00"):
            text = text[:-3]
        if len(text) < 19 or text[10] != " " or (len(text) > 19 and text[19] != "."):
            return full(text)
        key = text[:13]
        known = hours.get(key, False)
        if known is False:
            known = splice(key)
            if len(hours) > 10_000:
                hours.clear()
            hours[key] = known
        if known is None:
            return full(text)
        return known[0] + text[13:19] + known[1]

    return utc_text


def _local_text(zone) -> Callable[[datetime.datetime], str]:
    """``value.astimezone(zone).isoformat(" ", "seconds")`` for a datetime in UTC, in a third
    of the time: within one hour of UTC a zone mostly has one offset (checked at both ends of
    the hour, else the full conversion), and the local time is then the UTC time shifted by
    it. The rows of an export fall in a few thousand hours."""
    hours: dict[tuple, tuple | None] = {}
    last = datetime.timedelta(seconds=3599, microseconds=999999)

    def full(value):
        return value.astimezone(zone).isoformat(" ", "seconds")

    def local_text(value):
        key = (value.year, value.month, value.day, value.hour)
        known = hours.get(key, False)
        if known is False:
            try:
                start = value.replace(minute=0, second=0, microsecond=0)
                first, end = start.astimezone(zone), (start + last).astimezone(zone)
            except OverflowError:  # the first or last hour there is
                return full(value)
            known = None
            if first.utcoffset() == end.utcoffset():  # isoformat: the offset after 19 chars
                known = (first.utcoffset(), first.isoformat()[19:])
            if len(hours) > 10_000:
                hours.clear()
            hours[key] = known
        if known is None:
            return full(value)
        shift, suffix = known
        try:
            return (value + shift).isoformat(" ", "seconds")[:19] + suffix
        except OverflowError:
            return full(value)

    return local_text


def _xlsx_cells() -> Callable[[list], list]:
    """``xlsx_cell`` over a row's values, the time zone looked up once per export."""
    zone = timezone.get_current_timezone()

    def cells(values):
        return [
            value.astimezone(zone).replace(tzinfo=None)
            if type(value) is datetime.datetime and value.utcoffset() is not None
            else xlsx_cell(value)
            for value in values
        ]

    return cells


class _Echo:
    def write(self, value):
        return value


KEY_PREFIX = "key:"


def key_cell(column: Column) -> str:
    """Row 2 of a CSV with keys: "key:receipt_number". Keys start with a letter, so the prefix
    also keeps them from reading as formulas; a script strips it (``removeprefix("key:")``)."""
    return KEY_PREFIX + column.key


def iter_csv(
    rows: Iterable, columns: list[Column], *, bom: bool = True, keys: bool = False
) -> Iterator[str]:
    """The CSV, line by line: header first (then the keys if ``keys``), then one line per
    row, as it is read."""
    writer = csv.writer(_Echo())
    if bom:  # lets Excel read UTF-8 (Arabic, Cyrillic, Ethiopic) without asking
        yield "\ufeff"
    yield writer.writerow([neutralise(_text(column.header)) for column in columns])
    if keys:
        yield writer.writerow([neutralise(key_cell(column)) for column in columns])
    read, cells, line = row_reader(columns), _csv_cells(), _csv_line(writer, len(columns))
    width = len(columns)
    # Rows that are already the columns' values, in order (tuples made for these columns):
    # taken as they are, without copying them.
    whole = [column.value for column in columns] == list(range(width))
    made = isinstance(rows, CsvCells)
    rows = iter_rows(rows)
    try:
        if made:
            yield from map(line, rows)
        else:
            for row in rows:
                if whole and type(row) is tuple and len(row) == width:
                    yield line(cells(row))
                else:
                    yield line(cells(read(row)))
    finally:
        _close(rows)  # at once, not when collected: it may hold a transaction open


def _close(rows) -> None:
    close = getattr(rows, "close", None)
    if close is not None:
        close()


def _csv_line(writer, width: int) -> Callable[[list], str]:
    """``writer.writerow`` for a row of text cells, faster: most rows need no quoting (no
    comma, quote or line break in any cell), and are then simply the cells joined by commas,
    which is what the csv module writes for them. The others go through the csv module."""
    writerow, commas = writer.writerow, width - 1

    def line(cells):
        text = ",".join(cells)
        if (
            '"' in text
            or "\n" in text
            or "\r" in text
            or text.count(",") != commas
            or (width == 1 and text == "")  # the csv module writes "" for a lone empty cell
        ):
            return writerow(cells)
        return text + "\r\n"

    return line


def csv_response(
    rows, columns, filename: str, *, bom: bool = True, keys: bool = False
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        iter_csv(rows, columns, bom=bom, keys=keys), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _sheet_title(title: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", " ", str(title or "Sheet")).strip() or "Sheet"
    return title[:31]


def write_xlsx(
    rows,
    columns,
    target,
    *,
    sheet_title: str = "Data",
    progress=None,
    keys: bool = False,
    sheets=(),
) -> int:
    """Write an XLSX file (a path or a binary file object) in openpyxl's write-only mode.
    Returns the number of data rows; calls ``progress(done)`` every 1000 rows if given.
    With ``keys``, a second sheet "Columns" lists each column's header, key and kind.
    ``sheets``: more sheets after the data, each ``(title, header, rows)`` (small tables)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=xlsx_cell(_text(column.header)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    sheet.freeze_panes = "A2"
    count = 0
    read, cells, append = row_reader(columns), _xlsx_cells(), sheet.append
    rows = iter_rows(rows)
    try:
        for row in rows:
            append(cells(read(row)))
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
    finally:
        _close(rows)
    for title, extra_header, extra_rows in sheets:
        _small_sheet(workbook, title, extra_header, extra_rows, bold)
    if keys:
        _columns_sheet(workbook, columns, bold)
    workbook.save(target)
    return count


def _small_sheet(workbook, title, header, rows, bold):
    from openpyxl.cell import WriteOnlyCell

    sheet = workbook.create_sheet(_sheet_title(title))
    cells = []
    for heading in header:
        cell = WriteOnlyCell(sheet, value=xlsx_cell(_text(heading)))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    sheet.freeze_panes = "B2"
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])


def _columns_sheet(workbook, columns, bold):
    from openpyxl.cell import WriteOnlyCell

    sheet = workbook.create_sheet(_sheet_title(_("Columns")))
    header = []
    for title in (_("Header"), _("Key"), _("Question type")):
        cell = WriteOnlyCell(sheet, value=xlsx_cell(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    sheet.freeze_panes = "A2"
    for column in columns:
        sheet.append([xlsx_cell(_text(column.header)), xlsx_cell(column.key), column.kind or None])


def xlsx_response(
    rows, columns, filename: str, *, sheet_title: str = "Data", keys: bool = False, sheets=()
) -> FileResponse:
    """An XLSX download, built in a temporary file (not in memory) and streamed from it."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(rows, columns, handle, sheet_title=sheet_title, keys=keys, sheets=sheets)
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response
