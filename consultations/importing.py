"""Bulk import of answers from a spreadsheet (issue 20 point 3): paper forms, workshops and
partner organisations' answers, typed into the consultation's template.

The template is the export's own format (consultations.documents): the fixed columns an
import can set (respondent type, country, language, publication, channel), then one column per
question, headed in any of the consultation's languages, with the keys on a second row (CSV)
or on the "Columns" sheet (XLSX), as the export writes them. An export can be imported too:
its other columns (receipt, moderation, ...) are listed as ignored.

Every row goes through the questionnaire engine's own fields (``make_field``: lengths,
choices, numbers, dates, rankings), its conditions (``drop_hidden``) and required answers
(``missing_required``). A choice is given by its stored value or by its label in any of the
consultation's languages. A file is checked first (a dry run: nothing written), then imported
in one transaction, rows streamed and inserted in chunks: one wrong row and nothing is kept.
Counts of "what we heard" follow in the same transaction (``services.answers_changed``).

Decisions: a closed consultation accepts imports (paper answers that arrived before the
deadline are normal), and the pages say so. Text is stored as written: a cell starting with
= + - or @ is text, never a formula (an XLSX formula is stored as its text, never evaluated);
the quote the export puts before such text is taken off again, so an export imports as it was.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django_countries import countries

from participation.accounts.languages import language_choices
from participation.documents.spreadsheets import FORMULA_PREFIXES, Column
from participation.i18n import submissions_page
from participation.questionnaire.blocks import DONT_KNOW
from participation.questionnaire.engine import drop_hidden, missing_required
from participation.questionnaire.export import display_value, merge_snapshots, snapshot
from participation.questionnaire.fields import OTHER_HTML, is_empty, make_field, required_message
from participation.questionnaire.structure import parse

from . import conf, services, snapshots
from .documents import _FIXED, _question_key
from .models import ImportBatch, Response

logger = logging.getLogger("consultations.importing")

PREVIEW_ROWS = 5
# The fixed columns an import sets, in the export's order; the export's other fixed columns
# (receipt, submitted, organisation, moderation, spam, campaign) are ignored when present.
FIXED_IMPORTED = ("respondent_type", "country", "language", "publication", "channel")
NOT_IMPORTED_TYPES = {"file_upload"}
KEY_PREFIX = "key:"
_SCALE = re.compile(r"^(-?\d+)(?:\s*[–-].*)?$")


def setting(name: str):
    """An import setting (``PARTICIPATION_CONSULTATIONS_IMPORT_<NAME>``, consultations/conf.py)."""
    return conf.get(f"IMPORT_{name}")


class ImportRefused(Exception):
    """The whole file is refused; the message is for the editor."""


def _norm(text) -> str:
    return " ".join(str(text).split()).casefold()


# -- the consultation's words in each of its languages -------------------------------------------


def consultation_languages(consultation) -> list[tuple[str, str]]:
    """(code, name) of the consultation's languages: its own and its live translations'."""
    from .printable import print_languages

    return print_languages(submissions_page(consultation))


@dataclass
class Vocabulary:
    """What the consultation calls its columns, options and answers in every language."""

    consultation: object
    questionnaire: object
    languages: list
    keys: dict = field(default_factory=dict)  # column key -> question id or fixed key
    headers: dict = field(default_factory=dict)  # normalised header -> (key, language)
    ignored: dict = field(default_factory=dict)  # normalised header or key -> shown text
    options: dict = field(default_factory=dict)  # question id -> {normalised label|value: value}
    others: dict = field(default_factory=dict)  # question id -> normalised "Other" labels
    dont_know: dict = field(default_factory=dict)  # question id -> normalised labels
    yes: set = field(default_factory=set)
    no: set = field(default_factory=set)
    fixed_choices: dict = field(default_factory=dict)  # fixed key -> {normalised: value}
    language_codes: dict = field(default_factory=dict)  # normalised code -> code

    @property
    def language_names(self) -> str:
        return ", ".join(name for _code, name in self.languages)


def question_keys(questionnaire) -> dict[str, str]:
    """{question id: column key} as the export names the questionnaire's columns."""
    taken = {key for key, _header in _FIXED}
    keys = {}
    for question in questionnaire.questions:
        column = SimpleNamespace(key=question.key, id=question.id)  # what _question_key reads
        keys[question.id] = _question_key(column, taken)
        taken.add(keys[question.id])
    return keys


