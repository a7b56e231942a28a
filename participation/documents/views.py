"""Ask for a document, watch it being built, download it, retry a failure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from participation.files.serve import private_file_response

from . import conf, registry, services
from .models import GeneratedDocument
from .registry import UnknownKind

RESERVED_FIELDS = {"csrfmiddlewaretoken", "next"}


def progress_label(document: GeneratedDocument) -> str:
    """One sentence saying what the build is doing now, with counts only when they are known:
    queued, gathering items (n of N), laying out page n, writing the file, done or failed.
    The status page shows it and its script replaces it as the build goes on."""
    done, total, unit = document.progress_done or 0, document.progress_total, document.progress_unit
    Status = GeneratedDocument.Status
    if document.status == Status.QUEUED:
        return _("Queued: waiting for its turn…")
    if document.status == Status.FAILED:
        return _("The document could not be built.")
    if document.status == Status.DONE:
        if unit in ("pages", "writing") and done:
            return ngettext("Done: %(done)s page.", "Done: %(done)s pages.", done) % {"done": done}
        return _("Done.")
    if unit == "writing":
        if done:
            return ngettext(
                "Writing the file (%(done)s page)…", "Writing the file (%(done)s pages)…", done
            ) % {"done": done}
        return _("Writing the file…")
    if unit == "pages":
        if not done:
            return _("Laying out the pages…")
        if total:
            return _("Laying out page %(done)s of %(total)s…") % {"done": done, "total": total}
        return _("Laying out page %(done)s…") % {"done": done}
    if total:
        return ngettext(
            "Gathering the content: %(done)s of %(total)s item…",
            "Gathering the content: %(done)s of %(total)s items…",
            total,
        ) % {"done": done, "total": total}
    if done:
        return ngettext(
            "Gathering the content: %(done)s item…", "Gathering the content: %(done)s items…", done
        ) % {"done": done}
    return _("Started…")


def _document_for(request, public_id) -> GeneratedDocument:
    document = get_object_or_404(GeneratedDocument, public_id=public_id)
    if not services.can_access(request.user, document):
        raise Http404  # no hint that the document exists
    if not services.page_allows(request, document.kind, document.params):
        raise Http404  # the page's view restrictions (or edit rights) apply at every access
    return document


def _kind_label(document):
    try:
        return registry.get(document.kind).label
    except UnknownKind:
        return document.kind


@login_required
@require_POST
def request_document(request, kind):
    params = {k: v for k, v in request.POST.items() if k not in RESERVED_FIELDS}
    try:
        kind_obj = registry.get(kind)
        # Refused like an unknown page: no hint that a restricted page has documents.
        if kind_obj.page is not None and not services.page_allows(
            request, kind, kind_obj.clean_params(dict(params))
        ):
            raise Http404
        document = services.request_document(kind, params, request.user)
    except UnknownKind:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        next_url = request.POST.get("next", "")
        # A path only: redirect() would take any other word for a view name (a 500).
        if next_url.startswith("/") and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(next_url)
        return redirect("documents:list")
    return redirect(document)


@login_required
@require_GET
@never_cache
def status(request, public_id):
    document = _document_for(request, public_id)
    refresh = not document.is_finished and not document.is_stale
    return render(
        request,
        "documents/status.html",
        {
            "document": document,
            "kind_label": _kind_label(document),
            "progress_label": progress_label(document),
            "refresh_seconds": conf.get("REFRESH_SECONDS") if refresh else None,
            "show_detail": request.user.is_staff and document.error_detail,
        },
    )


@login_required
@require_GET
@never_cache
def progress(request, public_id):
    document = _document_for(request, public_id)
    return JsonResponse(
        {
            "status": document.status,
            "finished": document.is_finished,
            "stale": document.is_stale,
            "done": document.progress_done,
            "total": document.progress_total,
            "unit": document.progress_unit,
            "percent": document.percent,
            "label": progress_label(document),
            "download_url": document.download_url
            if document.status == GeneratedDocument.Status.DONE
            else None,
        }
    )


@login_required
@require_GET
def download(request, public_id):
    document = _document_for(request, public_id)
    if document.status != GeneratedDocument.Status.DONE or not document.file:
        return redirect(document)
    try:
        # From the private storage: streamed, or a short-lived signed URL on S3.
        response = private_file_response(
            document.file.name,
            storage=document.file.storage,
            filename=document.filename or "document",
            content_type=document.content_type or "application/octet-stream",
        )
    except Http404:
        messages.error(request, _("The file is no longer there. Please ask for it again."))
        return redirect(document)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def retry(request, public_id):
    document = _document_for(request, public_id)
    if not document.can_retry:
        messages.info(request, _("This document does not need to be built again."))
    else:
        services.retry(document)
    return redirect(document)


@login_required
@require_GET
def document_list(request):
    documents = GeneratedDocument.objects.filter(requested_by=request.user)[:50]
    rows = [(document, _kind_label(document)) for document in documents]
    return render(request, "documents/list.html", {"rows": rows})
