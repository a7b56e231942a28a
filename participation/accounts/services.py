"""Account-level duties: a person's data, on request, and the deletion of their account."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone
from wagtail import hooks

PERSONAL_DATA_HOOK = "participation_personal_data"
ACCOUNT_DELETION_BLOCKERS_HOOK = "participation_account_deletion_blockers"
BEFORE_ACCOUNT_DELETE_HOOK = "participation_before_account_delete"


def personal_data(user) -> dict:
    """Everything we hold about `user`, as JSON-ready data (GDPR art. 15 and 20).

    Plugins add their sections with the `participation_personal_data` hook: a function taking
    the user and returning a (key, data) pair.
    """
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "country_of_residence": user.country.code or None,
            "preferred_language": user.preferred_language or None,
            "languages_spoken": list(user.languages_spoken),
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        # The types only: secrets stay on the server.
        "two_factor_methods": sorted(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
    }
    for fn in hooks.get_hooks(PERSONAL_DATA_HOOK):
        key, section = fn(user)
        data[key] = section
    return data


def deletion_blockers(user) -> list[str]:
    """Reasons, in words a person understands, why the account cannot be deleted yet."""
    reasons = []
    for fn in hooks.get_hooks(ACCOUNT_DELETION_BLOCKERS_HOOK):
        reasons.extend(fn(user))
    return reasons


@transaction.atomic
def delete_account(user) -> None:
    """Delete the account; plugins first anonymise what must outlive it (e.g. published answers)."""
    if deletion_blockers(user):
        raise ValueError("account deletion is blocked")
    for fn in hooks.get_hooks(BEFORE_ACCOUNT_DELETE_HOOK):
        fn(user)
    user.delete()


# --- The language of emails, when the reader switches the interface ---------------------------
#
# Switching the interface language is often temporary (showing a page to a colleague, checking a
# translation), so it never changes silently the language of the emails someone receives. A
# signed-in person reading in another language than their preferred one is offered, on every page
# and until they answer, to make it their preference; "keep" is remembered for the session.

LANGUAGE_OFFER_DECLINED = "language_offer_declined"  # in the session: codes declined


def language_offer(request) -> dict | None:
    """{"language": code, "preferred": code} when the offer should be shown, else None."""
    from django.conf import settings
    from django.utils.translation import get_language

    from participation.i18n import offered_language

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    active = offered_language(get_language())
    preferred = offered_language(user.preferred_language) or settings.LANGUAGE_CODE
    if not active or active == preferred:
        return None
    if active in request.session.get(LANGUAGE_OFFER_DECLINED, []):
        return None
    return {"language": active, "preferred": preferred}


def answer_language_offer(request, language: str, accept: bool) -> bool:
    """Make ``language`` the person's preferred language, or remember they declined it for this
    session. False for a language that is not offered (nothing changes)."""
    from participation.i18n import offered_language

    if offered_language(language) != language:
        return False
    if accept:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    else:
        declined = request.session.get(LANGUAGE_OFFER_DECLINED, [])
        request.session[LANGUAGE_OFFER_DECLINED] = sorted({*declined, language})
    return True