def vocabulary(consultation) -> Vocabulary:
    from .printable import page_in

    consultation = submissions_page(consultation)
    questionnaire = parse(consultation.questionnaire)
    vocab = Vocabulary(consultation, questionnaire, consultation_languages(consultation))
    column_keys = question_keys(questionnaire)
    for question in questionnaire.questions:
        vocab.keys[column_keys[question.id]] = question.id
        vocab.keys[question.id] = question.id
        values = {_norm(o.value): o.value for o in question.options}
        vocab.options[question.id] = values
        vocab.others[question.id] = {"other", _norm(OTHER_HTML)}
        vocab.dont_know[question.id] = {DONT_KNOW}
    for key in FIXED_IMPORTED:
        vocab.keys[key] = key
    fixed_models = {
        "respondent_type": Response.RespondentType,
        "publication": Response.Publication,
        "channel": Response.Channel,
    }
    for key, choices in fixed_models.items():
        vocab.fixed_choices[key] = {_norm(value): value for value in choices.values}
    for code, _name in language_choices():
        vocab.language_codes[_norm(code)] = code
    vocab.yes.update({"yes", "true", "1", "x"})
    vocab.no.update({"no", "false", "0"})
    for code, _name in vocab.languages:
        with translation.override(code):
            page = page_in(consultation, code)
            translated = parse(page.questionnaire) if page.pk != consultation.pk else questionnaire
            for key, header in _FIXED:
                text = _norm(_(header))
                if key in FIXED_IMPORTED:
                    vocab.headers.setdefault(text, (key, code))
                else:
                    vocab.ignored.setdefault(text, _(header))
            for key, choices in fixed_models.items():
                for value, label in choices.choices:
                    vocab.fixed_choices[key].setdefault(_norm(label), value)
            vocab.yes.add(_norm(_("Yes")))
            vocab.no.add(_norm(_("No")))
            for question in translated.questions:
                if question.id not in questionnaire.by_id:
                    continue  # not (or no longer) in the original
                if question.type in NOT_IMPORTED_TYPES:
                    vocab.ignored.setdefault(_norm(question.label), question.label)
                    continue
                vocab.headers.setdefault(_norm(question.label), (question.id, code))
                for option in question.options:
                    vocab.options[question.id].setdefault(_norm(option.label), option.value)
                vocab.others[question.id].add(_norm(question.other_label))
                vocab.dont_know[question.id].add(_norm(question.dont_know_label))
    vocab.ignored.update({key: key for key, _header in _FIXED if key not in vocab.keys})
    # Questions removed since people answered: an export has their columns; not imported.
    for question_id, entry in merge_snapshots(snapshots.of_consultation(consultation.pk)).items():
        if question_id not in questionnaire.by_id:
            for name in (question_id, entry.get("key"), entry.get("label")):
                if name:
                    vocab.ignored.setdefault(_norm(name), entry.get("label") or question_id)
                    vocab.ignored.setdefault(name, entry.get("label") or question_id)
    for question in questionnaire.questions:
        if question.type in NOT_IMPORTED_TYPES:
            key = column_keys[question.id]
            vocab.ignored[key] = vocab.ignored[question.id] = question.label
            vocab.keys.pop(key, None)
            vocab.keys.pop(question.id, None)
    return vocab


# -- the template -------------------------------------------------------------------------------


