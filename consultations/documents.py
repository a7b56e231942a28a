"""Consultation documents through the shared documents engine: the receipt, the summary PDF
(built in the background), the charts, and the spreadsheets of responses."""

import json
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import TextField
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from participation.documents.charts import bar_chart
from participation.documents.readahead import read_ahead
from participation.documents.registry import BuiltFile, DocumentKind, register
from participation.documents.spreadsheets import (
    FORMULA_PREFIXES,
    Column,
    CsvCells,
    csv_cell,
    csv_utc_text,
    streaming_transaction,
)
from participation.i18n import submissions_page
from participation.questionnaire.export import columns as question_columns
from participation.questionnaire.export import display_value, displayer, merge_snapshots
from participation.questionnaire.structure import parse

from . import services
from .models import ConsultationPage, Response
from .snapshots import of_consultation as recorded_snapshots


def charts(rows) -> list:
    """One stacked bar chart per counted question: individuals and organisations."""
    return [
        bar_chart(
            row["question"].label,
            [option["label"] for option in row["options"]],
            {
                _("Individuals"): [option["individual"] for option in row["options"]],
                _("Organisations"): [option["organisation"] for option in row["options"]],
            },
            stacked=True,
        )
        for row in rows
    ]


def _answer_rows(questionnaire, answers):
    return [
        (question.label, display_value(question, answers[question.id]))
        for question in questionnaire.questions
        if question.id in answers and question.type != "consent"
    ]


def receipt_pdf(response, page=None) -> bytes:
    """``page``: the consultation in the reader's language (a translation of the page the
    answer belongs to), for its title and question labels; by default the answer's own."""
    from participation.dates import format_moment
    from participation.documents.pdf import render_pdf
    from participation.documents.templatetags.documents_tags import receipt_identifier

    consultation = page or response.consultation
    questionnaire = parse(consultation.questionnaire)
    facts = [
        (_("Receipt number"), receipt_identifier(response.receipt_number)),
        (_("Consultation"), consultation.title),
        (_("Submitted"), format_moment(response.submitted_at, response.consultation)),
        (_("On behalf of"), response.organisation.name if response.organisation else _("Myself")),
        (_("Publication"), response.get_publication_display()),
    ]
    return render_pdf(
        "documents/receipt.html",
        {
            "intro": _("Thank you for taking part. This is what you submitted."),
            "facts": facts,
            "answers": _answer_rows(questionnaire, response.answers),
            "answers_lang": response.language,
        },
        title=_("Receipt %(number)s") % {"number": response.receipt_number},
        author=consultation.title,
        lang=translation.get_language() or "en",
    )


# --- The summary PDF: aggregates with charts, then every published answer.


def _consultation(params) -> ConsultationPage:
    try:
        return ConsultationPage.objects.live().get(pk=int(params.get("consultation")))
    except (TypeError, ValueError, ConsultationPage.DoesNotExist):
        raise ValidationError(_("Unknown consultation.")) from None


def clean_summary_params(params):
    consultation = _consultation(params)
    lang = str(params.get("lang") or "en")[:10]
    return {"consultation": consultation.pk, "lang": lang if lang.isalpha() else "en"}


def summary_fingerprint(params) -> str:
    # A translation's summary counts the original's answers: it changes with their version.
    source = _consultation(params).submissions_page()
    return f"{params['lang']}:{source.pk}:{services.summary_version(source.pk)}"


