"""Indicator values from a CSV file: checked row by row, imported all or nothing.

Columns (header row required, in any order): ``indicator,country,city,year,value``; ``city``
may be left out. ``indicator`` is an indicator's code, ``country`` an ISO 3166-1 alpha-2 code,
``value`` a number (a decimal point or comma). An existing value for the same indicator, place
and year is replaced; the same place and year twice in one file is an error.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from . import conf
from .models import Indicator, IndicatorValue
from .versions import bump

REQUIRED = ("indicator", "country", "year", "value")
OPTIONAL = ("city",)
MAX_ROWS = 100_000
MAX_REJECTED_SHOWN = 200


def max_upload_bytes() -> int:
    return conf.get("MAX_UPLOAD_BYTES")


@dataclass
class Rejected:
    line: int
    reason: str
    row: str = ""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    error: str = ""  # a problem with the whole file

    @property
    def ok(self) -> bool:
        return not self.error and not self.rejected

    @property
    def imported(self) -> int:
        return self.created + self.updated


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _number(text: str) -> Decimal | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        return None
    return value.quantize(Decimal("0.0001"))


def import_values(upload, theme=None) -> ImportReport:
    """Read ``upload`` (a file object with ``.size`` or bytes); import nothing unless every row
    is good. ``theme``: only that theme's indicators may be named."""
    report = ImportReport()
    size = getattr(upload, "size", None)
    if size is None and isinstance(upload, bytes | bytearray):
        size = len(upload)
    limit = max_upload_bytes()
    if size is not None and size > limit:
        report.error = _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": round(size / 1024 / 1024, 1),
            "limit": round(limit / 1024 / 1024, 1),
        }
        return report
    data = upload if isinstance(upload, bytes | bytearray) else upload.read(limit + 1)
    if len(data) > limit:
        report.error = _("The file is larger than the limit of %(limit)s MB.") % {
            "limit": round(limit / 1024 / 1024, 1)
        }
        return report
    text = _decode(bytes(data))
    if text is None or "\x00" in text:
        report.error = _("This is not a CSV text file.")
        return report
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        report.error = _("The file is empty.")
        return report
    header = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(header)) != len(header):
        parts = []
        if missing:
            parts.append(_("missing: %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown: %(columns)s") % {"columns": ", ".join(unknown)})
        if len(set(header)) != len(header):
            parts.append(_("a column is repeated"))
        report.error = _(
            "Wrong columns (%(problems)s). The first row must name the columns "
            "indicator, country, city, year, value."
        ) % {"problems": "; ".join(parts)}
        return report
    position = {name: header.index(name) for name in header}
    indicators = Indicator.objects.all()
    if theme is not None:
        indicators = indicators.filter(theme=theme)
    by_slug = {i.slug: i for i in indicators}
    seen = {}
    good = []
    try:
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if line > MAX_ROWS + 1:
                report.error = _("Too many rows: at most %(max)s.") % {"max": MAX_ROWS}
                return report
            shown = ",".join(row)[:200]
            if len(row) != len(header):
                report.rejected.append(
                    Rejected(
                        line,
                        _("%(found)s cells where the header has %(expected)s.")
                        % {"found": len(row), "expected": len(header)},
                        shown,
                    )
                )
                continue

            def cell(name, row=row):
                return row[position[name]].strip() if name in position else ""

            reasons = []
            indicator = by_slug.get(cell("indicator"))
            if indicator is None:
                reasons.append(
                    _("Unknown indicator “%(code)s”.") % {"code": cell("indicator")[:60]}
                )
            code = cell("country").upper()
            if code not in countries:
                reasons.append(_("Unknown country code “%(code)s”.") % {"code": code[:10]})
            city = cell("city")[:100]
            year_text = cell("year")
            year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
            if year is None or not 1900 <= year <= 2100:
                reasons.append(_("The year “%(year)s” is not a year.") % {"year": year_text[:10]})
            value = _number(cell("value"))
            if value is None:
                reasons.append(
                    _("The value “%(value)s” is not a number.") % {"value": cell("value")[:20]}
                )
            if not reasons:
                key = (indicator.pk, code, city.casefold(), year)
                if key in seen:
                    reasons.append(
                        _("Duplicate: line %(line)s already gives this indicator, place and year.")
                        % {"line": seen[key]}
                    )
                else:
                    seen[key] = line
            if reasons:
                report.rejected.append(Rejected(line, " ".join(reasons), shown))
                continue
            good.append((indicator, code, city, year, value))
    except csv.Error as error:
        report.error = _("The file could not be read as CSV: %(error)s") % {
            "error": str(error)[:200]
        }
        return report
    if report.rejected:
        return report
    if not good:
        report.error = _("The file has no rows of values.")
        return report
    _write(good, report)
    return report


@transaction.atomic
def _write(rows, report: ImportReport) -> None:
    indicator_ids = {indicator.pk for indicator, *_rest in rows}
    existing = {
        (v.indicator_id, v.country.code, v.city.casefold(), v.year): v
        for v in IndicatorValue.objects.filter(indicator_id__in=indicator_ids)
    }
    new, changed = [], []
    for indicator, code, city, year, value in rows:
        found = existing.get((indicator.pk, code, city.casefold(), year))
        if found is None:
            new.append(
                IndicatorValue(indicator=indicator, country=code, city=city, year=year, value=value)
            )
        else:
            found.value = value
            changed.append(found)
    IndicatorValue.objects.bulk_create(new, batch_size=1000)
    if changed:
        from django.utils import timezone

        now = timezone.now()
        for value in changed:
            value.updated_at = now
        IndicatorValue.objects.bulk_update(changed, ["value", "updated_at"], batch_size=1000)
    report.created, report.updated = len(new), len(changed)
    bump()  # bulk writes send no signal: the board's cached copies follow (same transaction)
