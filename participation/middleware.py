import errno
import logging
import re
import sys
from contextlib import contextmanager

from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from participation.submissions.services import SubmissionError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class RejectNulCharactersMiddleware:
    """Refuse requests whose path or parameters contain NUL characters, with a 400.

    PostgreSQL cannot store or compare NUL in text; without this, a crafted URL such as
    /organisations/%00/ would reach a query and fail with a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or self._has_nul(request.GET) or self._has_nul(request.POST):
            return HttpResponseBadRequest(
                _("Invalid characters in the request."), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(params) -> bool:
        return any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in params.lists()
        )


_OVERSIZED_ID = re.compile(r"(?:^|/)[0-9]{19,}(?=/|\.|$)")


class RejectOversizedIdsMiddleware:
    """A 404 for a path with a number segment longer than any database id (19+ digits).

    Django's <int:...> converters accept any length, and a filter on a foreign key with such a
    number (process_id=10**22) fails on SQLite with an OverflowError (a server error) instead
    of finding nothing. One check here covers every plugin's URLs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _OVERSIZED_ID.search(request.path_info):
            raise Http404
        return self.get_response(request)


# --- Saves that cannot be stored just now --------------------------------------------------
# A write lock held past SQLite's busy timeout, a full disk, a lost database connection: the
# person did nothing wrong and loses nothing. The flows wrap their saves in `saving(request)`
# and re-render the filled form with the message; `SaveFailedMiddleware` answers those pages
# with 503 and, for any other request (the admin's publish, a start, a session write), turns
# such an error into a 503 page that says the change was not made, instead of a 500.

logger = logging.getLogger(__name__)

_TRANSIENT_OS_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}


def cannot_store_now(error: BaseException, *, any_os_error: bool = False) -> bool:
    """True for a failure of the storage rather than of the code: worth trying again later.
    Integrity and programming errors are bugs and stay server errors."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, OSError):
        return any_os_error or error.errno in _TRANSIENT_OS_ERRORS
    return False


class SaveFailed(SubmissionError):
    """Raised by `saving`: the flows' `except SubmissionError` shows the message with the form
    as it was filled in."""


def save_failed_message(request) -> str:
    message = _("We could not save just now; nothing you typed is lost; please try again.")
    if request.FILES:  # a browser never refills a file input
        message += " " + _("Please choose your files again before you save.")
    return message


@contextmanager
def saving(request):
    """Around a save of a flow: storage failures become `SaveFailed` (a `SubmissionError`) and
    the page is answered with 503. Any file storage error counts (the upload was not kept)."""
    try:
        yield
    except (DatabaseError, OSError) as error:
        if not cannot_store_now(error, any_os_error=True):
            raise
        logger.warning("Save failed, the form is shown again: %r", error)
        request.save_failed = True
        raise SaveFailed(save_failed_message(request)) from error


def _note_unavailable(sender, request=None, **kwargs):
    # Errors raised by a middleware (a session write after the view) never reach
    # process_exception; Django turns them into a 500 and sends this signal first.
    error = sys.exc_info()[1]
    if request is not None and error is not None and cannot_store_now(error):
        request.storage_unavailable = True


got_request_exception.connect(_note_unavailable, dispatch_uid="participation.save_failed")


class SaveFailedMiddleware:
    """503 instead of 500 when the storage refused a change (see `saving`). Place it before
    SessionMiddleware so that a failed session write is covered too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "save_failed", False) and response.status_code == 200:
            response.status_code = 503  # the form with what was typed and the message
            response["Retry-After"] = "5"
        elif response.status_code == 500 and getattr(request, "storage_unavailable", False):
            response = self.unavailable_page(request)
        return response

    def process_exception(self, request, exception):
        if not cannot_store_now(exception):
            return None
        logger.warning("Storage unavailable on %s %s: %r", request.method, request.path, exception)
        return self.unavailable_page(request)

    @staticmethod
    def unavailable_page(request):
        # Standalone: the page must not need the database, which just failed.
        body = render_to_string("503.html", {"is_change": request.method not in SAFE_METHODS})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "5"
        return response
