"""How a private file reaches the person a view allowed to read it.

Views check rights first, then call ``private_file_response``. On a local disk the file is
streamed by Django; on S3-compatible storage with signed URLs (``querystring_auth``) the view
redirects to a URL valid for ``PARTICIPATION_FILES_SIGNED_URL_SECONDS``, signed with the type
and the download name, so the bucket itself never serves a file to an anonymous request.

The download name never comes from the uploader as such: a safe base (slugified) and the
extension of the type detected on upload (``download_name``), so ``x.html`` checked as a PDF
is downloaded as ``x.pdf``.
"""

import os

from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from . import conf
from .kinds import kind_of_content_type
from .storage import private


def download_name(original: str, content_type: str, *, fallback: str = "file") -> str:
    """``original``'s base name, slugified, with the extension of ``content_type``."""
    stem = os.path.splitext(os.path.basename((original or "").replace("\\", "/")))[0]
    base = slugify(stem)[:80].strip("-_") or fallback
    kind = kind_of_content_type(content_type)
    return base + (kind.extension if kind else "")


def _signs_urls(storage) -> bool:
    return bool(getattr(storage, "querystring_auth", False) and hasattr(storage, "bucket_name"))


def private_file_response(
    name: str,
    *,
    content_type: str,
    filename: str | None = None,
    as_attachment: bool = True,
    storage=None,
    cache_private: bool = True,
):
    """The response serving ``name`` from the private storage (Http404 when it is gone).

    ``as_attachment=False`` is for images shown in pages (published photos); everything else
    downloads. ``cache_private=False`` lets a public photo be cached by browsers.
    """
    storage = private if storage is None else storage
    if not name:
        raise Http404
    disposition = content_disposition_header(as_attachment, filename) if filename else None
    if _signs_urls(storage):
        if not storage.exists(name):
            raise Http404
        parameters = {"ResponseContentType": content_type}
        if disposition:
            parameters["ResponseContentDisposition"] = disposition
        url = storage.url(name, parameters=parameters, expire=conf.get("SIGNED_URL_SECONDS"))
        response = HttpResponseRedirect(url)
    else:
        try:
            handle = storage.open(name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
        if disposition:
            response["Content-Disposition"] = disposition
        elif as_attachment:
            response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser were talked into rendering it, the file runs nothing in our origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if cache_private:
        patch_cache_control(response, private=True, no_store=True)
    return response
