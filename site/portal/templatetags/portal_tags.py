from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info, pgettext
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from participation.i18n import keep_interface_language, under_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per interface language, keeping the reader on the same page (no JavaScript).

    A Wagtail page links to its live translation in that language; without one, to the page in
    the default language (else the page itself) under that language's prefix, which
    ``portal.views.serve`` shows with the interface in that language and the content marked
    with its own. A sub-page of a page (a step of a form) keeps its tail. Any other view keeps
    its path and query string under the other prefix.
    """
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    translations, tail, fallback = {}, "", None
    if isinstance(page, Page):
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translation.locale.language_code] = translation
        fallback = translations.get(settings.LANGUAGE_CODE) or page
        here = _path(page.get_url(request))
        if here is not None:  # compared without language prefixes
            here = under_language(here, settings.LANGUAGE_CODE)
            path = under_language(request.path, settings.LANGUAGE_CODE)
            if path.startswith(here):
                tail = path[len(here) :]  # a routable page's sub-page (respond/3/)
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if fallback is not None:
            target = _path((translations.get(code) or fallback).get_url(request))
            if target is not None:
                url = under_language(target + tail, code) + suffix
        if url is None:
            url = under_language(request.path, code) + suffix
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


def _path(url):
    """The path of a page's URL (relative, or absolute for another host), or None."""
    return urlsplit(url).path if url else None


def _shown_in(language: str) -> dict:
    """``lang``/``dir`` for text shown in ``language`` when it is not the reader's (a fallback
    to the default language), so that it is read out and laid out as what it is."""
    if not language or language == get_language():
        return {"lang": "", "dir": ""}
    return {"lang": language, "dir": "rtl" if get_language_info(language)["bidi"] else "ltr"}


def link_text(link) -> dict:
    """A LinkBlock value's label in the reader's language: the label given for that language,
    else the title of the page's live translation, else the label, else the page's title; with
    the language of what is shown."""
    active = get_language()
    for item in link.get("translated_labels") or []:
        if item["language"] == active and item["label"]:
            return {"label": item["label"], **_shown_in(active)}
    page = link.get("page")
    shown = _localized(page) if page else None
    if shown is not None and shown.locale.language_code == active:
        return {"label": shown.title, **_shown_in(active)}
    if link.get("label"):
        return {"label": link["label"], **_shown_in(settings.LANGUAGE_CODE)}
    if shown is not None:
        return {"label": shown.title, **_shown_in(shown.locale.language_code)}
    # A bare address: kept in one piece, left to right, whatever the reader's direction.
    return {"label": link.get("url", ""), "lang": "", "dir": "ltr"}


@register.simple_tag(takes_context=True)
def nav_link(context, link) -> dict:
    """What a menu or footer link shows: ``href``, ``label``, and ``lang``/``dir`` when the
    label is a fallback in another language."""
    return {"href": link_href(context, link), **link_text(link)}


@register.simple_tag(takes_context=True)
def site_texts(context) -> dict:
    """The site's name and footer text in the reader's language (Settings > Navigation), else
    the default language's, with ``lang``/``dir`` when that fallback is shown. Once per
    request."""
    request = context.get("request")
    cached = getattr(request, "_site_texts", None)
    if cached is not None and cached["language"] == get_language():
        return cached
    from portal.models import NavigationSettings

    site = Site.find_for_request(request) if request is not None else None
    nav = NavigationSettings.for_site(site) if site is not None else None
    given = nav.in_language(get_language()) if nav is not None else {}
    texts = {"language": get_language()}
    if given.get("site_name"):
        texts.update(name=given["site_name"], name_shown=_shown_in(get_language()))
    elif site is not None and site.site_name:
        texts.update(name=site.site_name, name_shown=_shown_in(settings.LANGUAGE_CODE))
    else:
        texts.update(name=pgettext("site name", "Participation"), name_shown=_shown_in(""))
    if given.get("footer_text") and given["footer_text"].source.strip():
        texts.update(footer_text=given["footer_text"], footer_shown=_shown_in(get_language()))
    elif nav is not None and nav.footer_text:
        texts.update(
            footer_text=RichText(nav.footer_text), footer_shown=_shown_in(settings.LANGUAGE_CODE)
        )
    if request is not None:
        request._site_texts = texts
    return texts


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
    return link_text(link)["label"]


@register.simple_tag
def active_locale():
    from participation.i18n import active_locale as cached_active_locale

    try:
        return cached_active_locale()
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
