"""Consultation documents through the shared documents engine: the receipt, the summary PDF
(built in the background), the charts, and the spreadsheets of responses."""

import json
from datetime import datetime
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Min, TextField
from django.db.models.functions import MD5, Cast
from django.db.models.sql.constants import MULTI
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation.documents.charts import bar_chart
from participation.documents.registry import BuiltFile, DocumentKind, register
from participation.documents.spreadsheets import Column
from participation.i18n import submissions_page
from participation.questionnaire.export import columns as question_columns
from participation.questionnaire.export import display_value, displayer, merge_snapshots
from participation.questionnaire.structure import parse

from . import services
from .models import ConsultationPage, Response


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
        version="1",
    )
)


# --- Spreadsheets of responses, for editors.
#
# A large consultation exports a million answers: rows are read as plain tuples from the
# database (values_list, in chunks, no model instances) and every column is a tuple lookup,
# plus one prepared label lookup for each answer.

# What one row holds, in this order; ``answers`` is last.
_ROW_FIELDS = (
    "receipt_number",
    "submitted_at",
    "respondent_type",
    "organisation__name",
    "organisation__kind",
    "country",
    "language",
    "publication",
    "moderation",
    "spam",
    "campaign",
    "answers",
)
_ANSWERS = len(_ROW_FIELDS) - 1


def _field(name):
    return itemgetter(_ROW_FIELDS.index(name))


def response_columns(consultation) -> list[Column]:
    """Fixed columns, then one per question: in questionnaire order, then removed questions
    (labelled from the snapshots stored with the answers), so the columns stay stable.
    The columns read the rows of ``response_rows``."""
    consultation = submissions_page(consultation)  # a translation exports the original's
    snapshots = _snapshots(consultation)
    merged = merge_snapshots(snapshots)  # questions as they were when people answered
    questionnaire = parse(consultation.questionnaire)
    fixed = [
        Column("receipt_number", _("Receipt"), _field("receipt_number")),
        Column("submitted_at", _("Submitted"), _field("submitted_at")),
        Column("respondent_type", _("Respondent type"), _field("respondent_type")),
        Column("organisation.name", _("Organisation"), _field("organisation__name")),
        Column("organisation.kind", _("Organisation kind"), _field("organisation__kind")),
        Column("country", _("Country"), _field("country")),
        Column("language", _("Language"), _field("language")),
        Column("publication", _("Publication"), _field("publication")),
        Column("moderation", _("Moderation"), _field("moderation")),
        Column("spam", _("Spam"), _field("spam")),
        Column("campaign", _("Campaign"), _field("campaign")),
    ]
    columns = question_columns(questionnaire, list(merged), snapshots)
    taken = {column.key for column in fixed}
    answers = []
    for column in columns:
        answers.append(_answer_column(column, _question_key(column, taken)))
        taken.add(answers[-1].key)
    return fixed + answers


def _snapshots(consultation) -> list[dict]:
    """The distinct questionnaire snapshots stored with the consultation's answers."""
    responses = Response.objects.filter(consultation=consultation).exclude(
        questionnaire_snapshot={}
    )
    if connections[responses.db].vendor != "postgresql":
        return [snap for (snap,) in responses.values_list("questionnaire_snapshot").distinct()]
    # DISTINCT over 2 KB documents sorts them on disk (4.7 s at 100,000 answers); their
    # digests group in memory (1.2 s), then each distinct one is read once, oldest first.
    # Still a scan of the answers: a table of the snapshots would make it constant.
    firsts = (
        responses.annotate(digest=MD5(Cast("questionnaire_snapshot", TextField())))
        .values("digest")
        .annotate(first=Min("pk"))
        .values("first")
    )
    return [
        snap
        for (snap,) in Response.objects.filter(pk__in=firsts)
        .order_by("pk")
        .values_list("questionnaire_snapshot")
    ]


def _question_key(column, taken) -> str:
    """A question's key for scripts: the editor's key, or its block id when it has none or
    the key is already used (keys repeat across removed questions; ids never change)."""
    key = column.key if column.key and column.key not in taken else column.id
    return key if key not in taken else f"{key}-{column.id}"


def _answer_column(column, key) -> Column:
    show = displayer(column.source)  # labels prepared once for the whole export
    question_id = column.id

    def value(row):
        return show(row[_ANSWERS].get(question_id))

    return Column(key, column.header, value, kind=column.type)


def response_rows(consultation, chunk_size: int = 2000):
    """The submitted responses as tuples of ``_ROW_FIELDS``, oldest first, read in chunks
    (a server-side cursor on PostgreSQL). The order follows the index on (consultation,
    status, submitted_at), so the first row comes without sorting the whole consultation.

    The rows come straight from the database cursor: Django's per-value converters cost
    three times the reading itself, so the three values that need one are converted here."""
    queryset = (
        Response.objects.filter(
            consultation=submissions_page(consultation), status=Response.Status.SUBMITTED
        )
        .order_by("submitted_at", "pk")
        .values_list(*_ROW_FIELDS)
    )
    connection = connections[queryset.db]
    compiler = queryset.query.get_compiler(using=queryset.db)
    moment = _moment_reader(connection)
    loads = json.JSONDecoder().decode
    # As QuerySet.iterator() does: a server-side cursor unless the settings disable them.
    chunked = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    for chunk in compiler.execute_sql(MULTI, chunked_fetch=chunked, chunk_size=chunk_size):
        for row in chunk:
            *fixed, spam, campaign, answers = row
            fixed[_SUBMITTED_AT] = moment(fixed[_SUBMITTED_AT])
            if type(answers) is str:
                answers = loads(answers)
            yield (*fixed, bool(spam), campaign, answers if type(answers) is dict else {})


_SUBMITTED_AT = _ROW_FIELDS.index("submitted_at")


def _moment_reader(connection):
    """A submitted_at as Django's converter gives it: PostgreSQL's driver gives an aware
    datetime; SQLite's a naive one (or text) in the connection's time zone."""
    if not settings.USE_TZ:
        return lambda value: datetime.fromisoformat(value) if type(value) is str else value
    zone = connection.timezone

    def moment(value):
        if type(value) is str:
            value = datetime.fromisoformat(value)
        if value is not None and value.utcoffset() is None:
            value = value.replace(tzinfo=zone)
        return value

    return moment
