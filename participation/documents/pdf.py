"""PDF rendering with WeasyPrint from Django templates.

One font configuration, one parsed print stylesheet and one image cache are shared by every render
in a process (loading the bundled fonts and parsing the stylesheet is most of the cost of a small
PDF). Renders are serialised by a lock: WeasyPrint's font machinery (fontconfig, Pango) is not
made for concurrent use, and a process renders one document at a time anyway (a task worker or
a synchronous web worker); threaded servers simply queue on the lock.

    from participation.documents.pdf import render_pdf
    pdf = render_pdf("consultations/print/receipt.html", {"response": response},
                     title=page.title, author=site_name, lang="uk", request=request)
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language_info

from . import conf, fonts
from .fetcher import LocalOnlyURLFetcher

logger = logging.getLogger("participation.documents")

PRINT_CSS = Path(__file__).resolve().parent / "static" / "documents" / "print.css"
FONTS_DIR = fonts.FONTS_DIR
RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "ckb", "prs", "dv", "yi", "sd", "ug"}

_lock = threading.RLock()
_engine = None


class ImageCache(dict):
    """WeasyPrint's image cache (a dict it writes into), shared between renders.

    Failed loads (refused URLs) are not remembered, so each render asks the fetcher again; the
    cache is emptied between renders once it holds more than IMAGE_CACHE_MAX_BYTES of data.
    """

    def __setitem__(self, key, value):
        if value is None:
            return
        super().__setitem__(key, value)

    def size(self) -> int:
        return sum(len(value) for value in self.values() if isinstance(value, bytes))

    def trim(self, max_bytes: int) -> None:
        if len(self) > 1000 or self.size() > max_bytes:
            self.clear()


class _Engine:
    """What renders share: fonts, the parsed print stylesheet, the image cache."""

    def __init__(self):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from . import svgtext

        svgtext.install()
        self.font_config = FontConfiguration()
        # The fonts first (generated from one table, see fonts.py), then the print stylesheet.
        self.font_stylesheet = CSS(
            string=fonts.font_css(),
            base_url=fonts.FONTS_DIR.as_uri() + "/",
            font_config=self.font_config,
            url_fetcher=LocalOnlyURLFetcher(),
        )
        self.stylesheet = CSS(
            filename=str(PRINT_CSS),
            font_config=self.font_config,
            url_fetcher=LocalOnlyURLFetcher(),
        )
        self.image_cache = ImageCache()


def _get_engine() -> _Engine:
    global _engine
    with _lock:
        if _engine is None:
            _engine = _Engine()
        return _engine


def reset_engine() -> None:
    """Drop the shared fonts, stylesheet and images (e.g. after editing print.css)."""
    global _engine
    with _lock:
        _engine = None


def clear_image_cache() -> None:
    """Forget the images kept between renders (they are keyed by URL)."""
    with _lock:
        if _engine is not None:
            _engine.image_cache.clear()


def warm_up() -> None:
    """Load fonts and the stylesheet now rather than on the first render."""
    _get_engine()
    fonts.bundled_coverage()


def default_base_url() -> str:
    base = conf.get("BASE_URL") or getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    base = base or "http://localhost/"
    return base if base.endswith("/") else base + "/"


def text_direction(lang: str) -> str:
    code = (lang or "").lower().replace("_", "-").split("-")[0]
    if code in RTL_LANGUAGES:
        return "rtl"
    try:
        return "rtl" if get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


@dataclass
class RenderedPDF:
    content: bytes
    page_count: int
    fetched: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    # Letters no font of ours has (printed as boxes): also logged at ERROR and collected.
    missing_glyphs: list = field(default_factory=list)


class _PageProgress(logging.Handler):
    """Turns WeasyPrint's "Creating layout - Page N" progress lines into a callback."""

    def __init__(self, callback, thread_id):
        super().__init__(logging.INFO)
        self.callback = callback
        self.thread_id = thread_id
        self.pages = 0

    def emit(self, record):
        if record.thread != self.thread_id or not str(record.msg).startswith("Step 5"):
            return
        try:
            page = int(record.args[0]) if record.args else 0
        except (TypeError, ValueError, IndexError):
            return
        if page > self.pages:
            self.pages = page
            self.callback(page)


def build_context(context, *, title, author, lang, created=None) -> dict:
    context = dict(context or {})
    context.setdefault("document_cover", False)
    context.setdefault("document_toc", [])
    context.update(
        document_title=title,
        document_author=author or "",
        document_lang=lang,
        document_dir=text_direction(lang),
        document_created=(created or timezone.now()),
    )
    return context