def template_columns(consultation, language: str) -> list[Column]:
    """The template's columns in ``language`` (headers as the export writes them, the
    translation's question labels), with the export's keys."""
    from .printable import page_in

    consultation = submissions_page(consultation)
    questionnaire = parse(consultation.questionnaire)
    keys = question_keys(questionnaire)
    with translation.override(language):
        translated = parse(page_in(consultation, language).questionnaire)
        columns = [
            Column(key, _(header), None, kind="") for key, header in _FIXED if key in FIXED_IMPORTED
        ]
        for question in questionnaire.questions:
            if question.type in NOT_IMPORTED_TYPES:
                continue
            shown = translated.by_id.get(question.id) or question
            columns.append(Column(keys[question.id], shown.label, None, kind=question.type))
    return columns


# -- reading files ------------------------------------------------------------------------------


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    encoding: str  # of a CSV
    rows: Iterator  # (row number, list of cells), the header rows included
    column_keys: dict  # XLSX: normalised header -> key, from the "Columns" sheet


def _read_chunks(fileobj, size=1 << 16):
    fileobj.seek(0)
    while chunk := fileobj.read(size):
        yield chunk


def detect_encoding(fileobj) -> str:
    """UTF-8 or UTF-16 (with or without BOM), else Windows-1252; ImportRefused otherwise."""
    fileobj.seek(0)
    head = fileobj.read(4096)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in head:
        # UTF-16 without a BOM: ASCII letters leave a zero byte beside each (before in big
        # endian, after in little endian).
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even < odd // 4:
            encoding = "utf-16-le"
        elif even > len(head) // 4 and odd < even // 4:
            encoding = "utf-16-be"
        else:
            raise ImportRefused(_("This file is not a spreadsheet: save it as CSV or XLSX."))
    else:
        encoding = "utf-8"
    for candidate in (encoding, "cp1252") if encoding == "utf-8" else (encoding,):
        decoder = codecs.getincrementaldecoder(candidate)()
        try:
            for chunk in _read_chunks(fileobj):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return candidate
    raise ImportRefused(
        _("The text of this file is in an encoding that cannot be read: save it as CSV UTF-8.")
    )


def _text_lines(fileobj, encoding: str) -> Iterator[str]:
    """The decoded lines, ends kept, for the csv module (which joins quoted line breaks)."""
    rest = ""
    for text in codecs.iterdecode(_read_chunks(fileobj), encoding):
        text = rest + text
        lines = text.split("\n")
        rest = lines.pop()
        for line in lines:
            yield line + "\n"
    if rest:
        yield rest


def _delimiter(fileobj, encoding: str) -> str:
    first = next(_text_lines(fileobj, encoding), "")
    counted = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counted, key=lambda d: (counted[d], d == ","))


