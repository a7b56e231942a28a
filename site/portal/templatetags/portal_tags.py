from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info, override
from wagtail.models import Locale, Page

from participation.i18n import keep_interface_language

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
    for code, name in settings.LANGUAGES:
        if code in translations:
            with override(code):  # pages keep the active language's prefix in their links
                url = translations[code].get_url(request)
        else:
            url = translate_url(request.get_full_path(), code)
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": name,  # in the language itself (portal/languages.py)
                "url": url,
                "current": code == current,
                "bidi": info["bidi"],
            }
        )
    return links


@register.filter
def current_language_link(links):
    """The entry of ``language_links`` for the active language (the switcher's summary)."""
    return next((link for link in links if link["current"]), links[0] if links else None)


@register.simple_tag(takes_context=True)
def link_href(context, link):
    """The URL of a LinkBlock value, following the page into the reader's language."""
    page = link.get("page")
    if page:  # a plain Page here: keep the reader's language as the page classes do
        return keep_interface_language(page.localized.get_url(context.get("request")))
    return link.get("url") or ""


@register.simple_tag
def link_label(link):
    page = link.get("page")
    return link.get("label") or (page.localized.title if page else link.get("url", ""))


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
