"""Background documents: request (or reuse), build by id in a task, retry, access checks.

Views, tasks and the ``build_document`` command call these; so do plugins and tests.
"""

import logging
import time
import traceback
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import conf, fonts, registry
from .models import GeneratedDocument
from .registry import BuiltFile, DocumentBuildError, UnknownKind

logger = logging.getLogger("participation.documents")
Status = GeneratedDocument.Status


class Progress:
    """The callback a build reports to: ``progress(done, total)``, ``progress.pages(n)``.

    Writes to the database at most every PROGRESS_INTERVAL seconds (and at the end of a
    stage), so a build of thousands of items costs a handful of updates.
    """

    def __init__(self, document_id=None, *, unit="items", echo=None, interval=None):
        self.document_id = document_id
        self.unit = unit
        self.echo = echo
        self.interval = conf.get("PROGRESS_INTERVAL") if interval is None else interval
        self.done, self.total = 0, None
        self._last_write = 0.0
        self.writes = 0

    def __call__(self, done: int, total: int | None = None, unit: str | None = None):
        self.done, self.total = int(done), (None if total is None else int(total))
        new_stage = bool(unit) and unit != self.unit
        if unit:
            self.unit = unit
        now = time.monotonic()
        finished_stage = self.total is not None and self.done >= self.total
        if (
            new_stage
            or finished_stage
            or now - self._last_write >= self.interval
            or self.writes == 0
        ):
            self._last_write = now
            self.flush()

    def pages(self, page: int):
        """For ``render_pdf_document(..., on_page=progress.pages)``: pages laid out so far."""
        self(page, None, "pages")

    def writing(self, pages: int):
        """The layout is over; the PDF file of ``pages`` pages is being written."""
        self(pages, None, "writing")

    def flush(self):
        self.writes += 1
        if self.echo is not None:
            self.echo(self.done, self.total, self.unit)
        if self.document_id is not None:
            GeneratedDocument.objects.filter(pk=self.document_id).update(
                progress_done=self.done,
                progress_total=self.total,
                progress_unit=self.unit[:20],
                updated_at=timezone.now(),
            )


def can_access(user, document: GeneratedDocument) -> bool:
    """The requester, a superuser, or whoever the kind's ``can_view`` lets in; never someone
    the kind's ``can_serve`` refuses."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        kind = registry.get(document.kind)
    except UnknownKind:
        kind = None
    if kind is not None and kind.can_serve is not None and not kind.can_serve(user, document):
        return False
    if document.requested_by_id == user.pk or user.is_superuser:
        return True
    if kind is None:
        return False
    return bool(kind.can_view(user, document))


def page_allows(request, kind_name: str, params: dict) -> bool:
    """The view restrictions of the page a document is about (``DocumentKind.page``), or the
    requester's edit rights on it: checked on every request, not only when it was asked for."""
    from participation.pages_access import can_read

    try:
        kind = registry.get(kind_name)
    except UnknownKind:
        return False
    if kind.page is None:
        return True
    try:
        page = kind.page(params or {})
    except (TypeError, ValueError, LookupError, ValidationError):
        page = None
    return can_read(request, page)


def _file_exists(document: GeneratedDocument) -> bool:
    if not document.file:
        return False
    try:
        return document.file.storage.exists(document.file.name)
    except Exception:  # storage unreachable: do not reuse
        logger.warning("Storage check failed for %s", document.file.name, exc_info=True)
        return False


def find_reusable(kind_name: str, fingerprint: str, *, exclude_pk=None):
    """A finished document of this kind built from the same data, whose file still exists."""
    if not fingerprint:
        return None
    candidates = GeneratedDocument.objects.filter(
        kind=kind_name, fingerprint=fingerprint, status=Status.DONE
    ).exclude(file="")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    for candidate in candidates.order_by("-finished_at")[:3]:
        if _file_exists(candidate):
            return candidate
    return None


def _copy_result(document: GeneratedDocument, source: GeneratedDocument) -> None:
    now = timezone.now()
    document.file.name = source.file.name
    document.filename = source.filename
    document.content_type = source.content_type
    document.size = source.size
    document.status = Status.DONE
    document.reused_from = source.reused_from or source
    document.progress_done = source.progress_done
    document.progress_total = source.progress_total
    document.progress_unit = source.progress_unit
    document.error = document.error_detail = ""
    document.warnings = source.warnings
    document.finished_at = now
    document.started_at = document.started_at or now


def request_document(kind_name, params, user, *, check_permission=True) -> GeneratedDocument:
    """Queue a document for a user, or give back one already built from the same data.

    Raises UnknownKind, ValidationError (bad params) or PermissionDenied. Never builds in the
    caller's process (unless the task backend is the immediate one, as in tests).
    """
    kind = registry.get(kind_name)
    params = kind.clean_params(dict(params or {}))
    if check_permission and not kind.can_request(user, params):
        raise PermissionDenied
    requester = user if getattr(user, "is_authenticated", False) else None
    fingerprint = kind.compute_fingerprint(params)

    if fingerprint and requester is not None:
        mine = GeneratedDocument.objects.filter(
            kind=kind.name, fingerprint=fingerprint, requested_by=requester
        ).exclude(status=Status.FAILED)
        for document in mine.order_by("-created_at")[:3]:
            if document.status == Status.DONE and _file_exists(document):
                return document
            if not document.is_finished and not document.is_stale:
                return document  # already on its way: no second build for a double click

    document = GeneratedDocument(
        kind=kind.name,
        params=params,
        fingerprint=fingerprint,
        requested_by=requester,
        progress_unit=kind.progress_unit,
    )
    source = find_reusable(kind.name, fingerprint)
    if source is not None:
        _copy_result(document, source)
        document.save()
        return document
    document.save()
    enqueue(document)
    document.refresh_from_db()
    return document