def build_summary(params, progress):
    from participation.documents.pdf import render_pdf_document

    consultation = _consultation(params)
    with translation.override(params["lang"]):
        heard = services.what_we_heard(consultation)
        rows = services.summary_rows(consultation, heard)
        from .crosstabs import published_tag_table

        tags = published_tag_table(consultation.submissions_page().pk)
        questionnaire = parse(consultation.questionnaire)
        published = list(services.publishable(consultation))
        submissions = []
        for number, response in enumerate(published, start=1):
            answers = services.public_answers(response)
            submissions.append(
                {
                    "id": f"answer-{response.pk}",
                    "number": number,
                    "organisation": services.public_author(response) or _("Anonymous"),
                    "submitted_at": response.submitted_at,
                    "answers": [
                        {"question": label, "text": text, "lang": response.language}
                        for label, text in _answer_rows(questionnaire, answers)
                    ],
                }
            )
            if number % 50 == 0 or number == len(published):
                progress(number, len(published))
        rendered = render_pdf_document(
            "consultations/summary_print.html",
            {
                "consultation": consultation,
                "heard": heard,
                "rows": rows,
                "charts": charts(rows),
                "tags": tags,  # the tags editors publish, by respondent type
                "submissions": submissions,
                "document_cover": True,
                "document_subtitle": _("%(count)s answers, %(published)s published")
                % {"count": heard["totals"]["responses"], "published": len(published)},
                "document_toc": [
                    {"id": "overview", "title": _("What we heard"), "level": 1},
                    {"id": "submissions", "title": _("Published answers"), "level": 1},
                ],
            },
            title=_("Summary: %(title)s") % {"title": consultation.title},
            author=consultation.owner.public_name if consultation.owner else "",
            lang=params["lang"],
            on_page=progress.pages,
        )
    return BuiltFile.pdf(rendered.content, f"summary-{consultation.slug}.pdf")


def _signed_in(user, params):
    return bool(user.is_authenticated)


def summary_page(params):
    """The consultation a summary is about: its view restrictions apply to the document."""
    return ConsultationPage.objects.live().filter(pk=int(params.get("consultation"))).first()


register(
    DocumentKind(
        name="consultations.summary",
        label=gettext_lazy("Summary of a consultation"),
        build=build_summary,
        fingerprint=summary_fingerprint,
        clean_params=clean_summary_params,
        # The summary holds aggregates and published answers: public as much as the page is,
        # so the consultation's view restrictions (password, sign-in, groups) apply (``page``).
        can_request=_signed_in,
        can_view=lambda user, document: bool(user.is_authenticated),
        page=summary_page,
        progress_unit="items",
        version="2",  # 2: the published tags
    )
)


# --- Spreadsheets of responses, for editors.
#
# A large consultation exports a million answers: rows are read as plain tuples from the
# database (values_list, in chunks, no model instances) and every column is a tuple lookup,
# plus one prepared label lookup for each answer.

# The fixed columns, in this order; then one column per question. The rows of
# ``response_rows`` hold the values of all the columns in the same order, so every column is a
# position in a tuple (read with one itemgetter for the whole row).
_FIXED = (
    ("receipt_number", gettext_noop("Receipt")),
    ("submitted_at", gettext_noop("Submitted")),
    ("respondent_type", gettext_noop("Respondent type")),
    ("organisation.name", gettext_noop("Organisation")),
    ("organisation.kind", gettext_noop("Organisation kind")),
    ("country", gettext_noop("Country")),
    ("language", gettext_noop("Language")),
    ("publication", gettext_noop("Publication")),
    ("moderation", gettext_noop("Moderation")),
    ("spam", gettext_noop("Spam")),
    ("campaign", gettext_noop("Campaign")),
    ("channel", gettext_noop("Channel")),
)
# What the query reads: the fixed columns' fields (submitted_at as text, see _moment_reader),
# then the answers.
_ROW_FIELDS = (
    "receipt_number",
    "submitted_text",
    "respondent_type",
    "organisation__name",
    "organisation__kind",
    "country",
    "language",
    "publication",
    "moderation",
    "spam",
    "campaign",
    "channel",
    "answers",
)


@dataclass(frozen=True)
class AnswerColumn(Column):
    """The column of one question: ``show`` gives the text of its answer."""

    question_id: str = ""
    show: Callable[[Any], str] | None = None


