"""The audience prize: one vote per verified account, rate limited, results after the close."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from participation import limits

from . import services
from .forms import VoteForm
from .models import AudienceVote


def vote(request, page):
    state = page.vote_state()
    # The vote of a translation is its original's (participation.i18n): services resolve it.
    edition = page.submissions_page()
    if not state or not edition.shortlist_published_at:
        raise Http404
    choices = services.vote_choices(page)
    form = VoteForm(choices, request.POST or None, names=services.translated_categories(page))
    mine = None
    if request.user.is_authenticated:
        mine = (
            AudienceVote.objects.filter(edition=edition, user=request.user)
            .select_related("nomination")
            .first()
        )
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not limits.allow(request, limits.AUDIENCE_VOTE):
            messages.error(
                request, _("Too many attempts from your connection. Please try again later.")
            )
            status = 429
        elif form.is_valid():
            try:
                services.cast_vote(page, request.user, form.cleaned_data["nomination"].pk)
            except services.AwardError as error:
                messages.error(request, str(error))
                status = 400
            else:
                messages.success(request, _("Thank you: your vote is counted."))
                return redirect(page.route_url("vote"))
        else:
            status = 400
    return render(
        request,
        "awards/vote.html",
        {
            "page": page,
            "state": state,
            "form": form,
            "mine": mine,
            "verified": request.user.is_authenticated and services.has_verified_email(request.user),
            "results": services.show_categories(page, services.vote_results(page)),
        },
        status=status,
    )
