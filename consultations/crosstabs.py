"""Cross-tabs (issue 19 point 3): how many counted answers (submitted, not spam) fall in each
row - an analysis tag, or any other labelling of the answers - split by one property of the
answer (a *dimension*): respondent type, country, declared or detected language, organisation
kind, channel. Labels in the reader's language.

Rows come from a *row source*: a function ``(consultation_id, field, only)`` that yields
``(row label, value of the answer's field, answers)`` triples. Tags are one (one grouped query,
whatever the number of answers). Another labelling of the answers - for example topics, given
as answer id -> labels - is added with ``answers_by_label``, as the accepted topics are.
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from participation.accounts.languages import language_name
from participation.organisations.models import Organisation

from .models import Response, ResponseTag

# (the answer's field, as a lookup on Response; what a column heading says)
DIMENSIONS = {
    "respondent_type": ("respondent_type", _("Respondent type")),
    "country": ("country", _("Country")),
    "language": ("language", _("Language (declared)")),
    "detected_language": ("detected_language", _("Language (detected)")),
    "organisation_kind": ("organisation__kind", _("Organisation kind")),
    "channel": ("channel", _("Channel")),
}

# What a row source yields: (row label, the answer's value of the dimension, answers).
Triple = tuple[str, object, int]


@dataclass(frozen=True)
class RowSource:
    key: str
    label: str  # what the rows are ("Tags"), for headings
    # (consultation id, Response field lookup, only these rows or None) -> triples
    counts: Callable[[int, str, Collection[str] | None], Iterable[Triple]]


ROW_SOURCES: dict[str, RowSource] = {}


def register_row_source(source: RowSource) -> RowSource:
    ROW_SOURCES[source.key] = source
    return source


def counted_answers(consultation_id: int):
    """The answers cross-tabs count: those "what we heard" counts."""
    return Response.objects.filter(
        consultation_id=consultation_id, status=Response.Status.SUBMITTED, spam=False
    )


def _tag_counts(consultation_id: int, field: str, only=None) -> Iterable[Triple]:
    grouped = ResponseTag.objects.filter(content_object__in=counted_answers(consultation_id))
    if only is not None:
        grouped = grouped.filter(tag__name__in=list(only))
    return (
        grouped.values_list("tag__name", f"content_object__{field}")
        .annotate(n=Count("content_object", distinct=True))
        .order_by()
    )


def answers_by_label(
    consultation_id: int,
    field: str,
    labels_of: Mapping[int, Iterable[str]],
    only: Collection[str] | None = None,
) -> Iterable[Triple]:
    """A row source's triples from a mapping of answer id -> labels (topics, for example):
    one query for the counted answers' values of ``field`` (read in chunks: no list of ids in
    the SQL, which SQLite limits), counted in Python."""
    counted = defaultdict(int)
    values = counted_answers(consultation_id).values_list("pk", field).order_by()
    for pk, value in values.iterator(chunk_size=5000):
        for label in set(labels_of.get(pk, ())):
            if only is None or label in only:
                counted[(label, value)] += 1
    return [(label, value, n) for (label, value), n in counted.items()]


TAGS = register_row_source(RowSource("tags", _("Tags"), _tag_counts))


def _topic_counts(consultation_id: int, field: str, only=None) -> Iterable[Triple]:
    from .topics import accepted_topics

    return answers_by_label(consultation_id, field, accepted_topics(consultation_id), only)


# The topics editors accepted (consultations.topics), by their names.
TOPICS = register_row_source(RowSource("topics", _("Accepted topics"), _topic_counts))


@dataclass(frozen=True)
class CrossTab:
    dimension: str
    columns: list[tuple[str, str]]  # (stored value, label), the largest first
    rows: list[tuple[str, list[int], int]]  # (row, counts in the columns' order, answers)
    totals: list[int]

    @property
    def largest(self) -> int:
        return max((n for _row, cells, _total in self.rows for n in cells), default=0)

    def chart(self, title: str, most: int = 7):
        """The table as a stacked bar chart (participation.documents.charts): a bar per row,
        a colour per group; past the ``most`` largest groups the rest are one "Others" (the
        palette has eight colours). The page shows the table beside it, with every group."""
        from participation.documents.charts import bar_chart

        shown = self.columns[:most]
        series = [
            (lbl, [cells[i] for _row, cells, _total in self.rows])
            for i, (_value, lbl) in enumerate(shown)
        ]
        if len(self.columns) > most:
            series.append(
                (str(_("Others")), [sum(cells[most:]) for _row, cells, _total in self.rows])
            )
        return bar_chart(
            title,
            [row for row, _cells, _total in self.rows],
            series,
            stacked=True,
            horizontal=True,
        )


def _labels(dimension: str) -> dict:
    if dimension == "respondent_type":
        return dict(Response._meta.get_field("respondent_type").choices or ())
    if dimension == "organisation_kind":
        return dict(Organisation.Kind.choices)
    if dimension == "channel":
        return dict(Response.Channel.choices)
    return {}


def label(dimension: str, value: str) -> str:
    if value in ("", None):
        return str(_("Not given"))
    if dimension == "country":
        return str(countries.name(value) or value)
    if dimension in ("language", "detected_language"):
        return str(language_name(value) or value)
    return str(_labels(dimension).get(value, value))


def crosstab(
    consultation_id: int,
    dimension: str,
    rows: str = "tags",
    only: Collection[str] | None = None,
) -> CrossTab:
    """The counted answers of a consultation per row of the source ``rows`` (only those named
    in ``only`` when given) and value of ``dimension``."""
    field = DIMENSIONS[dimension][0]
    cells = defaultdict(dict)
    by_value = defaultdict(int)
    for row, value, n in ROW_SOURCES[rows].counts(consultation_id, field, only):
        value = "" if value is None else str(value)
        cells[row][value] = cells[row].get(value, 0) + n
        by_value[value] += n
    values = sorted(by_value, key=lambda v: (-by_value[v], v))
    table = [
        (row, [cells[row].get(v, 0) for v in values], sum(cells[row].values())) for row in cells
    ]
    table.sort(key=lambda row: (-row[2], row[0].casefold()))
    return CrossTab(
        dimension=dimension,
        columns=[(v, label(dimension, v)) for v in values],
        rows=table,
        totals=[by_value[v] for v in values],
    )


def tag_crosstab(consultation_id: int, dimension: str, only=None) -> CrossTab:
    """The counted answers of a consultation per analysis tag and value of ``dimension``."""
    return crosstab(consultation_id, dimension, "tags", only)


def published_tags(consultation_id: int) -> list[str]:
    """The tags an editor chose to show in "what we heard", by name."""
    from .models import PublishedTag

    return list(
        PublishedTag.objects.filter(consultation_id=consultation_id)
        .order_by("tag__name")
        .values_list("tag__name", flat=True)
    )


def crosstab_sheets(consultation_id: int) -> list[tuple[str, list[str], list[list]]]:
    """The XLSX export's sheets of tags (and accepted topics) by group, one per row source and
    dimension: (title, header, rows). A source none of whose rows is on a counted answer has
    no sheet."""
    titles = {"tags": _("Tags by %(by)s"), "topics": _("Topics by %(by)s")}
    firsts = {"tags": _("Tag"), "topics": _("Topic")}
    alls = {"tags": _("All tagged answers"), "topics": _("All answers with an accepted topic")}
    sheets = []
    for source in ROW_SOURCES:
        for dimension, (_field, heading) in DIMENSIONS.items():
            table = crosstab(consultation_id, dimension, source)
            if not table.rows:
                break  # no row on any counted answer: the same for every dimension
            first = str(firsts.get(source, ROW_SOURCES[source].label))
            header = [first, str(_("Answers")), *[lbl for _value, lbl in table.columns]]
            body = [[row, total, *cells] for row, cells, total in table.rows]
            everything = str(alls.get(source, _("All tagged answers")))
            body.append([everything, sum(table.totals), *table.totals])
            title = titles.get(source, _("Tags by %(by)s"))
            sheets.append((str(title) % {"by": heading}, header, body))
    return sheets


def publish_tags(consultation, names: Iterable[str], by=None) -> list[str]:
    """Show exactly these tags in "what we heard" (names of tags carried by the consultation's
    answers or already shown; any other name is ignored). The answers' version moves on, so
    the cached summary follows; the audit trail records who chose what. Returns the names."""
    from django.db import transaction
    from taggit.models import Tag

    from participation.audit.services import record

    from .models import PublishedTag
    from .services import answers_changed

    wanted = {str(name) for name in names}
    used = ResponseTag.objects.filter(content_object__consultation_id=consultation.pk)
    shown = PublishedTag.objects.filter(consultation_id=consultation.pk)
    tags = dict(
        Tag.objects.filter(name__in=wanted)
        .filter(Q(pk__in=used.values("tag_id")) | Q(pk__in=shown.values("tag_id")))
        .values_list("pk", "name")
    )
    with transaction.atomic():
        PublishedTag.objects.filter(consultation_id=consultation.pk).exclude(
            tag_id__in=list(tags)
        ).delete()
        PublishedTag.objects.bulk_create(
            [PublishedTag(consultation_id=consultation.pk, tag_id=pk) for pk in tags],
            ignore_conflicts=True,
        )
        answers_changed(consultation.pk)
        record(consultation, by, "tags.published", tags=sorted(tags.values()))
    return sorted(tags.values())


def published_tag_table(consultation_id: int) -> CrossTab | None:
    """The tags shown in "what we heard" by respondent type (two queries), None when an editor
    published none."""
    shown = published_tags(consultation_id)
    return tag_crosstab(consultation_id, "respondent_type", only=shown) if shown else None
