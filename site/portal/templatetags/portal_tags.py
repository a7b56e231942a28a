from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, override
from wagtail.models import Locale, Page

from participation.accounts.templatetags.languages import lang_attrs
from participation.i18n import default_locale_id, keep_interface_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per interface language, pointing at this page in that language.

    A Wagtail page links to its translation when one is live; anything else keeps its path
    under the other language's prefix.
    """
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    translations = {}
    if isinstance(page, Page):
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translation.locale.language_code] = translation
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if code in translations:
            with override(code):  # pages keep the active language's prefix in their links
                url = translations[code].get_url(request)
        else:
            url = translate_url(request.get_full_path(), code)
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "current": code == current,
                "bidi": info["bidi"],
            }
        )
    return links


def _localized(page):
    """``page.localized`` (a query each time it is read), once per page object and render."""
    if "_localized_once" not in page.__dict__:
        page.__dict__["_localized_once"] = page.localized
    return page.__dict__["_localized_once"]


@register.simple_tag(takes_context=True)
def link_href(context, link):
    """The URL of a LinkBlock value, following the page into the reader's language."""
    page = link.get("page")
    if page:  # a plain Page here: keep the reader's language as the page classes do
        return keep_interface_language(_localized(page).get_url(context.get("request")))
    return link.get("url") or ""


@register.simple_tag
def link_label(link):
    page = link.get("page")
    return link.get("label") or (_localized(page).title if page else link.get("url", ""))


@register.simple_tag
def link_lang(link):
    """The lang and dir of a link's label when it is not in the reader's language: a label
    typed by editors is in the default language; a page's title is in its translation's
    language, or in the default language when the page is not translated. A bare URL is
    isolated left to right."""
    page = link.get("page")
    if link.get("label") or not page:
        if not link.get("label"):
            return mark_safe(' dir="ltr"')  # the URL itself
        return lang_attrs(settings.LANGUAGE_CODE)
    if _localized(page).locale_id == default_locale_id():
        return lang_attrs(settings.LANGUAGE_CODE)
    return ""


@register.simple_tag
def active_locale():
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return None


@register.simple_tag(takes_context=True)
def reviews_to_do(context) -> bool:
    """Whether the signed-in person sits on a committee or jury (one query, once per page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not hasattr(request, "_is_reviewer"):
        from participation.review.models import Reviewer

        request._is_reviewer = Reviewer.objects.filter(user=user, active=True).exists()
    return request._is_reviewer
