from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    """The documented override point for allauth: language follows the person."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = (get_language() or "")[:2]
        if language in dict(settings.LANGUAGES) and not user.preferred_language:
            user.preferred_language = language
        if commit:
            user.save()
        return user

    def get_login_redirect_url(self, request):
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", "")
        return translate_url(url, language) if language else url
