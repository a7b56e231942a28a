"""Document kinds that plugins register: how to build one, and when a built one is still good.

A plugin registers its kinds once, in its ``AppConfig.ready()``:

    from participation.documents.registry import DocumentKind, register

    register(DocumentKind(
        name="consultations.summary",          # "<app label>.<what>"
        label=_("Summary of responses"),
        build=build_summary,                   # (params, progress) -> BuiltFile
        fingerprint=summary_fingerprint,       # (params) -> str; same value = same document
        clean_params=clean_summary_params,     # (raw dict of strings) -> params, or ValidationError
        can_request=rules.can_export,          # (user, params) -> bool
        can_view=rules.can_export_document,    # (user, document) -> bool, besides the requester
        progress_unit="items",
    ))

``build`` reports progress with ``progress(done, total)`` (and ``progress.pages(n)`` while a PDF is
laid out, given by ``render_pdf_document(..., on_page=progress.pages)``); it returns a
``BuiltFile``. Raise ``DocumentBuildError("reason for people")`` for a failure to show as it is.
"""

import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

MAX_PARAMS_JSON = 4000


class DocumentBuildError(Exception):
    """A failure whose message is meant for the person who asked for the document."""


class UnknownKind(LookupError):
    pass


@dataclass
class BuiltFile:
    """What a build returns: bytes in ``content``, or a temporary file at ``path`` (moved into
    storage and deleted) for large outputs."""

    filename: str
    content_type: str
    content: bytes | None = None
    path: Path | str | None = None

    @classmethod
    def pdf(cls, content: bytes, filename: str) -> "BuiltFile":
        return cls(filename=filename, content_type="application/pdf", content=content)

    @staticmethod
    def temporary_path(suffix: str = "") -> Path:
        handle = tempfile.NamedTemporaryFile(prefix="document-", suffix=suffix, delete=False)
        handle.close()
        return Path(handle.name)


def default_clean_params(params: dict) -> dict:
    """Keep JSON scalars only (strings, numbers, booleans), with a bound on the total size."""
    cleaned = {}
    for key, value in (params or {}).items():
        if not isinstance(key, str) or not key.isidentifier():
            raise ValidationError(_("Invalid parameter name."))
        if not isinstance(value, str | int | float | bool) and value is not None:
            raise ValidationError(_("Invalid parameter value."))
        cleaned[key] = value
    if len(json.dumps(cleaned, cls=DjangoJSONEncoder)) > MAX_PARAMS_JSON:
        raise ValidationError(_("Too many parameters."))
    return cleaned


def _staff_only(user, params) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def _nobody_else(user, document) -> bool:
    return False


@dataclass(frozen=True)
class DocumentKind:
    name: str
    label: Any
    build: Callable
    fingerprint: Callable[[dict], str] | None = None
    clean_params: Callable[[dict], dict] = default_clean_params
    can_request: Callable[[Any, dict], bool] = _staff_only
    can_view: Callable[[Any, Any], bool] = _nobody_else
    # Asked of everyone, the requester and superusers included, before a stored document is
    # shown or served: False when what it holds is no longer theirs to see (a review item they
    # have since declared a conflict with). None: no such check.
    can_serve: Callable[[Any, Any], bool] | None = None
    progress_unit: str = "items"
    version: str = "1"
    extra: dict = field(default_factory=dict, compare=False)

    def compute_fingerprint(self, params: dict) -> str:
        """sha256 of kind, version, params and the builder's own data fingerprint.

        Without a fingerprint function a document is never reused: "" (rebuilt every time).
        """
        if self.fingerprint is None:
            return ""
        data = self.fingerprint(params)
        payload = json.dumps(
            [self.name, self.version, params, data], sort_keys=True, cls=DjangoJSONEncoder
        )
        return hashlib.sha256(payload.encode()).hexdigest()


_kinds: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    existing = _kinds.get(kind.name)
    if existing is not None and existing.build is not kind.build:
        raise ImproperlyConfigured(f"Document kind {kind.name!r} is registered twice.")
    _kinds[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    _kinds.pop(name, None)


def get(name: str) -> DocumentKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownKind(name) from None


def all_kinds() -> list[DocumentKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)
