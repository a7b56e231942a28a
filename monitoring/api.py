"""The progress board's commitments in the public read API (participation.api):
``commitments/`` and ``commitments/<id>/``, the same rows as the board's open data files
(``views._commitment_row``) under the board's own licence, plus the outcome item and the
consultation behind each, and, in the detail, its dated progress updates.

Served while the board page is public (live, not view-restricted); a consultation behind a
commitment is named only while it is public itself. Who follows a commitment, who wrote an
update and what followers were last told are never served.
"""

from collections import OrderedDict

from django.http import Http404
from django.urls import NoReverseMatch, path, reverse
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.response import Response as APIResponse
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.models import Page

from participation.api import (
    ERROR_RESPONSES,
    NAMESPACE,
    PublicAPIMixin,
    check_parameters,
    list_response,
    one_of,
    public_pages,
    requested_language,
    requested_theme,
    whole_number,
)
from participation.outcomes import outcome_source
from participation.translation_rows import localised, with_translations

from . import services
from .models import Commitment, MonitoringBoardPage, ProgressUpdate

FILTERS = ("theme", "status", "consultation", "outcome_item")


def public_board():
    return public_pages(MonitoringBoardPage.objects.all()).order_by("pk").first()


class CommitmentsAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    name = "commitments"
    model = Commitment

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        translation.activate(requested_language(request))
        self.board = public_board()
        if self.board is None:
            raise Http404(gettext("The progress board is not published."))

    def licence(self) -> dict:
        board = getattr(self, "board", None) or public_board()
        if board is None:
            return super().licence()
        # The board's open data licence: the API and its data files never disagree about it.
        return {"licence": board.licence, "licence_url": board.licence_url}

    def get_queryset(self):
        request = self.request
        theme = requested_theme(request)
        status = one_of(request, "status", Commitment.Status.values, "")
        commitments = services.commitment_list(theme, status)
        # Only through public consultations: a filter never tells what a restricted one holds.
        public = public_pages(Page.objects.all()).values("pk")
        consultation = whole_number(request, "consultation")
        if consultation is not None:
            commitments = commitments.filter(consultation_id=consultation, consultation__in=public)
        item = whole_number(request, "outcome_item")
        if item is not None:
            source = outcome_source()
            on_public = source.on_pages(public) if source is not None else []
            commitments = commitments.filter(outcome_item_id=item, outcome_item_id__in=on_public)
        return commitments.order_by("pk")

    def _consultations(self, commitments) -> dict:
        """{page id: page} of the public consultations behind these commitments (one query)."""
        ids = {c.consultation_id for c in commitments if c.consultation_id}
        if not ids:
            return {}
        return {p.pk: p for p in public_pages(Page.objects.filter(pk__in=ids))}

    def _api_url(self, page):
        # The consultations' endpoint, when that plugin is installed (no import of it).
        try:
            url = reverse(f"{NAMESPACE}:consultations:detail", args=[page.pk])
        except NoReverseMatch:
            return None
        return self.request.build_absolute_uri(url)

    def _row(self, commitment, public) -> OrderedDict:
        from .views import _commitment_row

        row = OrderedDict(_commitment_row(commitment, self.request))
        row["themes"] = [t.slug for t in commitment.themes.all()]
        row["owner"] = services.owner_label(commitment)
        page = public.get(commitment.consultation_id)
        row["consultation"] = (
            OrderedDict(
                id=page.pk,
                title=page.title,
                html_url=page.get_full_url(self.request),
                api_url=self._api_url(page),
            )
            if page is not None
            else None
        )
        row["outcome_item"] = commitment.outcome_item_id if page is not None else None
        row["detail_url"] = self.request.build_absolute_uri(
            reverse(f"{NAMESPACE}:commitments:detail", args=[commitment.pk])
        )
        row["html_url"] = self.request.build_absolute_uri(
            self.board.url + self.board.reverse_subpage("commitment", args=[commitment.pk])
        )
        return row

    def listing_view(self, request):
        check_parameters(request, {"limit", "offset", "locale", *FILTERS})
        commitments = self.paginate_queryset(self.get_queryset())
        public = self._consultations(commitments)
        return self.get_paginated_response([self._row(c, public) for c in commitments])

    def detail_view(self, request, pk):
        check_parameters(request, {"locale"})
        found = services.commitment_list().filter(pk=pk).first()
        if found is None:
            raise Http404
        row = self._row(found, self._consultations([found]))
        updates = with_translations(ProgressUpdate.objects.filter(commitment=found))
        row["updates"] = [
            OrderedDict(
                date=update.date,
                status=update.status,
                progress=update.progress,
                text=localised(update, "text").text,
                text_lang=localised(update, "text").language,
            )
            for update in updates.order_by("-date", "-pk")
        ]
        row["meta"] = OrderedDict(**self.licence())
        return APIResponse(row)

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<int:pk>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]

    @classmethod
    def openapi(cls) -> dict:
        return {"paths": OPENAPI_PATHS, "schemas": OPENAPI_SCHEMAS}


