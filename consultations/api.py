"""Consultations in the public read API (participation.api): Wagtail's pages endpoint narrowed
to the consultations the public may read, and three readings of each, through the functions the
public pages use (consultations.public, consultations.services):

- ``consultations/``, ``consultations/<id>/``: state, dates, themes, questions (what the
  questionnaire asks, never any answer);
- ``consultations/<id>/answers/``: the published answers (``services.publishable``: submitted,
  approved, not spam, consented to; ``public_answers``: redactions applied, attachments only
  when agreed; ``public_author``: a name only when the author chose to be named);
- ``consultations/<id>/what-we-heard/``: the counts per question and option
  (``services.what_we_heard``, ``summary_rows``), read from the counts table: constant queries;
- ``consultations/<id>/outcome/``: "you said, we did" once published (``outcome_rows``).

Public means: live, and no view restriction on the page, its ancestors or, for a translation,
its original (whose answers it shows), whoever asks: a password given in a session or a
group membership never opens a page to the API.
"""

from collections import OrderedDict

from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response as APIResponse
from wagtail.api import APIField
from wagtail.api.v2.filters import OrderingFilter, SearchFilter, TranslationOfFilter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.rich_text import expand_db_html

from participation.api import (
    ERROR_RESPONSES,
    NAMESPACE,
    PublicAPIMixin,
    check_parameters,
    list_response,
    not_one_of,
    one_of,
    page_window,
    public_pages,
    requested_language,
    requested_theme,
)
from participation.i18n import with_submissions_pages
from participation.questionnaire.export import displayer
from participation.questionnaire.structure import parse

from . import services
from .models import ConsultationPage, Response

# Pages of published answers kept in the cache: the first ones (as the published answers page).
CACHED_ANSWERS = 20_000

# What a question's public description carries of its type's own settings (never more).
QUESTION_SETTINGS = (
    "allow_other",
    "other_label",
    "allow_dont_know",
    "dont_know_label",
    "scale_min",
    "scale_max",
    "min_label",
    "max_label",
    "rank_count",
    "max_length",
    "min_selections",
    "max_selections",
    "min_value",
    "max_value",
    "integer_only",
    "min_date",
    "max_date",
    "allowed_types",
    "max_size_mb",
)


def public_consultations():
    """Live consultations nobody needs a password, an account or a group to read; a
    translation only when its original is not restricted either (participation.api)."""
    return public_pages(ConsultationPage.objects.all())


class LocaleFilter(BaseFilterBackend):
    """``?locale=fr``: the consultations in that language (a 400 for a language the site does
    not offer, not Wagtail's 404)."""

    def filter_queryset(self, request, queryset, view):
        if "locale" in request.GET:
            queryset = queryset.filter(locale__language_code=requested_language(request))
        return queryset


class Ordering(OrderingFilter):
    """Wagtail's ``?order=``, on the columns that give one row per consultation (not its
    themes, whose join would repeat a consultation once per theme)."""

    FIELDS = ("id", "title", "slug", "first_published_at", "last_published_at", "opens_at")
    FIELDS += ("closes_at", "random")

    def filter_queryset(self, request, queryset, view):
        order = request.GET.get("order")
        if order:
            for field in order.split(","):
                if field.lstrip("-") not in self.FIELDS:
                    raise not_one_of("order", self.FIELDS)
        return super().filter_queryset(request, queryset, view)


class ConsultationFilter(BaseFilterBackend):
    """``?state=open`` (forthcoming, open, closed, outcome) and ``?theme=<slug>``. A state is
    the original's (a translation follows its dates), so it is worked out in Python over the
    consultations, which number in the hundreds at most (as the index page does)."""

    def filter_queryset(self, request, queryset, view):
        # Wagtail's search raises a ValueError (a server error) for any other operator.
        one_of(request, "search_operator", ["and", "or"])
        theme = requested_theme(request)
        if theme is not None:
            queryset = queryset.filter(themes=theme).distinct()
        state = one_of(request, "state", ConsultationPage.State.values)
        if state is not None:
            pages = with_submissions_pages(list(queryset.order_by()))
            queryset = queryset.filter(pk__in=[p.pk for p in pages if p.state == state])
        return queryset


# --- Fields of a consultation ---------------------------------------------------------------------


class _PageField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)


class WindowField(_PageField):
    """A date of the window as the original has it (a translation's own copy may be stale)."""

    def __init__(self, attribute, **kwargs):
        self.attribute = attribute
        super().__init__(**kwargs)

    def to_representation(self, page):
        page.submissions_page()  # replaces a translation's dates by its original's
        value = getattr(page, self.attribute)
        return serializers.DateTimeField().to_representation(value) if value else None


