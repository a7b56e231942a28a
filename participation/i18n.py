"""Pages in the reader's interface language even when they are not translated.

People choose an interface language (``/ar/…``); editors translate only some pages. A page that
has no translation in that language is served from the default language's tree under the
reader's prefix (``portal.views.serve``), and its links keep the prefix (this mixin), so the
forms, buttons and messages stay in the reader's language, and answers still go to the one
page that was published, not to a copy.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.urls import translate_url
from django.utils.translation import get_language, get_language_from_path, override


def offered_language_choices():
    """The languages this site offers (settings.LANGUAGES): choices read when used, so a
    language held back by PARTICIPATION_LANGUAGES never needs a migration."""
    return settings.LANGUAGES


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


def under_language(path: str, code: str) -> str:
    """``path`` under ``code``'s prefix: ``/fr/accounts/`` -> ``/ar/accounts/`` (``/accounts/``
    for the default language, which has none). Always a path of this site, never a 404 of its
    own: the same view, or the same page served in ``code`` (portal.views.serve)."""
    current = get_language_from_path(path)
    if current and (path == f"/{current}" or path.startswith(f"/{current}/")):
        path = path[len(current) + 1 :] or "/"
    return path if code == settings.LANGUAGE_CODE else f"/{code}{path}"


class InterfaceLanguageURLMixin:
    """For Wagtail pages: a page of the default language links under the active language's
    prefix (``/ar/consultations/…``) instead of sending the reader back to the default one."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if parts is None or parts[2] is None:
            return parts
        site_id, root_url, page_path = parts
        return site_id, root_url, keep_interface_language(page_path)


# --- Translated call pages: one set of submissions per call --------------------------------------
#
# Editors translate a call page (consultation, expert call, award edition) with Wagtail's
# simple_translation: a second page, same ``translation_key``, another locale. Readers see the
# translation's text, but every answer, application or nomination belongs to the call itself,
# so that moderation, what we heard, exports, review and selection see all of them: they are
# stored against the page in the default language (the original). Its dates and state are the
# call's: a translation follows them (see ``CallWindowMixin``).

_default_locale_ids: dict[str, int] = {}


_active_locales: dict = {}  # language code -> Locale


def _forget_locales(**kwargs):
    _default_locale_ids.clear()
    _active_locales.clear()


# Locales are created once (a data migration) and hardly ever change; if one does, ask again.
post_save.connect(_forget_locales, sender="wagtailcore.Locale")
post_delete.connect(_forget_locales, sender="wagtailcore.Locale")


def default_locale_id() -> int | None:
    """The primary key of the default language's Locale (one query per process and language)."""
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    if code not in _default_locale_ids:
        pk = Locale.objects.filter(language_code=code).values_list("pk", flat=True).first()
        if pk is None:
            return None  # not created yet: nothing is cached
        _default_locale_ids[code] = pk
    return _default_locale_ids[code]


def active_locale():
    """``Locale.get_active()`` without its query on every call (a theme's page asked four
    times): the Locale of the active language, kept per process and language (hits only; see
    ``_forget_locales``); the default locale when the language has none."""
    from django.utils import translation
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    try:
        code = get_supported_content_language_variant(translation.get_language())
    except LookupError:
        return Locale.get_default()
    locale = _active_locales.get(code)
    if locale is None:
        locale = Locale.objects.filter(language_code=code).first()
        if locale is None:
            return Locale.get_default()
        _active_locales[code] = locale
    return locale


def submissions_page(page):
    """The page whose submissions ``page`` collects: its translation in the default language
    when there is one (live or not: the call exists), else ``page`` itself. No query for a page
    in the default language; one (cached on the instance) for a translation."""
    if page is None:
        return None
    cached = page.__dict__.get("_submissions_page")
    if cached is not None:
        return cached
    default = default_locale_id()
    source = page
    if default is not None and page.locale_id != default and page.translation_key:
        source = (
            type(page)
            .objects.filter(translation_key=page.translation_key, locale_id=default)
            .first()
        ) or page
    page.__dict__["_submissions_page"] = source
    return source


def with_submissions_pages(pages):
    """Resolve ``submissions_page`` for a list of pages of one type in one query (index pages
    list many translated calls). Returns the list."""
    pages = list(pages)
    default = default_locale_id()
    pending = [p for p in pages if "_submissions_page" not in p.__dict__ and p.locale_id != default]
    if pending and default is not None:
        model = type(pending[0])
        originals = {
            p.translation_key: p
            for p in model.objects.filter(
                translation_key__in={p.translation_key for p in pending}, locale_id=default
            )
        }
        for p in pending:
            p.__dict__["_submissions_page"] = originals.get(p.translation_key, p)
    for p in pages:
        p.__dict__.setdefault("_submissions_page", p)
    return pages


def originals_only(queryset):
    """Pages that collect submissions themselves: in the default language, or without a
    translation in it. For counts (consultations held, calls) that must not count a call twice."""
    from django.db.models import Q
    from wagtail.models import Page

    default = default_locale_id()
    if default is None:
        return queryset
    in_default = Page.objects.filter(locale_id=default).values("translation_key")
    return queryset.filter(Q(locale_id=default) | ~Q(translation_key__in=in_default))


