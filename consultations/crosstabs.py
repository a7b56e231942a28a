"""Cross-tabs of the analysis tags (issue 19 point 3): how many counted answers (submitted, not
spam) carry each tag, split by one property of the answer - respondent type, country, declared
or detected language, organisation kind, channel. One grouped query whatever the number of
answers; labels in the editor's language."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from participation.accounts.languages import language_name
from participation.organisations.models import Organisation

from .models import Response, ResponseTag

# (the answer's field, as a lookup from the tag's answer; what a column heading says)
DIMENSIONS = {
    "respondent_type": ("respondent_type", _("Respondent type")),
    "country": ("country", _("Country")),
    "language": ("language", _("Language (declared)")),
    "detected_language": ("detected_language", _("Language (detected)")),
    "organisation_kind": ("organisation__kind", _("Organisation kind")),
    "channel": ("channel", _("Channel")),
}


@dataclass(frozen=True)
class CrossTab:
    dimension: str
    columns: list[tuple[str, str]]  # (stored value, label), the largest first
    rows: list[tuple[str, list[int], int]]  # (tag, counts in the columns' order, answers)
    totals: list[int]


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


def tag_crosstab(consultation_id: int, dimension: str) -> CrossTab:
    """The counted answers of a consultation per analysis tag and value of ``dimension``."""
    field = DIMENSIONS[dimension][0]
    grouped = (
        ResponseTag.objects.filter(
            content_object__consultation_id=consultation_id,
            content_object__status=Response.Status.SUBMITTED,
            content_object__spam=False,
        )
        .values_list("tag__name", f"content_object__{field}")
        .annotate(n=Count("content_object", distinct=True))
        .order_by()
    )
    cells = defaultdict(dict)
    by_value = defaultdict(int)
    for tag, value, n in grouped:
        value = "" if value is None else str(value)
        cells[tag][value] = n
        by_value[value] += n
    values = sorted(by_value, key=lambda v: (-by_value[v], v))
    rows = [
        (tag, [cells[tag].get(v, 0) for v in values], sum(cells[tag].values())) for tag in cells
    ]
    rows.sort(key=lambda row: (-row[2], row[0].casefold()))
    return CrossTab(
        dimension=dimension,
        columns=[(v, label(dimension, v)) for v in values],
        rows=rows,
        totals=[by_value[v] for v in values],
    )
