import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from participation.middleware import SaveFailed, saving

from .forms import DeleteAccountForm, ProfileForm
from .languages import language_name
from .services import answer_language_offer, delete_account, deletion_blockers, personal_data


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with saving(request):  # a lock or a full disk: the form again, with a message
                user = form.save()
        except SaveFailed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your profile has been saved."))
            # Show the saved profile in the language just chosen.
            with translation.override(user.preferred_language or translation.get_language()):
                return redirect(reverse("accounts:profile"))
    spoken = [language_name(code) for code in request.user.languages_spoken]
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "languages_spoken": spoken, "memberships": _memberships(request.user)},
    )


def _memberships(user):
    return user.memberships.select_related("organisation").order_by("organisation__name")


@login_required
def download_data(request):
    body = json.dumps(
        personal_data(request.user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    blockers = deletion_blockers(request.user)
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and not blockers and form.is_valid():
        user = request.user
        logout(request)
        delete_account(user)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect("/")
    status = 409 if request.method == "POST" and blockers else 200
    return render(
        request, "accounts/delete.html", {"form": form, "blockers": blockers}, status=status
    )


@login_required
@require_http_methods(["POST"])
def language_offer(request):
    """The answer to "use this language for emails too?" (a form on every page, no script)."""
    language = request.POST.get("language", "")
    accept = request.POST.get("answer") == "use"
    if not answer_language_offer(request, language, accept):
        messages.error(request, _("That language is not offered."))
    elif accept:
        messages.success(
            request,
            _("Emails will now reach you in %(language)s.")
            % {"language": get_language_info(language)["name_local"]},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("accounts:profile")
    return redirect(target)
