"""``{% content_lang %}``: marks editors' text with its own language when a page not translated
into the reader's language is shown in it (see participation.i18n and portal.views.serve), so
that screen readers pronounce it right and its direction is right (WCAG 3.1.2)."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def content_lang(context):
    request = context.get("request")
    # Set by the view that served the page from another language's tree.
    code = getattr(request, "content_language", None)
    if code is None:
        # Wagtail itself serves the default language's page when the reader's language has no
        # tree at all: the page's own locale tells (looked up once per request).
        page = context.get("page")
        code = ""
        if getattr(page, "locale_id", None):
            own = page.locale.language_code
            code = own if own != get_language() else ""
        if request is not None:
            request.content_language = code
    if not code:
        # A page of the default language reached otherwise (routed directly under the
        # reader's prefix): its editors' text is in the default language all the same.
        from participation.i18n import default_locale_id

        page = context.get("page")
        locale_id = getattr(page, "locale_id", None)
        if locale_id is None or locale_id != default_locale_id():
            return ""
        code = settings.LANGUAGE_CODE
    return lang_attrs(code)


def lang_attrs(code: str | None) -> str:
    """' lang="en" dir="ltr"' for text in ``code`` shown to a reader of another language, else
    "" (the page's own lang and dir apply)."""
    if not code:
        return ""
    active = (get_language() or settings.LANGUAGE_CODE).lower()
    if code.lower() == active:
        return ""
    try:
        direction = "rtl" if get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return format_html(' lang="{}"', code)
    return format_html(' lang="{}" dir="{}"', code, direction)


@register.inclusion_tag("accounts/language_offer.html", takes_context=True)
def language_offer(context):
    """The offer to make the language being read the language of emails (see services)."""
    from participation.accounts.services import language_offer as offer

    request = context.get("request")
    found = offer(request) if request is not None else None
    if found is None:
        return {"offer": None}
    return {
        "offer": found,
        "language": get_language_info(found["language"])["name_local"],
        "preferred": get_language_info(found["preferred"])["name_local"],
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def text_lang(code=None):
    """``<div{% text_lang %}>`` around editors' text that is not translated (site settings such
    as the footer, written in the default language): its own lang and dir in an Arabic page."""
    return lang_attrs(code or settings.LANGUAGE_CODE)


# --- Data with a label per language (participation.translation_rows) --------------------------


def _localised_value(obj, field):
    from participation.translation_rows import Localised, localised

    if isinstance(obj, Localised):
        return obj
    if obj is None or not field:
        return Localised("", settings.LANGUAGE_CODE)
    return localised(obj, field)


@register.simple_tag
def localised(obj, field=""):
    """``{% localised commitment "title" %}`` (or ``{% localised view.name %}`` for a
    ``Localised`` already read): the text in the reader's language, or the original inside
    ``<span lang="en" dir="ltr">`` when it has no translation, so that it is read in its own
    language and cannot reorder the sentence around it."""
    text, code = _localised_value(obj, field)
    attrs = lang_attrs(code)
    if not attrs:
        return text
    return format_html("<span{}>{}</span>", attrs, text)


@register.simple_tag
def localised_block(obj, field="", tag="div"):
    """Free text of data (a description, a reason) as ``user_text`` shows it: each paragraph
    and line in its own direction, marked with the original's language when untranslated."""
    from participation.documents.templatetags.documents_tags import user_text

    text, code = _localised_value(obj, field)
    other = code.lower() != (get_language() or settings.LANGUAGE_CODE).lower()
    return user_text(text, tag, lang=code if other else "")


@register.filter
def localised_text(obj, field):
    """``{{ commitment|localised_text:"title" }}``: the text alone (a tab title, an email)."""
    return _localised_value(obj, field).text
