from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .rules import has_totp, must_use_mfa

# Paths a person who still has to set up TOTP may reach: the set-up itself, signing out,
# email confirmation, and files.
_ALLOWED_PREFIXES = ("/static/", "/media/", "/i18n/")


class RequireMFAMiddleware:
    """Send anyone who must use two-factor authentication to set it up before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request.path_info):
            if must_use_mfa(user) and not has_totp(user):
                messages.warning(
                    request,
                    _("Your role requires two-factor authentication. Set it up to continue."),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        if path.startswith(_ALLOWED_PREFIXES):
            return True
        open_urls = [
            reverse("mfa_index"),
            reverse("mfa_activate_totp"),
            reverse("account_logout"),
            reverse("account_email"),
            reverse("account_reauthenticate"),
        ]
        if any(path.startswith(url) for url in open_urls):
            return True
        # allauth's confirmation and MFA URLs sit under the accounts prefix; recovery codes too.
        return "/accounts/confirm-email/" in path or "/accounts/2fa/" in path