def render_html(template_name, context, *, title, author, lang, request=None, created=None):
    """The HTML a PDF is made of, rendered in the document's language."""
    context = build_context(context, title=title, author=author, lang=lang, created=created)
    with translation.override(lang):
        return render_to_string(template_name, context, request=request)


def html_to_pdf(
    html: str,
    *,
    base_url: str | None = None,
    on_page: Callable[[int], None] | None = None,
    stylesheets: Iterable = (),
    pdf_variant: str | None = "default",
    created: datetime | None = None,
    title: str = "",
    on_write: Callable[[int], None] | None = None,
) -> RenderedPDF:
    """Lay out HTML with the shared fonts, stylesheet and cache; only local files are read.
    ``on_page(n)`` follows the layout; ``on_write(pages)`` is called once it is over and the
    file is being written. When ``on_page`` is a ``Progress.pages``, its ``writing`` is the
    default ``on_write``, so every build's status says when it writes the file.

    Letters that none of our fonts has do not stop the render (a receipt must still reach the
    person): they are logged at ERROR, naming the script and the text, returned in
    ``missing_glyphs`` and added to the current ``fonts.collect_missing_glyphs()``.
    """
    from weasyprint import HTML
    from weasyprint.logger import PROGRESS_LOGGER

    start = time.perf_counter()
    missing = fonts.missing_glyphs_in_html(html)
    if missing:
        logger.error(
            "PDF %r: no font of the platform has these letters, they print as boxes: %s",
            title,
            "; ".join(problem.describe() for problem in missing),
        )
        fonts.report_missing_glyphs(missing)
    base_url = base_url or default_base_url()
    fetcher = LocalOnlyURLFetcher(base_url)
    variant = conf.get("PDF_VARIANT") if pdf_variant == "default" else pdf_variant
    options = {"pdf_variant": variant} if variant else {}
    if on_write is None:
        on_write = getattr(getattr(on_page, "__self__", None), "writing", None)
    with _lock:
        engine = _get_engine()
        engine.image_cache.trim(conf.get("IMAGE_CACHE_MAX_BYTES"))
        handler = None
        if on_page is not None:
            handler = _PageProgress(on_page, threading.get_ident())
            previous = (PROGRESS_LOGGER.level, PROGRESS_LOGGER.propagate)
            PROGRESS_LOGGER.setLevel(logging.INFO)
            PROGRESS_LOGGER.propagate = False
            PROGRESS_LOGGER.addHandler(handler)
        try:
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
                font_config=engine.font_config,
                stylesheets=[engine.font_stylesheet, engine.stylesheet, *stylesheets],
                cache=engine.image_cache,
                **options,
            )
            if created is not None:
                document.metadata.created = created.isoformat(timespec="seconds")
            if on_write is not None:
                on_write(len(document.pages))
            content = document.write_pdf(cache=engine.image_cache, **options)
        finally:
            if handler is not None:
                PROGRESS_LOGGER.removeHandler(handler)
                PROGRESS_LOGGER.setLevel(previous[0])
                PROGRESS_LOGGER.propagate = previous[1]
    return RenderedPDF(
        content=content,
        page_count=len(document.pages),
        fetched=list(fetcher.fetched),
        refused=list(fetcher.refused),
        seconds=time.perf_counter() - start,
        missing_glyphs=missing,
    )


def render_pdf_document(
    template_name: str,
    context: dict | None,
    *,
    title: str,
    author: str = "",
    lang: str | None = None,
    request=None,
    created: datetime | None = None,
    on_page: Callable[[int], None] | None = None,
    pdf_variant: str | None = "default",
) -> RenderedPDF:
    """Render a template extending ``documents/print_base.html`` to a PDF, with details."""
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    created = created or timezone.now()
    html = render_html(
        template_name,
        context,
        title=title,
        author=author,
        lang=lang,
        request=request,
        created=created,
    )
    base_url = request.build_absolute_uri("/") if request is not None else None
    return html_to_pdf(
        html,
        base_url=base_url,
        on_page=on_page,
        pdf_variant=pdf_variant,
        created=created,
        title=title,
    )


def render_pdf(
    template_name: str,
    context: dict | None,
    *,
    title: str,
    author: str = "",
    lang: str | None = None,
    request=None,
) -> bytes:
    """Render a template extending ``documents/print_base.html`` to PDF bytes (tagged PDF/UA)."""
    return render_pdf_document(
        template_name, context, title=title, author=author, lang=lang, request=request
    ).content