def _csv_rows(fileobj, encoding: str) -> Iterator:
    delimiter = _delimiter(fileobj, encoding)
    reader = csv.reader(_text_lines(fileobj, encoding), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise ImportRefused(
            _("Row %(row)s of the CSV file cannot be read (%(error)s).")
            % {"row": reader.line_num, "error": error}
        ) from None


def _xlsx_table(fileobj) -> Table:
    import zipfile

    from openpyxl import load_workbook

    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise ImportRefused(_("This file is not a spreadsheet: save it as CSV or XLSX.")) from None
    if "xl/workbook.xml" not in names:
        raise ImportRefused(_("This file is not a spreadsheet: save it as CSV or XLSX."))
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ImportRefused(_("This workbook contains macros: save it as XLSX without macros."))
    fileobj.seek(0)
    try:
        # data_only=False: a formula is read as its text, never as a computed value.
        workbook = load_workbook(fileobj, read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        logger.info("Unreadable XLSX: %r", error)
        raise ImportRefused(_("This XLSX file is damaged and cannot be read.")) from None
    column_keys = {}
    if len(workbook.worksheets) > 1:
        # The export's "Columns" sheet: header, key, question type.
        for row in workbook.worksheets[1].iter_rows(min_row=2, max_col=2, values_only=True):
            if len(row) == 2 and row[0] and row[1]:
                column_keys[_norm(row[0])] = str(row[1])

    def rows():
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # read to the last row, whatever the file declares
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(row)
        except Exception as error:  # noqa: BLE001 - as above, while streaming
            logger.info("Unreadable XLSX rows: %r", error)
            raise ImportRefused(_("This XLSX file is damaged and cannot be read.")) from None
        finally:
            workbook.close()

    return Table("xlsx", "", rows(), column_keys)


def open_table(fileobj) -> Table:
    """The rows of a CSV or XLSX file, recognised from its content, never from its name."""
    fileobj.seek(0)
    head = fileobj.read(8)
    if not head:
        raise ImportRefused(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_table(fileobj)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            _("This is an old Excel file (XLS): save it as XLSX or CSV, then upload it again.")
        )
    if head.startswith((b"%PDF", b"MZ", b"\x7fELF", b"\x89PNG", b"\xff\xd8", b"#!")):
        raise ImportRefused(_("This file is not a spreadsheet: save it as CSV or XLSX."))
    encoding = detect_encoding(fileobj)
    return Table("csv", encoding, _csv_rows(fileobj, encoding), {})


def cell_text(value) -> str:
    """A cell as text: numbers without a useless ".0", dates in ISO, the export's quote
    before formula-like text taken off (the text is stored, never evaluated)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text


# -- columns ------------------------------------------------------------------------------------


@dataclass
class Plan:
    columns: list  # (position in the row, key)
    ignored: list  # headers of columns not imported
    data_start: int  # the first data row's number
    language: str  # the language most headers are in


def plan_columns(table: Table, vocab: Vocabulary) -> Plan:
    """Which column is which: by the export's keys (row 2 of a CSV, the "Columns" sheet of an
    XLSX) or by the headers in any of the consultation's languages. An unknown column refuses
    the file (a typo would lose its answers silently)."""
    header = None
    for number, row in table.rows:
        if any(cell_text(c) for c in row):
            header = (number, [cell_text(c) for c in row])
            break
    if header is None:
        raise ImportRefused(_("The file has no header row: start from the template."))
    number, headers = header
    data_start = number + 1
    keys_row = None
    peeked = next(table.rows, None)
    if peeked is not None:
        cells = [cell_text(c) for c in peeked[1]]
        if any(c.startswith(KEY_PREFIX) for c in cells):
            keys_row, data_start = cells, peeked[0] + 1
        else:
            table.rows = _chain([peeked], table.rows)
    columns, ignored, unknown, seen = [], [], [], set()
    languages = Counter()
    for position, text in enumerate(headers):
        named = keys_row[position] if keys_row and position < len(keys_row) else ""
        named = named.removeprefix(KEY_PREFIX) if named.startswith(KEY_PREFIX) else ""
        named = named or table.column_keys.get(_norm(text), "")
        by_header = vocab.headers.get(_norm(text))
        if by_header is not None:
            languages[by_header[1]] += 1  # the language the file's headers are in
        if named in vocab.keys:
            key = vocab.keys[named]
        elif named in vocab.ignored or (not named and _norm(text) in vocab.ignored):
            key = None
        elif by_header is not None:
            key = by_header[0]
        else:
            key = None
        if key is None:
            if named in vocab.ignored or _norm(text) in vocab.ignored:
                ignored.append(text or named)
            elif text or named:
                unknown.append(text or named)
            continue  # else an empty column
        if key in seen:
            raise ImportRefused(_("The column “%(column)s” appears twice.") % {"column": text})
        seen.add(key)
        columns.append((position, key))
    if unknown:
        raise ImportRefused(
            _(
                "These columns are not in this consultation's template: %(columns)s. Rename or "
                "remove them (headers can be in %(languages)s), or start from the template."
            )
            % {
                "columns": ", ".join(f"“{c}”" for c in unknown),
                "languages": vocab.language_names,
            }
        )
    if not any(key in vocab.questionnaire.by_id for _position, key in columns):
        raise ImportRefused(
            _("No column of this consultation's questionnaire was found: start from the template.")
        )
    language = languages.most_common(1)[0][0] if languages else vocab.languages[0][0]
    return Plan(columns, ignored, data_start, language)


def _chain(first, rest):
    yield from first
    yield from rest


# -- rows ---------------------------------------------------------------------------------------


class RowError(Exception):
    pass


class Checker:
    """Checks rows against the questionnaire with the engine's own fields; one instance per
    file (fields and labels prepared once)."""

    def __init__(self, vocab: Vocabulary, plan: Plan):
        self.vocab, self.plan = vocab, plan
        self.questionnaire = vocab.questionnaire
        self.questions = [
            (position, self.questionnaire.by_id[key])
            for position, key in plan.columns
            if key in self.questionnaire.by_id
        ]
        self.fixed = [(p, key) for p, key in plan.columns if key not in self.questionnaire.by_id]
        # Required is decided after the conditions (missing_required): not by each field.
        self.fields = {
            question.id: make_field(question, required=False) for _p, question in self.questions
        }
        self.countries = {code.casefold(): code for code, _name in countries}
        self.dropped = 0

    def check(self, cells: list) -> tuple[dict, dict]:
        """(fields of the response, answers) of one row, or RowError with every reason."""
        errors = []
        values = {
            "respondent_type": Response.RespondentType.INDIVIDUAL,
            "country": "",
            "language": self.plan.language,
            "publication": Response.Publication.PRIVATE,
            "channel": Response.Channel.IMPORT,
        }
        for position, key in self.fixed:
            text = cell_text(cells[position]) if position < len(cells) else ""
            if not text:
                continue
            try:
                values[key] = self._fixed(key, text)
            except ValidationError as error:
                errors.append(f"{self._header(key)}: {' '.join(error.messages)}")
        if values["respondent_type"] == Response.RespondentType.ORGANISATION:
            # An answer on behalf of an organisation belongs to its account (one per
            # organisation, drafted by its members); an imported one would count as a person's
            # in the totals and as an organisation's in each question's figures.
            errors.append(
                f"{self._header('respondent_type')}: "
                + _(
                    "answers on behalf of an organisation cannot be imported: the organisation "
                    "answers through its account. Import it as an individual's answer or ask "
                    "the organisation to answer online."
                )
            )
        answers, failed = {}, set()
        for position, question in self.questions:
            raw = cells[position] if position < len(cells) else None
            text = cell_text(raw)
            if not text:
                continue
            try:
                answer = self.fields[question.id].clean(self._field_input(question, text))
            except ValidationError as error:
                failed.add(question.id)
                errors.append(f"“{question.label}”: {' '.join(error.messages)}")
                continue
            if not is_empty(question, answer):
                answers[question.id] = answer
        shown = drop_hidden(self.questionnaire, answers)
        self.dropped += len(answers) - len(shown)
        for question in missing_required(self.questionnaire, shown):
            if question.id not in failed:
                errors.append(f"“{question.label}”: {required_message(question)}")
        if errors:
            raise RowError(errors)
        return values, shown

    def _header(self, key: str) -> str:
        return _(dict(_FIXED)[key])

    def _fixed(self, key: str, text: str) -> str:
        if key == "country":
            code = self.countries.get(text.casefold())
            if code is None:
                for language, _name in self.vocab.languages:
                    code = countries.by_name(text, language=language) or None
                    if code:
                        break
            if not code:
                raise ValidationError(
                    _("“%(text)s” is not a country; use its two-letter code, like DE.")
                    % {"text": text}
                )
            return code
        if key == "language":
            code = self.vocab.language_codes.get(_norm(text))
            if code is None:
                raise ValidationError(
                    _("“%(text)s” is not a language code; use one like en, ar or fr.")
                    % {"text": text}
                )
            return code
        value = self.vocab.fixed_choices[key].get(_norm(text))
        if value is None:
            raise ValidationError(
                _("“%(text)s” is not one of: %(values)s.")
                % {
                    "text": text,
                    "values": ", ".join(dict.fromkeys(self.vocab.fixed_choices[key].values())),
                }
            )
        return value

    def _not_offered(self, question, text: str):
        return ValidationError(
            _(
                "“%(text)s” is not one of its options in %(languages)s. Use an option's value "
                "(%(values)s) or its label."
            )
            % {
                "text": text,
                "languages": self.vocab.language_names,
                "values": ", ".join(question.option_values),
            }
        )

    def _choice(self, question, text: str):
        """(value, None) or (None, other text) of one chosen option."""
        value = self.vocab.options[question.id].get(_norm(text))
        if value is not None:
            return value, None
        head, colon, rest = text.partition(":")
        if colon and _norm(head) in self.vocab.others[question.id] and rest.strip():
            return None, rest.strip()
        raise self._not_offered(question, text)

    def _field_input(self, question, text: str):
        kind = question.type
        if kind == "single_choice":
            value, other = self._choice(question, text)
            return {"choice": OTHER_HTML, "other": other} if other else {"choice": value}
        if kind == "multiple_choice":
            # One label as it is (it may hold a ";"), else the export's "a; b; c".
            if _norm(text) in self.vocab.options[question.id]:
                parts = [text]
            else:
                parts = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
            chosen, other = [], ""
            for part in parts:
                value, other_text = self._choice(question, part)
                if other_text:
                    chosen.append(OTHER_HTML)
                    other = other_text
                else:
                    chosen.append(value)
            return {"choices": chosen, "other": other}
        if kind == "ranking":
            parts = [p for p in re.split(r"(?:^|[;,\n]\s*)\d+\.\s+|[;\n]", text) if p.strip()]
            if len(parts) == 1 and "," in parts[0]:
                parts = parts[0].split(",")
            return [self._choice(question, p.strip())[0] or "" for p in parts]
        if kind == "scale":
            if _norm(text) in self.vocab.dont_know[question.id]:
                return DONT_KNOW
            match = _SCALE.match(text)  # "4", or "4 – Very difficult" as the form shows it
            return match.group(1) if match else text
        if kind in ("yes_no", "consent"):
            if _norm(text) in self.vocab.yes:
                return "yes" if kind == "yes_no" else True
            if _norm(text) in self.vocab.no:
                return "no" if kind == "yes_no" else False
            raise ValidationError(
                _("Answer yes or no (in any of %(languages)s).")
                % {"languages": self.vocab.language_names}
            )
        return text


# -- running a batch ----------------------------------------------------------------------------


def file_hash(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in _read_chunks(fileobj):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def check_upload(upload) -> None:
    """What can be refused before anything is stored: size and kind."""
    limit = setting("MAX_BYTES")
    if upload.size > limit:
        from participation.files.checks import file_size

        raise ImportRefused(
            _("This file is %(size)s; an import can be at most %(max)s. Split it in parts.")
            % {"size": file_size(upload.size, round_up=True), "max": file_size(limit)}
        )
    open_table(upload)  # the kind, the encoding
    upload.seek(0)


def _progress_key(batch_id: int) -> str:
    return f"consultations:import:{batch_id}"


def progress_of(batch) -> int:
    """Rows done: of the import, from the cache (its transaction hides the row's updates),
    else of the check."""
    return cache.get(_progress_key(batch.pk)) or batch.rows_done


class _Stop(Exception):
    """Leaves the import's transaction: nothing is kept."""


def _preview(checker: Checker, number: int, values: dict, answers: dict) -> dict:
    shown = [values[key] for key in FIXED_IMPORTED]
    for _position, question in checker.questions:
        shown.append(display_value(question, answers.get(question.id)))
    return {"row": number, "cells": shown}


def process(batch: ImportBatch, *, commit: bool, on_progress=None) -> dict:
    """Check the batch's file (and import it when ``commit``); returns the report. The import
    is one transaction: any wrong row and nothing of the file is kept."""
    vocab = vocabulary(batch.consultation)
    listed = setting("LISTED_ERRORS")
    chunk_size = setting("CHUNK")
    max_rows = setting("MAX_ROWS")
    report = {
        "errors": [],
        "error_rows": 0,
        "valid": 0,
        "rows": 0,
        "preview": [],
        "by_channel": {},
        "by_respondent_type": {},
        "notes": [],
    }
    consultation = vocab.consultation
    with batch.file.open("rb") as handle:
        table = open_table(handle)
        plan = plan_columns(table, vocab)
        checker = Checker(vocab, plan)
        report["columns"] = [
            str(_(dict(_FIXED)[key]))
            if key in FIXED_IMPORTED
            else vocab.questionnaire.by_id[key].label
            for _p, key in plan.columns
        ]
        report["preview_headers"] = [str(_(dict(_FIXED)[key])) for key in FIXED_IMPORTED] + [
            question.label for _p, question in checker.questions
        ]
        report["ignored"] = plan.ignored
        report["language"] = plan.language
        snap = snapshot(vocab.questionnaire)
        now = timezone.now()
        by_channel, by_type = Counter(), Counter()
        pending: list[Response] = []

        def flush():
            if pending:
                Response.objects.bulk_create(pending)
                pending.clear()

        def rows_and_write():
            for number, cells in table.rows:
                if number < plan.data_start:
                    continue
                if not any(cell_text(c) for c in cells):
                    continue  # a blank line
                report["rows"] += 1
                if report["rows"] > max_rows:
                    raise ImportRefused(
                        _("An import can have at most %(max)s rows; split the file in parts.")
                        % {"max": number_format(max_rows, force_grouping=True)}
                    )
                try:
                    values, answers = checker.check(cells)
                except RowError as error:
                    report["error_rows"] += 1
                    if len(report["errors"]) < listed:
                        report["errors"].append({"row": number, "reasons": error.args[0]})
                    pending.clear()
                else:
                    report["valid"] += 1
                    by_channel[values["channel"]] += 1
                    by_type[values["respondent_type"]] += 1
                    if len(report["preview"]) < PREVIEW_ROWS:
                        report["preview"].append(_preview(checker, number, values, answers))
                    if commit and not report["error_rows"]:
                        response = Response(
                            consultation=consultation,
                            status=Response.Status.SUBMITTED,
                            answers=answers,
                            questionnaire_snapshot=snap,
                            receipt_number=f"CONS-I{batch.pk}-{report['rows']:06d}",
                            submitted_at=now,
                            import_batch=batch,
                            **values,
                        )
                        response.search_text = services.search_text(response)
                        pending.append(response)
                        if len(pending) >= chunk_size:
                            flush()
                if report["rows"] % 1000 == 0 and on_progress is not None:
                    on_progress(report["rows"])

        if commit:
            try:
                with transaction.atomic():
                    rows_and_write()
                    if report["error_rows"] or not report["valid"]:
                        raise _Stop
                    flush()
                    # Counted as every answer added in bulk is (the counts and the version after
                    # the answers, the order of counts.py), with the questionnaire's snapshot.
                    services.count_added(Response.objects.filter(import_batch=batch))
                    updated = ImportBatch.objects.filter(
                        pk=batch.pk, status=ImportBatch.Status.IMPORTING
                    ).update(
                        status=ImportBatch.Status.IMPORTED,
                        imported_at=timezone.now(),
                        row_count=report["valid"],
                        rows_done=report["rows"],
                    )
                    if not updated:
                        raise _Stop
            except _Stop:
                pass
        else:
            rows_and_write()
    report["by_channel"] = dict(by_channel.most_common())
    report["by_respondent_type"] = dict(by_type.most_common())
    if checker.dropped:
        report["notes"].append(
            _(
                "%(count)s answers to questions that did not apply (their condition was not "
                "met) are left out, as the online form leaves them out."
            )
            % {"count": number_format(checker.dropped, force_grouping=True)}
        )
    if report["error_rows"] > len(report["errors"]):
        report["notes"].append(
            _("Only the first %(listed)s of %(count)s rejected rows are listed.")
            % {
                "listed": number_format(len(report["errors"]), force_grouping=True),
                "count": number_format(report["error_rows"], force_grouping=True),
            }
        )
    if not report["rows"]:
        report["notes"].append(_("The file has no rows of answers."))
    return report


def closed_note(consultation) -> str:
    """Imports are allowed whatever the consultation's state; outside its window, say so."""
    if consultation.is_open:
        return ""
    return _(
        "This consultation is not open (%(state)s). You can still import answers, for example "
        "paper answers that arrived before the deadline; they are counted at once."
    ) % {"state": consultation.get_state_display()}


def _finish(batch: ImportBatch, status: str, report: dict) -> None:
    if batch.file:
        batch.file.delete(save=False)  # the answers are in the database now, or refused
    batch.status, batch.report = status, report
    batch.save(update_fields=["status", "report", "file"])


def run(batch_id: int, commit: bool) -> str:
    """Check (and with ``commit`` import) one batch; the status it ends in. Never raises for a
    bad file: the reason goes into the batch's report."""
    batch = ImportBatch.objects.select_related("consultation").get(pk=batch_id)
    expected = ImportBatch.Status.IMPORTING if commit else ImportBatch.Status.CHECKING
    if batch.status != expected:
        return batch.status
    if not batch.file:  # removed by hand, or a lost storage
        _finish(batch, ImportBatch.Status.REJECTED, {"refused": _("The file is missing.")})
        return batch.status
    language = (batch.report or {}).get("editor_language") or settings.LANGUAGE_CODE
    key = _progress_key(batch.pk)

    def on_progress(done):
        if commit:
            cache.set(key, done, 3600)
        else:
            ImportBatch.objects.filter(pk=batch.pk).update(rows_done=done)

    with translation.override(language):
        try:
            report = process(batch, commit=commit, on_progress=on_progress)
        except ImportRefused as refused:
            _finish(batch, ImportBatch.Status.REJECTED, {"refused": str(refused)})
            return batch.status
        except IntegrityError:
            # Another batch of the same file was imported meanwhile (one_import_per_file).
            _finish(
                batch,
                ImportBatch.Status.REJECTED,
                {"refused": _("This file has already been imported into this consultation.")},
            )
            return batch.status
        finally:
            cache.delete(key)
        report["editor_language"] = language
        note = closed_note(batch.consultation)
        if note:
            report["notes"].insert(0, note)
    batch.refresh_from_db(fields=["status"])
    if batch.status == ImportBatch.Status.IMPORTED:
        _finish(batch, ImportBatch.Status.IMPORTED, report)
        from participation.audit.services import record

        record(
            batch.consultation,
            batch.created_by,
            "answers_imported",
            batch=batch.pk,
            file=batch.file_name,
            rows=report["valid"],
        )
    elif report["error_rows"] or not report["valid"]:
        _finish(batch, ImportBatch.Status.REJECTED, report)
    else:
        batch.status, batch.report = ImportBatch.Status.CHECKED, report
        batch.row_count, batch.rows_done = report["valid"], report["rows"]
        batch.save(update_fields=["status", "report", "row_count", "rows_done"])
    return batch.status
