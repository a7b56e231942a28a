"""Rendered fragments of public pages kept in the cache, with the response's CSP nonce filled in.

A public page whose figures change only when its data do (what we heard, published answers, the
progress board) is rendered once per version of those data and language, then served from the
cache: rendering the summary's charts and tables was most of a request (about 145,000 function
calls at 100,000 answers against a few thousand for a plain page).

A Content Security Policy nonce must be new in every response, so it is never cached: a fragment
is rendered with ``NONCE_PLACEHOLDER`` where the nonce goes (``chart_svg`` writes it when the
context has ``nonce_placeholder``), and ``fill_nonce`` writes this response's nonce into it.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

CACHE_SECONDS = 60 * 60
# Only ever replaced inside ``nonce="..."``: escaped text (a label typed by an editor) cannot
# hold a double quote, so it cannot become a nonce attribute.
NONCE_PLACEHOLDER = "csp-nonce-placeholder-9f3c"
NONCE_ATTRIBUTE = f'nonce="{NONCE_PLACEHOLDER}"'


def fill_nonce(request, html: str):
    """The fragment with this response's nonce. Reading ``request.csp_nonce`` is also what puts
    the nonce in the response's header (django-csp adds it only once it was read)."""
    if NONCE_ATTRIBUTE not in html:
        return mark_safe(html)  # noqa: S308 - rendered by our templates, autoescaped
    nonce = getattr(request, "csp_nonce", None)
    attribute = f'nonce="{nonce}"' if nonce is not None else ""
    return mark_safe(html.replace(NONCE_ATTRIBUTE, attribute))  # noqa: S308 - base64 nonce


def digest(*parts) -> str:
    """A short stable hash of what a fragment's text depends on (revisions, ids)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def cached_fragments(request, key: str, templates, make_context, is_preview=False) -> list:
    """Each of ``templates`` rendered with ``make_context()`` (called only when the cache has no
    copy), cached together under ``key`` + the active language, with this response's nonce
    filled in. Several templates: the parts of a page around something that may not be cached
    (a form with its CSRF token, a link for signed-in people). A preview is rendered and never
    cached (its content is not the live revision the key names)."""
    full_key = f"fragment:{key}:{translation.get_language() or ''}"
    parts = None if is_preview else cache.get(full_key)
    if parts is None:
        context = {**make_context(), "nonce_placeholder": True}
        parts = [render_to_string(name, context, request=request) for name in templates]
        if not is_preview:
            cache.set(full_key, parts, CACHE_SECONDS)
    return [fill_nonce(request, html) for html in parts]