class StateField(_PageField):
    def to_representation(self, page):
        return str(page.state)


class ThemesField(_PageField):
    def to_representation(self, page):
        from themes.selectors import localized

        return [{"slug": c.slug, "name": s.name} for c, s in localized(page.themes.all())]


def question_description(question) -> dict:
    """What a question asks, as the public questionnaire shows it: never an answer."""
    condition = question.condition
    return OrderedDict(
        id=question.id,
        key=question.key or None,
        type=question.type,
        label=question.label,
        help_text=question.help_text,
        required=question.required,
        step=question.step,
        options=[{"value": o.value, "label": o.label} for o in question.options],
        settings={k: question.settings[k] for k in QUESTION_SETTINGS if k in question.settings},
        show_if=(
            {"key": condition.key, "operator": condition.operator, "value": condition.value}
            if condition
            else None
        ),
    )


class QuestionsField(_PageField):
    def to_representation(self, page):
        return [question_description(q) for q in parse(page.questionnaire).questions]


class LinksField(_PageField):
    """The addresses of the consultation's readings in this API."""

    def to_representation(self, page):
        request = self.context["request"]

        def url(name):
            return request.build_absolute_uri(
                reverse(f"{NAMESPACE}:consultations:{name}", args=[page.pk])
            )

        return OrderedDict(
            answers=url("answers"),
            what_we_heard=url("what_we_heard"),
            outcome=url("outcome") if page.outcome_published_at else None,
        )


API_FIELDS = [
    APIField("intro"),
    APIField("state", serializer=StateField()),
    APIField("opens_at", serializer=WindowField("opens_at")),
    APIField("closes_at", serializer=WindowField("closes_at")),
    APIField("time_zone"),
    APIField("themes", serializer=ThemesField()),
    APIField("audiences"),
    APIField("accepted_languages"),
    APIField("outcome_published_at"),
    APIField("questions", serializer=QuestionsField()),
    APIField("links", serializer=LinksField()),
]


# --- The endpoint ---------------------------------------------------------------------------------