# --- Documentation (OpenAPI) ----------------------------------------------------------------------

_STRING = {"type": "string"}
_DATE = {"type": "string", "format": "date", "nullable": True}
_URI = {"type": "string", "format": "uri"}
_REF = "#/components/parameters/"
_LOCALE = {
    "name": "locale",
    "in": "query",
    "schema": _STRING,
    "description": "A language code of the site: labels and updates in it where translated.",
}
_COMMITMENT = {
    "id": {"type": "integer"},
    "title": {"type": "string", "description": "As written (default language)"},
    "label": {"type": "string", "description": "The title in the requested language"},
    "label_lang": _STRING,
    "status": {"type": "string", "enum": list(Commitment.Status.values)},
    "progress": {"type": "integer", "minimum": 0, "maximum": 100},
    "owner": {"type": "string", "description": "Responsible organisation or department"},
    "themes": {"type": "array", "items": _STRING},
    "starts_on": _DATE,
    "due_on": _DATE,
    "completed_on": _DATE,
    "dropped_reason": _STRING,
    "consultation": {
        "type": "object",
        "nullable": True,
        "description": "The consultation behind it, while it is public",
        "properties": {
            "id": {"type": "integer"},
            "title": _STRING,
            "html_url": _URI,
            "api_url": _URI,
        },
    },
    "outcome_item": {
        "type": "integer",
        "nullable": True,
        "description": "Id of the outcome item (consultations/{id}/outcome/)",
    },
    "detail_url": _URI,
    "html_url": _URI,
}

OPENAPI_SCHEMAS = {
    "Commitment": {"type": "object", "properties": _COMMITMENT},
    "CommitmentDetail": {
        "type": "object",
        "properties": {
            **_COMMITMENT,
            "updates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "date": {"type": "string", "format": "date"},
                        "status": _STRING,
                        "progress": {"type": "integer"},
                        "text": _STRING,
                        "text_lang": _STRING,
                    },
                },
            },
            "meta": {
                "type": "object",
                "properties": {"licence": _STRING, "licence_url": _URI},
            },
        },
    },
}

OPENAPI_PATHS = {
    "": {
        "get": {
            "summary": "Commitments of the progress board (the board's open data licence)",
            "parameters": [
                {"$ref": _REF + "limit"},
                {"$ref": _REF + "offset"},
                {"name": "theme", "in": "query", "schema": _STRING},
                {
                    "name": "status",
                    "in": "query",
                    "schema": {"type": "string", "enum": list(Commitment.Status.values)},
                },
                {"name": "consultation", "in": "query", "schema": {"type": "integer"}},
                {"name": "outcome_item", "in": "query", "schema": {"type": "integer"}},
                _LOCALE,
            ],
            "responses": list_response("Commitment", "By id"),
        }
    },
    "{id}/": {
        "get": {
            "summary": "One commitment with its progress updates, newest first",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                _LOCALE,
            ],
            "responses": {
                "200": {
                    "description": "The commitment",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/CommitmentDetail"}
                        }
                    },
                },
                **ERROR_RESPONSES,
            },
        }
    },
}
