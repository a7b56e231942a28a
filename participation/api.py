"""The public read API: what anyone may read on the site, as JSON, at ``/api/v2/``.

Built on Wagtail's API (``wagtail.api.v2``, Django REST framework): each plugin registers its
endpoints with the ``register_participation_api`` hook, a function returning ``(name, endpoint
class)`` pairs; the classes are Wagtail API viewsets (``BaseAPIViewSet`` or ``PagesAPIViewSet``)
that mix in :class:`PublicAPIMixin`. Plugins never import each other: the core only gathers what
they register, as the progress board gathers participation figures.

Every endpoint:

- answers anonymously, whoever asks (no session or password is read: a page a signed-in
  person may see is still not public), with JSON only;
- is rate limited per client address (``PARTICIPATION_API_RATE``, counted in the cache: Redis in
  production), answering 429 with a message and ``Retry-After``;
- paginates with ``limit`` and ``offset`` (``PARTICIPATION_API_MAX_PAGE_SIZE``) and refuses
  unknown query parameters and bad numbers with a 400 and a message, never a 500;
- carries its licence, in ``meta`` and in a ``Link: <...>; rel="license"`` header;
- documents itself in the OpenAPI document at ``/api/v2/schema/`` (``openapi()`` of each class).
"""

from collections import OrderedDict

from django.conf import settings
from django.http import Http404
from django.urls import include, path, reverse
from django.utils.translation import gettext
from rest_framework import status
from rest_framework.exceptions import (
    MethodNotAllowed,
    ParseError,
    Throttled,
    ValidationError,
)
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import BasePagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from wagtail import hooks
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError

API_HOOK = "register_participation_api"
NAMESPACE = "participation_api"

# Settings of the API, with their defaults in one place: PARTICIPATION_API_<NAME>.
DEFAULTS = {
    # Requests per client address (DRF's "number/period": second, minute, hour, day).
    "RATE": "120/minute",
    # The licence of what the API serves about consultations (SPDX identifier and address). The
    # progress board's commitments carry the board's own open data licence instead.
    "LICENCE": "CC-BY-4.0",
    "LICENCE_URL": "https://creativecommons.org/licenses/by/4.0/",
    "PAGE_SIZE": 20,
    "MAX_PAGE_SIZE": 100,
    # Past it an offset is refused (a page that far is empty anyway; the database is spared).
    "MAX_OFFSET": 10_000_000,
}


def setting(name: str):
    return getattr(settings, f"PARTICIPATION_API_{name}", DEFAULTS[name])


def default_licence() -> dict:
    return {"licence": setting("LICENCE"), "licence_url": setting("LICENCE_URL")}


# --- What is public --------------------------------------------------------------------------


def public_pages(queryset):
    """Of these pages, the live ones nobody needs a password, an account or a group to read,
    whoever asks (a password given in a session never opens a page to the API); a translation
    only when its original (whose submissions it shows, participation.i18n) is not restricted
    either (participation.pages_access). The restrictions are read once (one query)."""
    from django.db.models import Q
    from wagtail.models import PageViewRestriction

    from participation.i18n import default_locale_id

    private = Q()
    for section in PageViewRestriction.objects.values_list("page__path", flat=True).distinct():
        private |= Q(path__startswith=section)
    live = queryset.live()
    if not private:
        return live
    originals = queryset.model.objects.filter(private, locale_id=default_locale_id())
    return live.exclude(private).exclude(translation_key__in=originals.values("translation_key"))


# --- Throttling ------------------------------------------------------------------------------


def client_address(request) -> str:
    """The client address every rate limit of the project uses: allauth's, which trusts only
    the proxies configured (participation.limits)."""
    from allauth.account.adapter import get_adapter

    return get_adapter().get_client_ip(getattr(request, "_request", request)) or "unknown"


class APIThrottle(SimpleRateThrottle):
    """``PARTICIPATION_API_RATE`` requests per client address, over all endpoints."""

    scope = "participation_api"

    def get_rate(self):
        return setting("RATE")

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


# --- Pagination ------------------------------------------------------------------------------


MAX_ID = 2**63 - 1  # the largest database id


def whole_number(request, name: str, default=None, low: int = 0, high: int = MAX_ID):
    """``?name=`` as a whole number from ``low`` to ``high`` (``default`` when absent): a 400
    with a message for anything else (a sign, "1e3", another script's digits, too many)."""
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) < 20 and low <= int(text) <= high):
        raise BadRequestError(
            gettext("%(name)s must be a whole number from %(low)d to %(high)d.")
            % {"name": name, "low": low, "high": high}
        )
    return int(text)