def display_page(page):
    """The translation of ``page`` a reader of the active language should see: the live
    translation in that language if there is one, else ``page``. No query in the default
    language."""
    from wagtail.models import Locale

    active = get_language()
    if not active or not page.translation_key:
        return page
    if active == settings.LANGUAGE_CODE and page.locale_id == default_locale_id():
        return page
    try:
        locale = Locale.objects.get_for_language(active)
    except (Locale.DoesNotExist, LookupError):
        return page
    if locale.pk == page.locale_id:
        return page
    translation = (
        type(page)
        .objects.live()
        .filter(translation_key=page.translation_key, locale=locale)
        .first()
    )
    if translation is None:
        return page
    translation.__dict__["_submissions_page"] = submissions_page(page)
    return translation


def content_language(language: str | None) -> str | None:
    """Wagtail's content language (a Locale's code) for an interface language, or None."""
    from wagtail.coreutils import get_supported_content_language_variant

    try:
        return get_supported_content_language_variant(language) if language else None
    except LookupError:
        return None


def live_translations(queryset, translation_keys, language: str) -> dict:
    """{translation_key: live page of ``queryset`` in ``language``} for many pages in one query
    (names of many calls in a listing)."""
    code = content_language(language)
    if code is None or not translation_keys:
        return {}
    found = queryset.live().filter(
        translation_key__in=set(translation_keys), locale__language_code=code
    )
    return {page.translation_key: page for page in found}


def translated_title(page, language: str) -> str:
    """``page``'s title as published in ``language`` (its live translation), else its own: a
    French letter or PDF names "Groupe d’experts migrants 2027", not the English title."""
    with override(language or settings.LANGUAGE_CODE):
        return display_page(page).title


def in_reader_language(queryset):
    """One page per translation_key for lists of calls (a theme's page): the translation in the
    active language where there is one, else the default language's page, as search does."""
    from django.db.models import Q
    from wagtail.models import Locale, Page

    try:
        locale = active_locale()
    except (Locale.DoesNotExist, LookupError):
        return originals_only(queryset)
    translated = Page.objects.filter(locale=locale).values("translation_key")
    return queryset.filter(
        Q(locale=locale) | (Q(locale_id=default_locale_id()) & ~Q(translation_key__in=translated))
    )


# --- Writing to a person in their language --------------------------------------------------------
#
# Every email and every document made for one person (allauth's emails, receipts, notices) is
# written inside ``in_language_of(...)``: the person's preferred language when they have an
# account, else the language the request that caused it was made in (stored by the caller), else
# the default language. Only interface languages are used: a stored code that is no longer
# offered (or "fr-be") falls back to its closest offered variant.


def offered_language(code: str | None) -> str:
    """``code`` as one of settings.LANGUAGES (``fr-be`` -> ``fr``), or "" when none fits."""
    from django.utils.translation import get_supported_language_variant

    if not code:
        return ""
    try:
        variant = get_supported_language_variant(str(code).strip().lower())
    except LookupError:
        return ""
    return variant if variant in dict(settings.LANGUAGES) else ""


def _account_for(email: str):
    """The account that owns ``email`` (its login address or another address it added)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    addresses = EmailAddress.objects.filter(email__iexact=email).select_related("user")
    address = addresses.order_by("-verified", "-primary").first()
    if address is not None:
        return address.user
    return get_user_model().objects.filter(email__iexact=email).first()


def language_for(person=None, *, email: str = "", fallback: str = "") -> str:
    """The language to write to someone in: ``person``'s preferred language; for an address
    alone, the preference of the account that owns it; else ``fallback`` (the language of the
    request the message comes from, stored for a task), else the default language. Never the
    language merely active in the thread: a task run during an editor's French request must
    not write French to everyone."""
    if person is None and email:
        person = _account_for(email)
    for code in (getattr(person, "preferred_language", ""), fallback):
        chosen = offered_language(code)
        if chosen:
            return chosen
    return settings.LANGUAGE_CODE


def in_language_of(person=None, *, email: str = "", fallback: str = ""):
    """``with in_language_of(user):`` render subject, body and attachments in their language."""
    return override(language_for(person, email=email, fallback=fallback))


# --- Text with its own language -------------------------------------------------------------------


class InLanguage(str):
    """A text that knows its language: a name shown in the reader's language when it has a
    translation, else as stored (in the default language). It is a ``str`` everywhere (emails,
    messages, sorting); in a template it renders inside ``<span lang=".." dir="..">`` when its
    language is not the reader's, so an English fallback in an Arabic page is read out and laid
    out as English (WCAG 3.1.2) and cannot reorder the sentence around it."""

    language: str

    def __new__(cls, text, language: str = ""):
        value = super().__new__(cls, text if text is not None else "")
        value.language = language or ""
        return value

    def __reduce__(self):
        return (type(self), (str(self), self.language))

    def __html__(self):
        from django.utils.html import escape, format_html

        from participation.accounts.templatetags.languages import lang_attrs

        attributes = lang_attrs(self.language) if self else ""
        if not attributes:
            return escape(str.__str__(self))
        return format_html("<span{}>{}</span>", attributes, str.__str__(self))