class ConsultationsAPIViewSet(PublicAPIMixin, PagesAPIViewSet):
    name = "consultations"
    model = ConsultationPage
    filter_backends = [
        ConsultationFilter,
        Ordering,
        TranslationOfFilter,
        LocaleFilter,
        SearchFilter,  # last: search results cannot be filtered further
    ]
    known_query_parameters = frozenset(
        ["limit", "offset", "fields", "order", "search", "search_operator", "translation_of"]
        + ["locale", "state", "theme"]
    )
    meta_fields = [
        "type",
        "detail_url",
        "html_url",
        "slug",
        "first_published_at",
        "last_published_at",
        "locale",
    ]
    listing_default_fields = [
        "id",
        "type",
        "detail_url",
        "html_url",
        "title",
        "slug",
        "locale",
        "first_published_at",
        "state",
        "opens_at",
        "closes_at",
    ]
    nested_default_fields = ["id", "type", "detail_url", "title"]
    detail_only_fields = ["questions"]
    answer_parameters = frozenset(["limit", "offset"])

    @classmethod
    def get_body_fields(cls, model):
        return cls._convert_api_fields(["id", "title", *API_FIELDS])

    @classmethod
    def get_meta_fields(cls, model):
        return cls._convert_api_fields(cls.meta_fields)

    @classmethod
    def get_listing_default_fields(cls, model):
        return cls.listing_default_fields[:]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        translation.activate(requested_language(request))

    def get_base_queryset(self):
        # Read once per request: filters (translation_of) and the serializer ask for it too.
        if not hasattr(self, "_public"):
            self._public = public_consultations()
        return self._public

    def get_queryset(self):
        return (
            self.get_base_queryset()
            .select_related("locale")
            .prefetch_related("themes")
            .order_by("pk")
        )

    def check_query_parameters(self, queryset):
        check_parameters(self.request, self.known_query_parameters)

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            # The page itself, not the listing's filters: /<id>/?state=... is no filter.
            found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
            if found is None:
                from django.http import Http404

                raise Http404
            self._cached_object = found
        return self._cached_object

    def detail_view(self, request, pk):
        check_parameters(request, {"fields", "locale"})
        page = self.get_object()
        data = dict(self.get_serializer(page).data)
        # The licence, even when ?fields= left no meta out of the page's own.
        data["meta"] = {**data.get("meta", {}), **self.licence()}
        return APIResponse(data)

    # --- The readings of one consultation -------------------------------------------------------

    def _page(self, request, *more):
        check_parameters(request, self.answer_parameters | {"locale", *more})
        page = self.get_object()
        translation.activate(page.locale.language_code)
        return page

    def answers_view(self, request, pk):
        """A page of published answers, kept in the cache per version of the answers (bumped by
        every submit, moderation, redaction, publication choice and author's name change, as
        the published answers page is: consultations.public.page_key), window and language."""
        from django.core.cache import cache

        from .public import page_key

        page = self._page(request, "channel")
        offset, limit = page_window(request)
        # ?channel=paper: the published answers that came that way (Response.Channel).
        channel = one_of(request, "channel", Response.Channel.values)
        answers = services.publishable(page)
        if channel is not None:
            answers = answers.filter(channel=channel)
        key = None
        if offset + limit <= CACHED_ANSWERS:
            language, host = translation.get_language(), request.get_host()
            key = f"consultations:api:answers:{page_key(page)}:{language}:{host}:{offset}:{limit}"
            key += f":{channel or ''}"
        kept = cache.get(key) if key else None
        if kept is None:
            items = self._answer_items(request, page, self.paginate_queryset(answers))
            kept = (self.paginator.total_count, items)
            if key:
                cache.set(key, kept, 60 * 60)
        else:
            self.paginator.window(request, self, kept[0])
        return self.get_paginated_response(kept[1])

    def _answer_items(self, request, page, responses) -> list:
        questions = [q for q in parse(page.questionnaire).questions if q.type != "consent"]
        shown = {q.id: displayer(q) for q in questions}  # labels prepared once, not per answer
        page_url = request.build_absolute_uri(page.url)
        items = []
        for response in responses:
            answers = services.public_answers(response)
            items.append(
                OrderedDict(
                    id=response.pk,
                    author=services.public_author(response),
                    respondent_type=response.respondent_type,
                    country=response.country.code if response.country else None,
                    language=response.language or None,
                    channel=response.channel,
                    answers=[
                        OrderedDict(
                            question=question.id,
                            key=question.key or None,
                            label=question.label,
                            text=shown[question.id](answers[question.id]),
                            file_url=page_url
                            + page.reverse_subpage("attachment", args=[response.pk, question.id])
                            if question.type == "file_upload"
                            else None,
                        )
                        for question in questions
                        if question.id in answers
                    ],
                )
            )
        return items

    def what_we_heard_view(self, request, pk):
        from django_countries import countries

        page = self._page(request)
        heard = services.what_we_heard(page)
        rows = services.summary_rows(page, heard)
        questions = self.paginate_queryset(rows)
        response = self.get_paginated_response(
            [
                OrderedDict(
                    question=row["question"].id,
                    key=row["question"].key or None,
                    label=row["question"].label,
                    type=row["question"].type,
                    answered=row["answered"],
                    options=[
                        OrderedDict(
                            value=o["value"],
                            label=str(o["label"]),
                            count=o["count"],
                            percent=o["percent"],
                            individual=o["individual"],
                            organisation=o["organisation"],
                        )
                        for o in row["options"]
                    ],
                )
                for row in questions
            ]
        )
        # The figures the page shows beside the questions (not paginated: a few dozen at most).
        response.data["meta"]["totals"] = dict(heard["totals"])
        response.data["meta"]["campaigns"] = len(heard["campaigns"])
        response.data["meta"]["by_country"] = [
            {"country": code, "name": str(countries.name(code) or code), "count": n}
            for code, n in heard["by_country"].items()
        ]
        response.data["meta"]["by_language"] = [
            {
                "language": code,
                "declared": heard["by_language"].get(code, 0),
                "detected": heard["by_detected_language"].get(code, 0),
            }
            for code in {**heard["by_language"], **heard["by_detected_language"]}
        ]
        response.data["meta"]["by_organisation_kind"] = [
            {"kind": kind, "count": n} for kind, n in heard["by_organisation_kind"].items()
        ]
        channels = dict(Response.Channel.choices)
        response.data["meta"]["by_channel"] = [
            {"channel": channel, "name": str(channels.get(channel, channel)), "count": n}
            for channel, n in heard.get("by_channel", {}).items()
        ]
        return response

    def outcome_view(self, request, pk):
        from themes.selectors import localized

        page = self._page(request)
        if not page.outcome_published_at:
            from django.http import Http404

            raise Http404(gettext("The outcome of this consultation is not published yet."))
        rows = services.outcome_rows(page)
        pairs = {
            c.pk: s for c, s in localized({t.pk: t for r in rows for t in r["themes"]}.values())
        }
        items = self.paginate_queryset(rows)
        return self.get_paginated_response(
            [
                OrderedDict(
                    id=row["item"].pk,
                    title=row["item"].title,
                    text=expand_db_html(row["item"].text),
                    themes=[
                        {"slug": t.slug, "name": pairs[t.pk].name if t.pk in pairs else t.name}
                        for t in row["themes"]
                    ],
                    questions=row["questions"],
                    answers=row["answers"],
                    published_receipts=row["published_receipts"],
                )
                for row in items
            ]
        )

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<int:pk>/", cls.as_view({"get": "detail_view"}), name="detail"),
            path("<int:pk>/answers/", cls.as_view({"get": "answers_view"}), name="answers"),
            path(
                "<int:pk>/what-we-heard/",
                cls.as_view({"get": "what_we_heard_view"}),
                name="what_we_heard",
            ),
            path("<int:pk>/outcome/", cls.as_view({"get": "outcome_view"}), name="outcome"),
        ]

    @classmethod
    def openapi(cls) -> dict:
        return {"paths": OPENAPI_PATHS, "schemas": OPENAPI_SCHEMAS}