def one_of(request, name: str, values, default=None):
    """``?name=`` when it is one of ``values`` (``default`` when absent), else a 400."""
    value = request.GET.get(name)
    if value is None:
        return default
    values = list(values)
    if value not in values:
        raise not_one_of(name, values)
    return value


def not_one_of(name: str, values) -> BadRequestError:
    """The 400 for a parameter whose value is not one of ``values`` (to raise)."""
    return BadRequestError(
        gettext("%(name)s must be one of: %(values)s.")
        % {"name": name, "values": ", ".join(values)}
    )


def requested_language(request) -> str:
    """``?locale=`` (a language of the site) or the default language."""
    return one_of(
        request, "locale", [code for code, _n in settings.LANGUAGES], settings.LANGUAGE_CODE
    )


def requested_theme(request):
    """``?theme=<slug>``: a canonical theme, None when absent, a 400 for an unknown slug."""
    from themes.selectors import canonical_themes

    themes = {t.slug: t for t in canonical_themes()}
    slug = one_of(request, "theme", themes)
    return themes[slug] if slug is not None else None


def page_window(request) -> tuple[int, int]:
    """(offset, limit) of a listing, checked: a clear 400 for anything else."""
    maximum = setting("MAX_PAGE_SIZE")
    limit = whole_number(request, "limit", min(setting("PAGE_SIZE"), maximum), 1, maximum)
    offset = whole_number(request, "offset", 0, 0, setting("MAX_OFFSET"))
    return offset, limit


class Pagination(BasePagination):
    """``limit``/``offset`` as Wagtail's API has them, with the total, the window and the
    licence in ``meta``."""

    def paginate_queryset(self, queryset, request, view=None):
        self.window(request, view, len(queryset) if isinstance(queryset, list) else None)
        if self.total_count is None:
            self.total_count = queryset.count()
        return list(queryset[self.offset : self.offset + self.limit])

    def window(self, request, view, total_count):
        """The page asked for, of ``total_count`` items: for a view that serves a page it kept
        (a cached one) without reading the items again."""
        self.offset, self.limit = page_window(request)
        self.view = view
        self.request = request
        self.total_count = total_count

    def _link(self, offset):
        url = self.request.build_absolute_uri(self.request.path)
        query = self.request.GET.copy()
        query["offset"] = str(offset)
        query["limit"] = str(self.limit)
        return f"{url}?{query.urlencode()}"

    def get_paginated_response(self, data):
        following = self.offset + self.limit
        meta = OrderedDict(
            total_count=self.total_count,
            offset=self.offset,
            limit=self.limit,
            next=self._link(following) if following < self.total_count else None,
            previous=self._link(max(0, self.offset - self.limit)) if self.offset else None,
            **self.view.licence(),
        )
        return Response(OrderedDict(meta=meta, items=data))


# --- The mixin of every endpoint ---------------------------------------------------------------


class JSONOnly(BaseContentNegotiation):
    """JSON whatever the client accepts (no browsable pages, no 406)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _message(status_code: int, message: str, **headers) -> Response:
    response = Response({"message": message}, status=status_code)
    for name, value in headers.items():
        response[name] = value
    return response


class PublicAPIMixin:
    """Anonymous, JSON, throttled, paginated, licensed; errors as ``{"message": ...}``."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [APIThrottle]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
    pagination_class = Pagination
    http_method_names = ["get", "head"]

    def licence(self) -> dict:
        """``{"licence": SPDX id, "licence_url": address}`` of what this endpoint serves."""
        return default_licence()

    def handle_exception(self, exc):
        if isinstance(exc, Throttled):
            wait = int(exc.wait or 1)
            return _message(
                status.HTTP_429_TOO_MANY_REQUESTS,
                gettext(
                    "Too many requests from your address (at most %(rate)s). Try again after "
                    "the number of seconds in the Retry-After header."
                )
                % {"rate": setting("RATE")},
                **{"Retry-After": str(wait)},
            )
        if isinstance(exc, Http404):
            return _message(status.HTTP_404_NOT_FOUND, str(exc) or gettext("Not found."))
        if isinstance(exc, BadRequestError | ParseError | ValidationError):
            return _message(
                status.HTTP_400_BAD_REQUEST, str(exc.detail if hasattr(exc, "detail") else exc)
            )
        if isinstance(exc, MethodNotAllowed):
            return _message(status.HTTP_405_METHOD_NOT_ALLOWED, gettext("Only GET is allowed."))
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        try:
            licence = self.licence()
        except Exception:  # noqa: BLE001 - the licence never turns an answer into an error
            licence = default_licence()
        response["Link"] = f'<{licence["licence_url"]}>; rel="license"'
        return response

    @classmethod
    def openapi(cls) -> dict:
        """``{"paths": {path under the endpoint: operations}, "schemas": {name: schema}}``."""
        return {"paths": {}, "schemas": {}}


