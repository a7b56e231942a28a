import re

from django.http import Http404, HttpResponseBadRequest


class RejectNulCharactersMiddleware:
    """Refuse requests whose path or parameters contain NUL characters, with a 400.

    PostgreSQL cannot store or compare NUL in text; without this, a crafted URL such as
    /organisations/%00/ would reach a query and fail with a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or self._has_nul(request.GET) or self._has_nul(request.POST):
            return HttpResponseBadRequest("Invalid characters in the request.")
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