def enqueue(document: GeneratedDocument) -> None:
    from .tasks import build_generated_document

    try:
        result = build_generated_document.enqueue(document.pk)  # its kind's queue
    except Exception as error:
        logger.exception("Could not queue document %s", document.pk)
        _fail(document.pk, _("The document could not be queued. Please try again later."), error)
        return
    GeneratedDocument.objects.filter(pk=document.pk).update(task_id=str(result.id)[:64])


def retry(document: GeneratedDocument) -> GeneratedDocument:
    if not document.can_retry:
        return document
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=Status.QUEUED,
        error="",
        error_detail="",
        warnings="",
        progress_done=0,
        progress_total=None,
        started_at=None,
        finished_at=None,
        updated_at=timezone.now(),
    )
    document.refresh_from_db()
    enqueue(document)
    document.refresh_from_db()
    return document


def _fail(document_id, message: str, error: BaseException | None = None) -> None:
    detail = ""
    if error is not None:
        detail = "".join(traceback.format_exception(error))[-4000:]
    GeneratedDocument.objects.filter(pk=document_id).update(
        status=Status.FAILED,
        error=message[:2000],
        error_detail=detail,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _store(document: GeneratedDocument, built: BuiltFile) -> None:
    if not isinstance(built, BuiltFile):
        raise TypeError(f"a build must return a BuiltFile, not {type(built).__name__}")
    name = Path(built.filename).name or "document"
    if built.content is not None:
        document.file.save(name, ContentFile(built.content), save=False)
    elif built.path is not None:
        path = Path(built.path)
        try:
            with path.open("rb") as handle:
                document.file.save(name, File(handle), save=False)
        finally:
            path.unlink(missing_ok=True)
    else:
        raise TypeError("a BuiltFile needs content or a path")
    document.filename = name[:200]
    document.content_type = built.content_type[:100]
    document.size = document.file.size


def run_build(document_id: int) -> dict:
    """Build the document with this id (the task's body). Failures are recorded on the
    document; a failure the kind did not foresee is re-raised after that, for the logs."""
    claimed = GeneratedDocument.objects.filter(pk=document_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        started_at=timezone.now(),
        updated_at=timezone.now(),
        attempts=F("attempts") + 1,
        progress_done=0,
        progress_total=None,
    )
    document = GeneratedDocument.objects.filter(pk=document_id).first()
    if document is None:
        return {"document": document_id, "status": "missing"}
    if not claimed:  # done already, or taken by another worker
        return {"document": document_id, "status": document.status}

    try:
        kind = registry.get(document.kind)
    except UnknownKind:
        _fail(document.pk, _("This kind of document is no longer available."))
        return {"document": document_id, "status": Status.FAILED}

    try:
        fingerprint = kind.compute_fingerprint(document.params)
        source = find_reusable(kind.name, fingerprint, exclude_pk=document.pk)
        if source is not None:
            document.fingerprint = fingerprint
            _copy_result(document, source)
            document.save()
            return {"document": document_id, "status": Status.DONE, "reused": source.pk}
        progress = Progress(document.pk, unit=kind.progress_unit)
        with fonts.collect_missing_glyphs() as missing:
            built = kind.build(dict(document.params), progress)
        _store(document, built)
    except DocumentBuildError as error:
        _fail(document.pk, str(error) or _("The document could not be built."))
        return {"document": document_id, "status": Status.FAILED}
    except Exception as error:
        logger.exception("Building document %s (%s) failed", document.pk, document.kind)
        _fail(
            document.pk,
            _(
                "An unexpected error stopped the build (%(error)s). Please try again; if it "
                "fails again, tell the site's editors."
            )
            % {"error": type(error).__name__},
            error,
        )
        raise

    GeneratedDocument.objects.filter(pk=document.pk).update(
        file=document.file.name,
        filename=document.filename,
        content_type=document.content_type,
        size=document.size,
        fingerprint=fingerprint,
        status=Status.DONE,
        error="",
        error_detail="",
        warnings=_missing_glyphs_warning(missing),
        progress_done=progress.total if progress.total else progress.done,
        progress_total=progress.total,
        # A finished PDF counts its pages (the "writing" stage is over).
        progress_unit=("pages" if progress.unit == "writing" else progress.unit)[:20],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return {"document": document_id, "status": Status.DONE, "size": document.size}


def _missing_glyphs_warning(missing) -> str:
    if not missing:
        return ""
    return (
        _(
            "Some letters are printed as empty boxes: none of the platform's fonts has them. "
            "Tell the site's administrators which script is missing:"
        )
        + "\n"
        + fonts.describe_all(missing)
    )[:4000]


def build_now(kind_name: str, params: dict, *, echo=None) -> BuiltFile:
    """Build a document in this process with no database record (the shell command)."""
    kind = registry.get(kind_name)
    params = kind.clean_params(dict(params or {}))
    return kind.build(params, Progress(None, unit=kind.progress_unit, echo=echo, interval=0.2))


def prune_documents(days: int | None = None) -> int:
    """Delete records older than ``days`` (default KEEP_DAYS) and files no record still uses.

    Generated files hold what people submitted: they are not kept for ever.
    """
    days = conf.get("KEEP_DAYS") if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    old = GeneratedDocument.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[Status.QUEUED, Status.RUNNING], updated_at__gte=cutoff
    )
    count = 0
    for document in old.iterator(chunk_size=500):
        document.delete()  # the post_delete handler removes the file if no one else uses it
        count += 1
    return count
