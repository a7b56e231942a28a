"""Public pages of an expert call: its announced members (only those who consented)."""

import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import render

from . import services


def members(request, page):
    call = page.submissions_page()  # a translation lists its original's members
    if not call.members_announced_at:
        raise Http404
    return render(
        request,
        "expertgroup/members.html",
        {"page": page, "members": list(services.public_members(call))},
    )


def photo(request, page, application_id):
    """A member's photo, served only while they are a listed member who consented."""
    call = page.submissions_page()
    if not call.members_announced_at:
        raise Http404
    member = (
        services.public_members(call).filter(pk=application_id).exclude(photo="").first()
        if isinstance(application_id, int)
        else None
    )
    if member is None:
        raise Http404
    try:
        handle = member.photo.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(member.photo.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
