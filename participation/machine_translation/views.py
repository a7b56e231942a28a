"""Where an asynchronous translation service (eTranslation) posts what it translated."""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services


@csrf_exempt  # the service posts from outside; the unguessable reference is the credential
@require_POST
def callback(request, reference, outcome):
    """``done``: ``translated-text`` for the text ``reference`` names, stored in the cache;
    ``error``: the service's ``error-code`` and ``error-message``, recorded (sent again
    later). A reference nothing waits under (forged, or already answered) gets a 404."""
    if outcome not in ("done", "error"):
        return HttpResponseNotFound("Unknown callback")
    named = request.POST.get("external-reference")
    if named is not None and named != str(reference):
        return HttpResponseBadRequest("external-reference does not match the address")
    if outcome == "done":
        translated = request.POST.get("translated-text")
        if translated is None:
            return HttpResponseBadRequest("translated-text is missing")
        found = services.receive(reference, translated)
    else:
        code = request.POST.get("error-code", "")
        message = request.POST.get("error-message", "")
        found = services.refused(reference, f"eTranslation error {code}: {message}".strip())
    if not found:
        return HttpResponseNotFound("No translation waits under this reference")
    return HttpResponse("OK", content_type="text/plain")