def response_columns(consultation) -> list[Column]:
    """Fixed columns, then one per question: in questionnaire order, then removed questions
    (labelled from the snapshots stored with the answers), so the columns stay stable.
    The columns read the rows of ``response_rows``."""
    consultation = submissions_page(consultation)  # a translation exports the original's
    snapshots = recorded_snapshots(consultation.pk)  # a few rows, not a scan of the answers
    merged = merge_snapshots(snapshots)  # questions as they were when people answered
    questionnaire = parse(consultation.questionnaire)
    fixed = [Column(key, _(header), position) for position, (key, header) in enumerate(_FIXED)]
    columns = question_columns(questionnaire, list(merged), snapshots)
    taken = {column.key for column in fixed}
    answers = []
    for position, column in enumerate(columns, start=len(fixed)):
        key = _question_key(column, taken)
        answers.append(
            AnswerColumn(
                key,
                column.header,
                position,
                kind=column.type,
                question_id=column.id,
                show=displayer(column.source),  # labels prepared once for the whole export
            )
        )
        taken.add(key)
    return fixed + answers


def _question_key(column, taken) -> str:
    """A question's key for scripts: the editor's key, or its block id when it has none or
    the key is already used (keys repeat across removed questions; ids never change)."""
    key = column.key if column.key and column.key not in taken else column.id
    return key if key not in taken else f"{key}-{column.id}"


def response_rows(consultation, columns=None, chunk_size: int = 2000, *, for_csv: bool = False):
    """The submitted responses, oldest first, as tuples of the values of ``columns`` (those
    of ``response_columns``), read in chunks (a server-side cursor on PostgreSQL). The order
    follows the index on (consultation, status, submitted_at), so the first row comes without
    sorting the whole consultation. With ``for_csv``, the rows are their CSV cells already
    (``CsvCells``, what ``iter_csv`` writes), the submission time made from the database's
    text without a datetime between.

    A million rows pass through here: the rows come straight from the database cursor
    (Django's per-value converters cost three times the reading itself), each response's
    answers are decoded once and each answer shown by its question's prepared displayer."""
    if columns is None:
        columns = response_columns(consultation)
    answer_columns = [c for c in columns if isinstance(c, AnswerColumn)]
    if [c.value for c in columns] != list(range(len(_FIXED) + len(answer_columns))):
        raise ValueError("response_rows reads the columns of response_columns, in order")
    queryset = (
        Response.objects.filter(
            consultation=submissions_page(consultation), status=Response.Status.SUBMITTED
        )
        .annotate(submitted_text=Cast("submitted_at", TextField()))
        .order_by("submitted_at", "pk")
        .values_list(*_ROW_FIELDS)
    )
    rows = _read_rows(queryset, answer_columns, chunk_size, for_csv)
    return CsvCells(rows) if for_csv else rows