def check_parameters(request, known) -> None:
    """A 400 naming the query parameters this endpoint does not know (forged filters)."""
    unknown = sorted(set(request.GET) - set(known))
    if unknown:
        raise BadRequestError(
            gettext("Unknown query parameters: %(unknown)s. This endpoint takes: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known)) or "-"}
        )


# --- Router, index and schema ------------------------------------------------------------------


def endpoints() -> list[tuple[str, type]]:
    found = []
    for fn in hooks.get_hooks(API_HOOK):
        found.extend(fn() or ())
    return found


def router() -> WagtailAPIRouter:
    api = WagtailAPIRouter(NAMESPACE)
    for name, endpoint in endpoints():
        api.register_endpoint(name, endpoint)
    return api


COMMON_SCHEMAS = {
    "Error": {
        "type": "object",
        "properties": {"message": {"type": "string"}},
        "required": ["message"],
    },
    "ListMeta": {
        "type": "object",
        "properties": {
            "total_count": {"type": "integer"},
            "offset": {"type": "integer"},
            "limit": {"type": "integer"},
            "next": {"type": "string", "format": "uri", "nullable": True},
            "previous": {"type": "string", "format": "uri", "nullable": True},
            "licence": {"type": "string", "description": "SPDX identifier"},
            "licence_url": {"type": "string", "format": "uri"},
        },
    },
}

COMMON_PARAMETERS = {
    "limit": {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1},
        "description": "Items per page (PARTICIPATION_API_MAX_PAGE_SIZE at most).",
    },
    "offset": {
        "name": "offset",
        "in": "query",
        "schema": {"type": "integer", "minimum": 0},
        "description": "Items to skip.",
    },
}

ERROR_RESPONSES = {
    "400": {
        "description": "Bad input",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "404": {
        "description": "Not found or not public",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "429": {
        "description": "Rate limited (see Retry-After)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}


def list_response(item_schema: str, description: str, extra_meta: dict | None = None) -> dict:
    """An OpenAPI response of a paginated listing of ``item_schema``."""
    meta = {"$ref": "#/components/schemas/ListMeta"}
    if extra_meta:
        meta = {"allOf": [meta, {"type": "object", "properties": extra_meta}]}
    return {
        "200": {
            "description": description,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "meta": meta,
                            "items": {
                                "type": "array",
                                "items": {"$ref": f"#/components/schemas/{item_schema}"},
                            },
                        },
                    }
                }
            },
        },
        **ERROR_RESPONSES,
    }


def openapi_document(base: str) -> dict:
    """The OpenAPI 3 document of every registered endpoint, under ``base`` (``/api/v2``)."""
    paths, schemas = {}, dict(COMMON_SCHEMAS)
    for name, endpoint in endpoints():
        described = endpoint.openapi()
        for sub, operations in described.get("paths", {}).items():
            paths[f"{base}/{name}/{sub}".replace("//", "/")] = operations
        schemas.update(described.get("schemas", {}))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Participation: public read API",
            "version": "2",
            "description": (
                "What the public may read on this site: consultations, their published answers "
                "(as their authors consented, after moderation, with redactions), what we heard "
                "(counts per question), their outcome, and the commitments of the progress "
                "board. Anonymous, rate limited, JSON, paginated with limit and offset."
            ),
            "license": {"name": setting("LICENCE"), "url": setting("LICENCE_URL")},
        },
        "paths": paths,
        "components": {"schemas": schemas, "parameters": COMMON_PARAMETERS},
    }


def _views():
    from rest_framework.views import APIView

    class IndexView(PublicAPIMixin, APIView):
        def get(self, request):
            check_parameters(request, set())
            base = request.build_absolute_uri(reverse(f"{NAMESPACE}:index"))
            return Response(
                OrderedDict(
                    meta=OrderedDict(**self.licence()),
                    schema=base + "schema/",
                    endpoints={name: f"{base}{name}/" for name, _e in endpoints()},
                )
            )

    class SchemaView(PublicAPIMixin, APIView):
        def get(self, request):
            check_parameters(request, set())
            base = reverse(f"{NAMESPACE}:index").rstrip("/")
            return Response(openapi_document(base))

    return IndexView, SchemaView


def urls():
    """For the host's URLconf: ``path("api/v2/", include(participation.api.urls()))``."""
    index, schema = _views()
    patterns = [
        path("", index.as_view(), name="index"),
        path("schema/", schema.as_view(), name="schema"),
        *router().get_urlpatterns(),
    ]
    return include((patterns, NAMESPACE), namespace=NAMESPACE)
