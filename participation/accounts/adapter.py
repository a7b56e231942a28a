import ipaddress
import logging

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.urls import translate_url
from django.utils.translation import get_language

from participation.emails import current_site, site_name
from participation.i18n import in_language_of, language_for, offered_language

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """The documented override point for allauth: language follows the person; failed
    sign-ins are counted per client address, never so as to lock an address's owner out."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = getattr(form, "cleaned_data", {})
        if data.get("display_name"):
            user.display_name = data["display_name"]
        # The language chosen on the form, else the one the person was reading in.
        user.preferred_language = (
            offered_language(data.get("preferred_language"))
            or user.preferred_language
            or offered_language(get_language())
        )
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (verification, password reset, security notices) in the language of
        the person they go to, signed with the site's name, not the host the request used."""
        context = {"current_site": current_site(allauth_context.request), **context}
        # An address without an account: the language of the request (the page they were on).
        with in_language_of(context.get("user"), email=email, fallback=get_language()):
            return super().send_mail(template_prefix, email, context)

    def get_email_confirmation_url(self, request, emailconfirmation):
        """The link opens the pages in the language the email is written in."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        address = emailconfirmation.email_address
        language = language_for(address.user, email=address.email, fallback=get_language())
        return translate_url(url, language)

    def format_email_subject(self, subject):
        return f"[{site_name(allauth_context.request)}] {subject}"

    def get_login_redirect_url(self, request):
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", "")
        return translate_url(url, language) if language else url

    def get_client_ip(self, request):
        """allauth's client address (every rate limit of the site uses it), without a 500 when
        X-Forwarded-For has fewer entries than TRUSTED_PROXY_COUNT: such a request bypassed a
        proxy; its oldest entry is then the best guess (the limits still apply to it)."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning("X-Forwarded-For has fewer entries than TRUSTED_PROXY_COUNT")
            oldest = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
            try:
                return str(ipaddress.ip_address(oldest))
            except ValueError:
                raise PermissionDenied("Unable to determine client IP address") from None

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth's "key" of the login_failed limits is the address typed; with the client
        # address in it, a stranger's failures for victim@... count against the stranger's
        # connection only (the per-IP limits slow the stranger down), never against the victim.
        key = super()._get_login_attempts_cache_key(request, **credentials)
        source = ipaddress.ip_address(self.get_client_ip(request))
        if source.version == 6:  # one /64 is one source, as in allauth's per-IP limits
            prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
            source = ipaddress.ip_network(f"{source}/{prefix}", strict=False).network_address
        return f"{key}:{source}"

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:  # too many failed attempts from this connection
            raise ImmediateHttpResponse(respond_429(request)) from None
