import time

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .rules import has_totp, must_use_mfa

# What someone who still has to set up TOTP may reach: the set-up itself, signing out, email
# confirmation, re-authentication, and files. Matched as path fragments, in any language prefix.
_OPEN_FRAGMENTS = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/email/",
    "/accounts/reauthenticate/",
    "/accounts/confirm-email/",
)
_OPEN_PREFIXES = ("/static/", "/media/", "/i18n/")
# A person who passed the check is not checked again for a while (it costs queries).
RECHECK_SECONDS = 300
MFA_CHECKED_UNTIL = "mfa_checked_until"  # in the session: time.time() until which it stands


class RequireMFAMiddleware:
    """Send anyone who must use two-factor authentication to set it up before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request.path_info):
            session = request.session
            if session.get(MFA_CHECKED_UNTIL, 0) < time.time():
                if must_use_mfa(user) and not has_totp(user):
                    messages.warning(
                        request,
                        _("Your role requires two-factor authentication. Set it up to continue."),
                    )
                    return redirect("mfa_activate_totp")
                session[MFA_CHECKED_UNTIL] = time.time() + RECHECK_SECONDS
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        return path.startswith(_OPEN_PREFIXES) or any(f in path for f in _OPEN_FRAGMENTS)
