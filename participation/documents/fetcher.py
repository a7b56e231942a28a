"""A URL fetcher for WeasyPrint that reads only the project's own static and media files.

Nothing is ever fetched over the network. Allowed, and nothing else:

- ``file://`` URLs of files inside the app's fonts folder, the static folders (``STATIC_ROOT``,
  ``STATICFILES_DIRS``, apps' ``static/``) or the local ``MEDIA_ROOT``;
- ``http(s)://`` URLs on the document's own origin (its base URL) or under an absolute
  ``STATIC_URL``/``MEDIA_URL``, whose path is under ``STATIC_URL`` (read from the static files)
  or ``MEDIA_URL`` (read through the media storage);
- ``data:`` URLs (inline content, nothing to fetch).

Anything else is refused: WeasyPrint logs it and goes on rendering without that resource. Files
larger than ``PARTICIPATION_DOCUMENTS_MAX_RESOURCE_BYTES`` are refused too.
"""

import base64
import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import storages
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import conf

logger = logging.getLogger("participation.documents")

FONTS_DIR = Path(__file__).resolve().parent / "static" / "documents" / "fonts"
APP_STATIC_DIR = Path(__file__).resolve().parent / "static"

mimetypes.add_type("font/ttf", ".ttf")
mimetypes.add_type("font/otf", ".otf")
mimetypes.add_type("font/woff2", ".woff2")


class RefusedURL(ValueError):
    """A URL the document may not read; WeasyPrint logs it and renders without it."""


def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _static_roots() -> list[Path]:
    roots = [FONTS_DIR, APP_STATIC_DIR]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(Path(entry[1] if isinstance(entry, (list, tuple)) else entry))
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    return [root.resolve() for root in roots]


def _clean_relative(path: str) -> str:
    """A relative path with no way out of its folder, or RefusedURL."""
    path = unquote(path)
    normal = posixpath.normpath(path)
    if not path or normal.startswith(("/", "..")) or "\\" in path or "\x00" in path:
        raise RefusedURL(f"unsafe path {path!r}")
    return normal


class LocalOnlyURLFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, restricted to the project's own files (see module docstring).

    ``fetched`` and ``refused`` record what was asked, for logs and tests.
    """

    def __init__(self, base_url: str | None = None, *, max_bytes: int | None = None):
        super().__init__(timeout=1, allowed_protocols=("file", "http", "https", "data"))
        self.base_url = base_url or ""
        self.max_bytes = conf.get("MAX_RESOURCE_BYTES") if max_bytes is None else max_bytes
        self.fetched: list[str] = []
        self.refused: list[tuple[str, str]] = []
        base = urlsplit(self.base_url)
        self._origins = set()
        if base.scheme in ("http", "https") and base.netloc:
            self._origins.add((base.scheme, base.netloc.lower()))

    # WeasyPrint 70 calls ``fetch(url, headers=None)`` (through ``__call__``).
    def fetch(self, url, headers=None):
        try:
            response = self._fetch(url)
        except RefusedURL as refusal:
            self.refused.append((url, str(refusal)))
            logger.warning("Document resource refused: %.200s (%s)", url, refusal)
            raise
        except Exception as error:  # unreadable file and the like: refused, rendering goes on
            self.refused.append((url, f"{type(error).__name__}: {error}"))
            logger.warning("Document resource unreadable: %.200s (%s)", url, error)
            raise RefusedURL(str(error)) from error
        self.fetched.append(url)
        return response

    def open(self, url, data=None, timeout=None):  # never the network, whatever asks
        return self.fetch(url if isinstance(url, str) else url.full_url)

    def _fetch(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return self._data(url)
        if scheme == "file":
            if parts.netloc not in ("", "localhost"):
                raise RefusedURL("remote file URL")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_file():
                raise RefusedURL("no such file")
            if not any(_within(path, root) for root in self._file_roots()):
                raise RefusedURL("file outside the project's static, media and font folders")
            return self._file_response(url, path)
        if scheme in ("http", "https"):
            return self._web(url, parts)
        raise RefusedURL(f"scheme {scheme or '(none)'} not allowed")

    def _file_roots(self) -> list[Path]:
        roots = _static_roots()
        media = self._media_storage()
        location = getattr(media, "location", None)
        if location:
            roots.append(Path(location).resolve())
        return roots

    @staticmethod
    def _media_storage():
        return storages["default"]

    def _web(self, url, parts) -> URLFetcherResponse:
        full = f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}"
        same_origin = (parts.scheme.lower(), parts.netloc.lower()) in self._origins
        for prefix, kind in ((settings.STATIC_URL, "static"), (settings.MEDIA_URL, "media")):
            if not prefix:
                continue
            prefix_parts = urlsplit(prefix)
            if prefix_parts.netloc:  # absolute STATIC_URL / MEDIA_URL (a CDN or a bucket)
                absolute = (
                    f"{prefix_parts.scheme.lower()}://{prefix_parts.netloc.lower()}"
                    f"{prefix_parts.path}"
                )
                if full.startswith(absolute):
                    return self._resolve(kind, url, full[len(absolute) :])
            elif same_origin and parts.path.startswith(prefix):
                return self._resolve(kind, url, parts.path[len(prefix) :])
        raise RefusedURL("not one of the project's static or media files")

    def _resolve(self, kind, url, relative) -> URLFetcherResponse:
        relative = _clean_relative(relative)
        if kind == "static":
            candidates = []
            if settings.STATIC_ROOT:
                candidates.append(Path(settings.STATIC_ROOT) / relative)
            found = finders.find(relative)
            if found:
                candidates.append(Path(found))
            for candidate in candidates:
                candidate = candidate.resolve()
                if candidate.is_file() and any(_within(candidate, r) for r in _static_roots()):
                    return self._file_response(url, candidate)
            raise RefusedURL("no such static file")
        storage = self._media_storage()
        if not storage.exists(relative):
            raise RefusedURL("no such media file")
        size = storage.size(relative)
        if size > self.max_bytes:
            raise RefusedURL(f"media file of {size} bytes is over the {self.max_bytes} limit")
        with storage.open(relative, "rb") as handle:
            body = handle.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise RefusedURL("media file over the size limit")
        return URLFetcherResponse(url, body, {"Content-Type": self._mime(relative)})

    def _file_response(self, url, path: Path) -> URLFetcherResponse:
        size = path.stat().st_size
        if size > self.max_bytes:
            raise RefusedURL(f"file of {size} bytes is over the {self.max_bytes} limit")
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), {"Content-Type": self._mime(path.name)}
        )

    def _data(self, url: str) -> URLFetcherResponse:
        header, _, payload = url[5:].partition(",")
        if len(payload) > self.max_bytes * 4 // 3 + 4:
            raise RefusedURL("data URL over the size limit")
        media_type, *params = header.split(";") if header else ["text/plain"]
        if params and params[-1].lower() == "base64":
            body = base64.b64decode(unquote_to_bytes(payload), validate=False)
        else:
            body = unquote_to_bytes(payload)
        return URLFetcherResponse(url, body, {"Content-Type": media_type or "text/plain"})

    @staticmethod
    def _mime(name: str) -> str:
        return mimetypes.guess_type(name)[0] or "application/octet-stream"