# --- Documentation (OpenAPI) ----------------------------------------------------------------------

_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_REF = "#/components/parameters/"
_PAGE = [{"$ref": _REF + "limit"}, {"$ref": _REF + "offset"}]
_LOCALE = {
    "name": "locale",
    "in": "query",
    "schema": {"type": "string"},
    "description": "A language code of the site: only the consultations in that language, and "
    "labels in it.",
}
_STRING = {"type": "string"}
_NULLABLE = {"type": "string", "nullable": True}
_THEME = {
    "type": "object",
    "properties": {"slug": _STRING, "name": _STRING},
}

OPENAPI_SCHEMAS = {
    "Consultation": {
        "type": "object",
        "description": "A consultation page. The listing shows the default fields; add others "
        "with ?fields=themes,questions (or ?fields=* for all).",
        "properties": {
            "id": {"type": "integer"},
            "meta": {
                "type": "object",
                "properties": {
                    "type": _STRING,
                    "detail_url": {"type": "string", "format": "uri"},
                    "html_url": {"type": "string", "format": "uri", "nullable": True},
                    "slug": _STRING,
                    "first_published_at": {"type": "string", "format": "date-time"},
                    "last_published_at": {"type": "string", "format": "date-time"},
                    "locale": _STRING,
                    "licence": _STRING,
                    "licence_url": {"type": "string", "format": "uri"},
                },
            },
            "title": _STRING,
            "intro": _STRING,
            "state": {"type": "string", "enum": list(ConsultationPage.State.values)},
            "opens_at": {"type": "string", "format": "date-time", "nullable": True},
            "closes_at": {"type": "string", "format": "date-time", "nullable": True},
            "time_zone": _STRING,
            "themes": {"type": "array", "items": _THEME},
            "audiences": {"type": "array", "items": _STRING},
            "accepted_languages": {
                "type": "array",
                "items": _STRING,
                "description": "Empty: answers in any language.",
            },
            "outcome_published_at": {"type": "string", "format": "date-time", "nullable": True},
            "questions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Question"},
                "description": "In the detail only.",
            },
            "links": {
                "type": "object",
                "properties": {
                    "answers": {"type": "string", "format": "uri"},
                    "what_we_heard": {"type": "string", "format": "uri"},
                    "outcome": {"type": "string", "format": "uri", "nullable": True},
                },
            },
        },
    },
    "Question": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "description": "Stable id: the key of its answers"},
            "key": _NULLABLE,
            "type": _STRING,
            "label": _STRING,
            "help_text": _STRING,
            "required": {"type": "boolean"},
            "step": {"type": "integer"},
            "options": {
                "type": "array",
                "items": {"type": "object", "properties": {"value": _STRING, "label": _STRING}},
            },
            "settings": {
                "type": "object",
                "description": "The type's own settings: " + ", ".join(QUESTION_SETTINGS),
                "properties": {name: {} for name in QUESTION_SETTINGS},
            },
            "show_if": {
                "type": "object",
                "nullable": True,
                "properties": {"key": _STRING, "operator": _STRING, "value": _STRING},
            },
        },
    },
    "PublishedAnswer": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "author": {
                "type": "string",
                "nullable": True,
                "description": "Only when the author chose to be named",
            },
            "respondent_type": {"type": "string", "enum": ["individual", "organisation"]},
            "country": _NULLABLE,
            "language": _NULLABLE,
            "channel": {
                "type": "string",
                "enum": list(Response.Channel.values),
                "description": "How the answer reached the consultation",
            },
            "answers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "question": _STRING,
                        "key": _NULLABLE,
                        "label": _STRING,
                        "text": {"type": "string", "description": "As published (redacted)"},
                        "file_url": {"type": "string", "format": "uri", "nullable": True},
                    },
                },
            },
        },
    },
    "QuestionCounts": {
        "type": "object",
        "properties": {
            "question": _STRING,
            "key": _NULLABLE,
            "label": _STRING,
            "type": _STRING,
            "answered": {"type": "integer"},
            "options": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "value": _STRING,
                        "label": _STRING,
                        "count": {"type": "integer"},
                        "percent": {"type": "integer"},
                        "individual": {"type": "integer"},
                        "organisation": {"type": "integer"},
                    },
                },
            },
        },
    },
    "OutcomeItem": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": _STRING,
            "text": {"type": "string", "description": "HTML"},
            "themes": {"type": "array", "items": _THEME},
            "questions": {"type": "array", "items": _STRING},
            "answers": {"type": "integer", "description": "How many answers are behind it"},
            "published_receipts": {"type": "array", "items": _STRING},
        },
    },
}

