"""Pages in the reader's interface language even when they are not translated.

People choose an interface language (``/ar/…``); editors translate only some pages. A page that
has no translation in that language is served from the default language's tree under the
reader's prefix (``portal.views.serve``), and its links keep the prefix (this mixin), so the
forms, buttons and messages stay in the reader's language, and answers still go to the one
page that was published, not to a copy.
"""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_from_path, override


def keep_interface_language(path: str) -> str:
    """``/consultations/x/`` -> ``/ar/consultations/x/`` while Arabic is active: a link to a
    page of the default language keeps the reader's language. Other paths are returned as they
    are."""
    active = get_language()
    if not path or not active or active == settings.LANGUAGE_CODE:
        return path
    if get_language_from_path(path) is not None:  # already under a language's prefix
        return path
    with override(settings.LANGUAGE_CODE):  # the path resolves in its own language
        return translate_url(path, active)


class InterfaceLanguageURLMixin:
    """For Wagtail pages: a page of the default language links under the active language's
    prefix (``/ar/consultations/…``) instead of sending the reader back to the default one."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if parts is None or parts[2] is None:
            return parts
        site_id, root_url, page_path = parts
        return site_id, root_url, keep_interface_language(page_path)
