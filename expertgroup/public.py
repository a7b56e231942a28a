"""Public pages of an expert call: its announced members (only those who consented)."""

import mimetypes

from django.http import Http404
from django.shortcuts import render

from participation.files.serve import private_file_response

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
    # Kept in the private storage: membership and consent are checked at every request.
    return private_file_response(
        member.photo.name,
        content_type=mimetypes.guess_type(member.photo.name)[0] or "application/octet-stream",
        as_attachment=False,
        cache_private=False,
    )
