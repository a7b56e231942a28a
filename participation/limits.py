"""The project's rate limits: allauth's limiter, one client address, rates in settings.

Every limit counts in the cache (Redis in production) through `allauth.core.ratelimit.consume`,
so the client address is always allauth's `get_client_ip` (ALLAUTH_TRUSTED_PROXY_COUNT, set
from TRUSTED_PROXY_COUNT in production): behind a proxy, the entry the proxy appended to
X-Forwarded-For, never one the client wrote. The rates are PARTICIPATION_RATE_LIMITS.
"""

from allauth.account import app_settings as account_settings
from allauth.core import ratelimit
from django.conf import settings
from django.core import checks

ANONYMOUS_ANSWER = "participation_anonymous_answer"
AUDIENCE_VOTE = "participation_audience_vote"
RELAYED_EMAIL = "participation_relayed_email"
ACTIONS = (ANONYMOUS_ANSWER, AUDIENCE_VOTE, RELAYED_EMAIL)


def allow(request, action: str, *, key: str | None = None, count: bool = True) -> bool:
    """Count one use of `action` by this client; False (nothing counted) once a rate is used up.

    A dry run first, so that a refused use does not eat into the rates that still had room;
    `count=False` only asks (count the use once it happened). Only POST requests count
    (allauth lets GET through): every limited action is a POST.
    """
    user = request.user if request.user.is_authenticated else None
    if not ratelimit.consume(request, action=action, key=key, user=user, dry_run=True):
        return False
    return not count or ratelimit.consume(request, action=action, key=key, user=user)


def allow_relayed_email(request, about: str, *, count: bool = True) -> bool:
    """One email, sent on the signed-in sender's behalf to an address they typed, about one
    object (`about`, e.g. "awards.nomination:12"): limited per object, per sender and per
    client address (PARTICIPATION_RATE_LIMITS["participation_relayed_email"])."""
    return allow(request, RELAYED_EMAIL, key=about, count=count)


@checks.register(checks.Tags.security)
def check_rates(app_configs=None, **kwargs):
    """A limit without a rate would let everything through: refuse to start instead."""
    errors = []
    ours = getattr(settings, "PARTICIPATION_RATE_LIMITS", {})
    effective = account_settings.RATE_LIMITS
    for action in ACTIONS:
        rate = ours.get(action)
        if not rate:
            errors.append(
                checks.Error(
                    f"PARTICIPATION_RATE_LIMITS has no rate for {action!r}.",
                    id="participation.E101",
                )
            )
        elif effective.get(action) != rate:
            errors.append(
                checks.Error(
                    f"ACCOUNT_RATE_LIMITS[{action!r}] must equal PARTICIPATION_RATE_LIMITS"
                    f"[{action!r}]: merge PARTICIPATION_RATE_LIMITS into ACCOUNT_RATE_LIMITS "
                    "after changing either.",
                    id="participation.E102",
                )
            )
    return errors