def _read_rows(queryset, answer_columns, chunk_size, for_csv):
    """The rows of ``response_rows``: values, or (``for_csv``) CSV cells made in the same
    pass, text neutralised as ``csv_cell`` does (no second pass over every value)."""
    connection = connections[queryset.db]
    compiler = queryset.query.get_compiler(using=queryset.db)
    moment = value_moment = _moment_reader(connection)
    if for_csv:
        moment = _csv_moment_reader(connection) or (lambda text: csv_cell(value_moment(text)))
    # Formula prefixes of text that the CSV neutralises; none for values.
    prefixes = frozenset(FORMULA_PREFIXES) if for_csv else frozenset()
    # Each question's displayer, and what it shows for yes and no.
    questions = [
        (c.question_id, c.show, c.show(True), c.show(False), _choice_reader(c.show))
        for c in answer_columns
    ]
    # The C scanner behind json.loads, without its Python wrapper (a tenth of a row's time);
    # json.loads again for anything but one JSON document alone, to raise as it does.
    scan, loads = json.JSONDecoder().scan_once, json.loads
    nothing = {}.get
    # As QuerySet.iterator() does: a server-side cursor unless the settings disable them,
    # read inside a transaction so that PostgreSQL sends the first rows at once. Over a
    # network the next chunk is read while this one is written out (read_ahead), and the
    # reading has stopped before the transaction ends; SQLite reads a local file, where a
    # second thread only adds handovers of the interpreter lock.
    chunked = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with (
        streaming_transaction(queryset.db),
        closing(
            _chunks(compiler, chunked, chunk_size, read_ahead_thread=connection.vendor != "sqlite")
        ) as chunks,
    ):
        for chunk in chunks:
            for row in chunk:
                answers = row[12]
                if type(answers) is str:
                    try:
                        answers, end = scan(answers, 0)
                    except StopIteration:
                        end = -1
                    if end != len(row[12]):
                        answers = loads(row[12])
                get = answers.get if type(answers) is dict else nothing
                # What each question's displayer shows, without calling it for the
                # commonest answers (none, a text, yes or no, a number, a choice; as
                # participation.questionnaire.export shows them): a million rows, ~5
                # answers each.
                shown = [
                    text
                    if not (
                        text := ""
                        if (answer := get(question_id)) is None
                        else answer
                        if type(answer) is str and answer != "dont_know"
                        else (yes if answer else no)
                        if type(answer) is bool
                        else str(answer)
                        if type(answer) is int
                        else choice(answer)
                        if type(answer) is dict
                        else show(answer)
                    )
                    or text[0] not in prefixes
                    else "'" + text
                    for question_id, show, yes, no, choice in questions
                ]
                if not for_csv:
                    yield (row[0], moment(row[1]), *row[2:9], bool(row[9]), *row[10:12], *shown)
                    continue
                # Text that people or imports wrote goes through csv_cell; the rest are codes.
                yield [
                    csv_cell(row[0]),
                    moment(row[1]),
                    row[2],
                    csv_cell(row[3]),
                    row[4] or "",
                    row[5] or "",
                    csv_cell(row[6]),
                    row[7],
                    row[8],
                    "true" if row[9] else "false",
                    csv_cell(row[10]),
                    row[11],
                    *shown,
                ]


def _chunks(compiler, chunked, chunk_size, *, read_ahead_thread):
    chunks = compiler.execute_sql(MULTI, chunked_fetch=chunked, chunk_size=chunk_size)
    return read_ahead(chunks) if read_ahead_thread else chunks


def _choice_reader(show):
    """``show`` for a dict answer, with the commonest ones, ``{"choice": value}`` and
    ``{"choices": [values]}`` of a choice question, shown inline as the displayer shows them
    (the option's label, else the value as text; "; " between choices): a call less and no
    type tests per answer. Anything else goes to ``show``."""
    kind, options = getattr(show, "type", ""), getattr(show, "options", None)
    if kind not in ("single_choice", "multiple_choice") or type(options) is not dict:
        return show
    many = kind == "multiple_choice"

    def shown(answer):
        if len(answer) == 1:
            try:
                if many:
                    choices = answer.get("choices")
                    if type(choices) is list:
                        return "; ".join([options.get(v) or str(v) for v in choices])
                elif "choice" in answer:
                    value = answer["choice"]
                    return options.get(value) or str(value)
            except TypeError:  # an unhashable value: the displayer shows it as text
                pass
        return show(answer)

    return shown


def _csv_moment_reader(connection):
    """submitted_at's text straight to its CSV cell, when the database writes it in UTC
    (PostgreSQL's sessions are in UTC under USE_TZ; SQLite in the TIME_ZONE of the database,
    UTC unless set); None otherwise (then as a datetime, written by the CSV as usual)."""
    if not settings.USE_TZ or connection.timezone.utcoffset(None) != timedelta(0):
        return None
    if connection.vendor not in ("postgresql", "sqlite"):
        return None
    return csv_utc_text()


def _moment_reader(connection):
    """submitted_at, read as text (the drivers' date converters are Python, slower than the
    rest of a row): PostgreSQL writes it with its offset, SQLite without, in the connection's
    time zone (UTC unless the database's TIME_ZONE says otherwise)."""
    parse = datetime.fromisoformat
    zone = connection.timezone
    if not settings.USE_TZ:
        return lambda text: None if text is None else parse(text)
    if connection.vendor == "sqlite" and zone.utcoffset(None) == timedelta(0):
        return lambda text: None if text is None else parse(text + "+00:00")

    def moment(text):
        if text is None:
            return None
        value = parse(text)
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)

    return moment
