"""The public board, a commitment's page, following, and the open data files."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_countries import countries as country_names

from participation.accounts.templatetags.languages import lang_attrs
from participation.documents.spreadsheets import Column, csv_response
from participation.fragments import cached_fragments, digest
from participation.i18n import default_locale_id, display_page
from participation.outcomes import outcome_source
from participation.translation_rows import localised, with_translations
from themes.figures import participation_figures

from . import board as board_data
from . import services
from .models import Commitment


class FilterForm(forms.Form):
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=gettext_lazy("Commitments"), required=False)

    def __init__(self, *args, codes=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        named = sorted(((c, str(country_names.name(c) or c)) for c in codes), key=lambda p: p[1])
        self.fields["country"].choices = [("", _("All countries")), *named]
        self.fields["year"].choices = [("", _("Latest year")), *[(y, str(y)) for y in years]]
        self.fields["status"].choices = [("", _("All statuses")), *Commitment.Status.choices]
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"filter-{name}"

    def filters(self) -> tuple[board_data.Filters, str]:
        if not self.is_valid():
            # Keep the valid parts; the invalid ones are shown as errors and ignored.
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
            for name in self.errors:
                if name in self.fields:
                    attrs = self.fields[name].widget.attrs
                    attrs["aria-describedby"] = f"filter-{name}-error"
                    attrs["aria-invalid"] = "true"
        else:
            data = self.cleaned_data
        return (
            board_data.Filters(country=data.get("country") or "", year=data.get("year")),
            data.get("status") or "",
        )


def _theme(slug):
    if slug is None:
        return None
    from themes.selectors import canonical_themes

    theme = canonical_themes().filter(slug=slug).first()
    if theme is None:
        raise Http404
    return theme


def board(request, page, slug):
    from django.core.cache import cache

    from . import versions

    version = versions.current()  # of everything below but the participation figures
    # The themes (tabs, names) in the reader's language: a theme's change bumps the version.
    pairs = cache.get_or_set(
        f"monitoring:themes:{translation.get_language() or ''}:{version}",
        board_data.theme_pairs,
        board_data.CACHE_SECONDS,
    )
    theme = None
    if slug is not None:
        theme = next((c for c, _shown in pairs if c.slug == slug), None)
        if theme is None:
            raise Http404
    codes, years = cache.get_or_set(
        f"monitoring:choices:{theme.pk if theme else 'all'}:{version}",
        lambda: services.filter_choices(theme),
        board_data.CACHE_SECONDS,
    )
    form = FilterForm(request.GET, codes=codes, years=years) if request.GET else None
    filters, status = form.filters() if form else (board_data.Filters(), "")
    shown = next((s for c, s in pairs if theme is not None and c.pk == theme.pk), None)
    query = request.GET.copy()
    query.pop("page", None)
    base = page.url + (page.reverse_subpage("theme_board", args=[slug]) if slug else "")
    page_url = page.get_url(request)  # once, not once per link ({% pageurl %})
    return render(
        request,
        "monitoring/board.html",
        {
            "page": page,
            "theme": theme,
            "shown": shown,
            "themes": pairs,
            "filters": filters,
            "figures": board_data.grouped_figures(theme),
            "page_url": page_url,
            "commitments_html": _commitments_html(
                request, page, page_url, theme, status, pairs, query, version
            ),
            "filters_html": _filters_html(request, form, base, codes, years),
            "indicators_html": _indicators_html(
                request, page, page_url, theme, filters, pairs, query, version
            ),
            "query": query.urlencode(),
            "board_url": base,
            "data_prefix": base,
            "pdf_params": {"theme": slug or "", "lang": request.LANGUAGE_CODE},
        },
    )


MAX_CACHED_PAGE = 100  # a page number past it is rendered, not kept: the cache stays bounded


def _commitments_html(request, page, page_url, theme, status, pairs, query, version):
    """The counts by status and a page of commitments, rendered once per version of what they
    show (monitoring/versions.py: bumped in the transaction of every change), page, theme
    names and language. Filtered lists (any parameter but the page number) are rendered each
    time, as the indicators are."""
    number = request.GET.get("page") or "1"
    cacheable = (
        not set(query) and number.isdigit() and 0 < int(number) <= MAX_CACHED_PAGE
    ) and not getattr(request, "is_preview", False)

    def context():
        paginator = Paginator(services.commitment_list(theme, status), 20)
        commitments = paginator.get_page(number)
        _latest_updates(commitments)
        _label_themes(commitments, pairs)
        return {
            "page_url": page_url,
            "status_counts": services.status_counts(theme),
            "commitments": commitments,
            "query": query.urlencode(),
        }

    key = "monitoring:commitments:{}:{}:{}".format(
        theme.pk if theme else "all",
        int(number) if cacheable else 0,
        digest(
            version if cacheable else 0,
            page.pk,
            page_url,
            [(c.pk, c.slug, s.name) for c, s in pairs],
        ),
    )
    (html,) = cached_fragments(
        request, key, ["monitoring/_commitments.html"], context, is_preview=not cacheable
    )
    return html


def _latest_updates(commitments):
    """Each commitment's latest progress update, its text in the reader's language: two
    queries for the page of commitments, whatever their number."""
    listed = list(commitments)
    prefetch_related_objects(listed, services.update_prefetch())
    for commitment in listed:
        commitment.latest_update = next(iter(commitment.updates.all()), None)


def _filters_html(request, form, board_url, codes, years):
    """The filters' form: its select widgets cost a tenth of a board's request. Unfiltered
    (the usual visit, ``form`` None) it is the same for every reader of a language and the same
    choices (countries and years, kept per version of the board's data): the form is made only
    when the copy is missing."""
    if form is not None:
        context = {"form": form, "board_url": board_url}
        return render_to_string("monitoring/_filters.html", context, request=request)
    (html,) = cached_fragments(
        request,
        "monitoring:filters:" + digest(board_url, sorted(codes), sorted(years)),
        ["monitoring/_filters.html"],
        lambda: {"form": FilterForm(codes=codes, years=years), "board_url": board_url},
    )
    return html


def _indicators_html(request, page, page_url, theme, filters, pairs, query, version):
    """The indicators section, rendered once per version of the board's data (values, texts:
    monitoring/versions.py), theme names and language (participation.fragments): its charts
    and tables were most of a board's request. Filtered boards (any parameter but the page
    number) are rendered each time: their links carry the query as typed, which must not fill
    the cache."""
    names = {canonical.pk: name.name for canonical, name in pairs}

    def context():
        views = board_data.indicator_views(theme, filters)
        for view in views:  # the whole plan's board links each to its theme's board
            view.theme_name = names.get(view.indicator.theme_id, view.indicator.theme.name)
        return {"page_url": page_url, "indicators": views, "query": query.urlencode()}

    key = "monitoring:indicators-html:{}:{}".format(
        theme.pk if theme else "all",
        digest(version, filters.country, filters.year, page.pk, page_url, sorted(names.items())),
    )
    (html,) = cached_fragments(
        request,
        key,
        ["monitoring/_indicators.html"],
        context,
        is_preview=getattr(request, "is_preview", False) or bool(set(query)),
    )
    return html


def _label_themes(commitments, pairs):
    """Each commitment's themes as (slug, name in the reader's language), from the themes
    already read for the tabs: no query per commitment."""
    names = {canonical.pk: shown.name for canonical, shown in pairs}
    for commitment in commitments:
        commitment.theme_labels = [
            (t.slug, names.get(t.pk, t.name)) for t in commitment.themes.all()
        ]


def _commitment(pk):
    found = with_translations(
        Commitment.objects.filter(pk=pk)
        .select_related("owner_organisation", "consultation")
        .prefetch_related("themes")
    ).first()
    if found is None:
        raise Http404
    return found


def commitment(request, page, pk):
    found = _commitment(pk)
    following = request.user.is_authenticated and found.follows.filter(user=request.user).exists()
    behind = None
    source = outcome_source() if found.outcome_item_id else None
    if source is not None and found.consultation is not None:
        behind = source.behind(found.outcome_item_id, found.consultation)
    _label_themes([found], board_data.theme_pairs())
    consultation = consultation_lang = None
    if found.consultation is not None:
        found.consultation = found.consultation.specific_deferred  # its own URL rules, no query
        # The consultation's translation in the reader's language when there is one; else its
        # title is marked with its own language.
        consultation = display_page(found.consultation) if found.consultation.live else None
        shown = consultation or found.consultation
        original = shown.locale_id == default_locale_id()
        consultation_lang = lang_attrs(settings.LANGUAGE_CODE) if original else ""
    return render(
        request,
        "monitoring/commitment.html",
        {
            "page": page,
            "commitment": found,
            "consultation": consultation,
            "consultation_lang": consultation_lang,
            # In the reader's language where an editor translated them (the original's,
            # marked with its language, where not).
            "updates": with_translations(found.updates.all()),
            "behind": behind,
            "following": following,
            "can_follow": services.can_follow(request.user, found),
        },
    )


@require_POST
def follow(request, page, pk):
    found = _commitment(pk)
    target = page.url + page.reverse_subpage("commitment", args=[found.pk])
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(target)
    if request.POST.get("action") == "unfollow":
        services.unfollow(request.user, found)
        messages.success(request, _("You no longer follow this commitment."))
        return redirect(target)
    try:
        services.follow(request.user, found)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("You will get an email when this commitment changes."))
    return redirect(target)


# --- Open data ---------------------------------------------------------------------------------

SCHEMA_VERSION = "1"


def schema_fields():
    """The documented schema: (file, column, type, meaning); shown on the data page."""
    return [
        ("figures", "theme", "string", _("Theme code, empty for the whole action plan")),
        ("figures", "key", "string", _("Stable name of the figure, e.g. consultations.responses")),
        ("figures", "group", "string", _("Heading the figure is shown under")),
        ("figures", "label", "string", _("What is counted, in the reader's language")),
        ("figures", "value", "number", _("The figure")),
        ("commitments", "id", "integer", _("Stable number of the commitment")),
        ("commitments", "title", "string", _("What was promised")),
        ("commitments", "status", "string", "planned | in_progress | done | dropped"),
        ("commitments", "progress", "integer", _("Progress in per cent, 0 to 100")),
        ("commitments", "owner", "string", _("Responsible organisation or department")),
        ("commitments", "themes", "string", _("Theme codes, separated by spaces")),
        ("commitments", "starts_on / due_on / completed_on", "date", _("ISO 8601 dates")),
        ("commitments", "dropped_reason", "string", _("Why it was dropped")),
        ("commitments", "consultation", "string", _("Address of the consultation behind it")),
        (
            "commitments",
            "label",
            "string",
            _("The title in the language of the address the file was read from, else as written"),
        ),
        ("commitments", "label_lang", "string", _("Language code of the label")),
        ("indicators", "indicator", "string", _("Code of the indicator")),
        ("indicators", "theme", "string", _("Theme code")),
        ("indicators", "unit", "string", _("Unit of the value")),
        ("indicators", "higher_is_better", "boolean", _("Whether a higher value is better")),
        ("indicators", "country", "string", _("ISO 3166-1 alpha-2 country code")),
        ("indicators", "city", "string", _("City, empty for the whole country")),
        ("indicators", "year", "integer", _("Year of the value")),
        ("indicators", "value", "number", _("The value")),
        (
            "indicators",
            "label",
            "string",
            _("The name in the language of the address the file was read from, else as written"),
        ),
        ("indicators", "label_lang", "string", _("Language code of the label")),
        ("*", "licence", "string", _("SPDX identifier of the licence of the data")),
    ]


def _figure_rows(theme):
    slug = theme.slug if theme else ""
    return [
        {"theme": slug, "key": f.key, "group": f.group, "label": str(f.label), "value": f.value}
        for f in participation_figures(theme)
    ]


def _number(value):
    return format(value.normalize(), "f") if value is not None else ""


def _commitment_row(c, request):
    return {
        "id": c.pk,
        "title": c.title,
        "status": c.status,
        "progress": c.progress,
        "owner": c.owner,
        "themes": " ".join(t.slug for t in c.themes.all()),
        "starts_on": c.starts_on,
        "due_on": c.due_on,
        "completed_on": c.completed_on,
        "dropped_reason": c.dropped_reason,
        # specific_deferred: the page's own URL rules (its language prefix), with no query.
        "consultation": (c.consultation.specific_deferred.get_full_url(request) or "")
        if c.consultation_id
        else "",
        **_label(c, "title"),
    }


def _label(obj, field) -> dict:
    """The open data's localised label: appended to the stable English columns, never in place
    of them (scripts keep reading ``title``, ``indicator``)."""
    text, language = localised(obj, field)
    return {"label": text, "label_lang": language}


def _indicator_rows(theme):
    from .models import IndicatorValue

    qs = IndicatorValue.objects.select_related("indicator__theme").order_by(
        "indicator__theme__sort_order",
        "indicator__sort_order",
        "indicator__slug",
        "year",
        "country",
        "city",
    )
    if theme is not None:
        qs = qs.filter(indicator__theme=theme)
    return qs, _indicator_labels(theme)


def _indicator_labels(theme) -> dict:
    """{indicator id: label columns}, read once (not per value, and not by streaming rows)."""
    from .models import Indicator

    indicators = Indicator.objects.all()
    if theme is not None:
        indicators = indicators.filter(theme=theme)
    return {i.pk: _label(i, "name") for i in with_translations(indicators)}


def data_json(request, page, slug):
    theme = _theme(slug)
    base_url = request.build_absolute_uri("/").rstrip("/")
    indicators = {}
    values, labels = _indicator_rows(theme)
    for value in values.iterator(chunk_size=2000):
        indicator = value.indicator
        entry = indicators.setdefault(
            indicator.pk,
            {
                "indicator": indicator.slug,
                "name": indicator.name,
                "theme": indicator.theme.slug,
                "definition": indicator.definition,
                "unit": indicator.unit,
                "source": indicator.source,
                "source_url": indicator.source_url,
                "higher_is_better": indicator.higher_is_better,
                **labels.get(indicator.pk, {}),
                "values": [],
            },
        )
        entry["values"].append(
            {
                "country": value.country.code,
                "city": value.city,
                "year": value.year,
                "value": float(value.value),
            }
        )
    payload = {
        "schema": base_url + page.url + page.reverse_subpage("data_schema"),
        "schema_version": SCHEMA_VERSION,
        "licence": page.licence,
        "licence_url": page.licence_url,
        "generated_at": timezone.now(),
        "theme": theme.slug if theme else None,
        "figures": _figure_rows(theme),
        "commitments": [
            _commitment_row(c, request) for c in services.commitment_list(theme).order_by("pk")
        ],
        "indicators": list(indicators.values()),
    }
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def data_csv(request, page, slug, dataset):
    theme = _theme(slug)
    licence = Column("licence", "licence", lambda row: page.licence)
    name = f"{slug or 'action-plan'}-{dataset}.csv"
    if dataset == "figures":
        keys = ["theme", "key", "group", "label", "value"]
        response = csv_response(_figure_rows(theme), [Column(k, k) for k in keys] + [licence], name)
    elif dataset == "commitments":
        rows = (_commitment_row(c, request) for c in services.commitment_list(theme).order_by("pk"))
        keys = [
            "id", "title", "status", "progress", "owner", "themes", "starts_on", "due_on",
            "completed_on", "dropped_reason", "consultation",
        ]  # fmt: skip
        labels = [Column(k, k) for k in ("label", "label_lang")]
        response = csv_response(rows, [Column(k, k) for k in keys] + [licence, *labels], name)
    else:
        values, labels = _indicator_rows(theme)
        columns = [
            Column("indicator", "indicator", "indicator.slug"),
            Column("theme", "theme", "indicator.theme.slug"),
            Column("unit", "unit", "indicator.unit"),
            Column("higher_is_better", "higher_is_better", "indicator.higher_is_better"),
            Column("country", "country", lambda v: v.country.code),
            Column("city", "city"),
            Column("year", "year"),
            Column("value", "value", lambda v: _number(v.value)),
            licence,
            Column("label", "label", lambda v: labels[v.indicator_id]["label"]),
            Column("label_lang", "label_lang", lambda v: labels[v.indicator_id]["label_lang"]),
        ]
        response = csv_response(values, columns, name)
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def schema(request, page):
    return render(
        request,
        "monitoring/data.html",
        {"page": page, "fields": schema_fields(), "themes": board_data.theme_pairs()},
    )
