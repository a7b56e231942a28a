"""What the public sees: the shortlist, the winners (with consented photos), the photos."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from participation.files.serve import private_file_response

from . import services
from .models import Nomination, NominationFile


def public_photos():
    """Photos shown publicly: rights confirmed (consent is checked on the nomination)."""
    return Prefetch(
        "files",
        queryset=NominationFile.objects.filter(
            kind=NominationFile.Kind.PHOTO, rights_confirmed=True
        ),
        to_attr="public_photos",
    )


def _grouped(page, nominations):
    # On a translation, nominations are in the original's categories: grouped under the
    # translated category with the same key (its name in the reader's language).
    by_category = {category.key: (category, []) for category in page.categories.all()}
    for nomination in nominations:
        if not nomination.publication_consent:
            nomination.public_photos = []
        by_category.setdefault(nomination.category.key, (nomination.category, []))[1].append(
            nomination
        )
    return [entry for entry in by_category.values() if entry[1]]


def shortlist(request, page):
    if not page.submissions_page().shortlist_published_at:  # the original's announcement
        raise Http404
    nominations = services.shortlisted(page).prefetch_related(public_photos())
    return render(
        request,
        "awards/shortlist.html",
        {
            "page": page,
            "groups": _grouped(page, nominations),
            "show_winners": bool(page.submissions_page().winners_published_at),
        },
    )


def winners(request, page):
    if not page.submissions_page().winners_published_at:
        raise Http404
    nominations = services.winners_of(page).prefetch_related(public_photos())
    return render(
        request,
        "awards/winners.html",
        {
            "page": page,
            "groups": _grouped(page, nominations),
            "votes": services.show_categories(page, services.vote_results(page)),
        },
    )


def photo(request, page, file_id):
    """A photo of a shortlisted nomination, once the shortlist is public and with consent."""
    page = page.submissions_page()  # a translation shows its original's nominations
    if not page.shortlist_published_at:
        raise Http404
    stored = (
        NominationFile.objects.filter(
            pk=file_id,
            kind=NominationFile.Kind.PHOTO,
            rights_confirmed=True,
            nomination__edition=page,
            nomination__publication_consent=True,
            nomination__status=Nomination.Status.SUBMITTED,
            nomination__confirmed_at__isnull=False,
            nomination__outcome__in=[Nomination.Outcome.SHORTLISTED, Nomination.Outcome.WINNER],
        )
        .only("file", "content_type")
        .first()
    )
    if stored is None:
        raise Http404
    # Kept in the private storage: consent and publication are checked at every request.
    return private_file_response(
        stored.file.name,
        content_type=stored.content_type,
        as_attachment=False,
        cache_private=False,
    )