_COUNTED = {
    "totals": {
        "type": "object",
        "properties": {
            "responses": {"type": "integer"},
            "organisations": {"type": "integer"},
            "individuals": {"type": "integer"},
        },
    },
    "campaigns": {"type": "integer", "description": "Groups of near-identical answers"},
    "by_country": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"country": _STRING, "name": _STRING, "count": {"type": "integer"}},
        },
    },
    "by_language": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "language": _STRING,
                "declared": {"type": "integer"},
                "detected": {"type": "integer"},
            },
        },
    },
    "by_organisation_kind": {
        "type": "array",
        "items": {"type": "object", "properties": {"kind": _STRING, "count": {"type": "integer"}}},
    },
    "by_channel": {
        "type": "array",
        "description": "Answers per channel: online, or entered or imported by the team",
        "items": {
            "type": "object",
            "properties": {
                "channel": {"type": "string", "enum": list(Response.Channel.values)},
                "name": _STRING,
                "count": {"type": "integer"},
            },
        },
    },
}

_FILTERS = [
    {
        "name": "state",
        "in": "query",
        "schema": {"type": "string", "enum": list(ConsultationPage.State.values)},
    },
    {"name": "theme", "in": "query", "schema": _STRING, "description": "A theme's slug"},
    _LOCALE,
    {"name": "search", "in": "query", "schema": _STRING},
    {"name": "order", "in": "query", "schema": _STRING, "description": "e.g. -opens_at, title"},
    {"name": "fields", "in": "query", "schema": _STRING, "description": "e.g. themes,questions"},
    {"name": "translation_of", "in": "query", "schema": {"type": "integer"}},
]

OPENAPI_PATHS = {
    "": {
        "get": {
            "summary": "Consultations the public may read",
            "parameters": [*_PAGE, *_FILTERS],
            "responses": list_response("Consultation", "Consultations, by id"),
        }
    },
    "{id}/": {
        "get": {
            "summary": "One consultation, with its questions",
            "parameters": [_ID, _LOCALE],
            "responses": {
                "200": {
                    "description": "The consultation",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Consultation"}
                        }
                    },
                },
                **ERROR_RESPONSES,
            },
        }
    },
    "{id}/answers/": {
        "get": {
            "summary": "Published answers: consented to, approved, redacted where needed",
            "parameters": [
                _ID,
                *_PAGE,
                {
                    "name": "channel",
                    "in": "query",
                    "schema": {"type": "string", "enum": list(Response.Channel.values)},
                    "description": "Only the answers that came this way",
                },
            ],
            "responses": list_response("PublishedAnswer", "In the order they were submitted"),
        }
    },
    "{id}/what-we-heard/": {
        "get": {
            "summary": "Counts per question and option, and the totals",
            "parameters": [_ID, *_PAGE],
            "responses": list_response(
                "QuestionCounts", "Counted questions in questionnaire order", _COUNTED
            ),
        }
    },
    "{id}/outcome/": {
        "get": {
            "summary": "You said, we did: the outcome items (404 until it is published)",
            "parameters": [_ID, *_PAGE],
            "responses": list_response("OutcomeItem", "In the editors' order"),
        }
    },
}
