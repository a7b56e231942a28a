"""Template helpers for print templates and pages showing documents and charts."""

import re

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, mark_safe

from participation.text import directed_paragraphs, ltr_html, strip_bidi_controls, strong_direction

register = template.Library()
# A run of this many characters with no break opportunity gets some (zero-width spaces every
# BREAK_EVERY characters): WeasyPrint breaks one huge "word" in quadratic time (a 200,000
# character word took minutes; with break opportunities it takes as long as ordinary text).
BLANK_LINES_RE = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
LONG_RUN_RE = re.compile(r"[^\s\u200b]{80,}")
BREAK_EVERY = 40


def break_long_runs(value: str) -> str:
    def split(match):
        run = match.group(0)
        return "\u200b".join(run[i : i + BREAK_EVERY] for i in range(0, len(run), BREAK_EVERY))

    return LONG_RUN_RE.sub(split, value)


def text_direction_of(value) -> str:
    """ "rtl" or "ltr" from the first letter with a strong direction (HTML's dir=auto rule).

    WeasyPrint does not implement dir="auto", so templates write the result in dir="...".
    """
    return strong_direction(str(value or "")) or "ltr"


@register.filter
def text_dir(value) -> str:
    """{{ answer|text_dir }} -> "rtl" or "ltr" (for a dir attribute)."""
    return text_direction_of(value)


@register.filter
def w3c_datetime(value) -> str:
    """A datetime as W3C date-time (PDF metadata), e.g. 2026-03-01T10:00:00+01:00."""
    if not value:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.isoformat(timespec="seconds")


@register.simple_tag
def user_text(value, tag="div", lang=""):
    """Text someone typed: escaped, line breaks kept, long words wrapped, and each paragraph
    and each line in its own direction (an Arabic line right to left, the English line after
    it left to right), computed here because WeasyPrint has no dir="auto" (``directed_paragraphs``).
    Pages use it too, so that a page and its PDF agree.

    {% user_text answer %} or {% user_text answer "dd" lang=response.language %}
    """
    tag = tag if tag in ("div", "dd", "td", "blockquote", "span") else "div"
    value = break_long_runs("" if value is None else str(value))
    lang_attr = format_html(' lang="{}"', lang) if lang else ""
    if tag == "span":
        value = strip_bidi_controls(value)
        return format_html(
            '<span class="user-text" dir="{}"{}>{}</span>',
            text_direction_of(value),
            lang_attr,
            value,
        )
    value = BLANK_LINES_RE.sub("\n\n", value)  # thousands of empty lines: one paragraph break
    inner = format_html_join(
        "", '<p class="user-text" dir="{}">{}</p>', directed_paragraphs_html(value)
    ) or mark_safe('<p class="user-text" dir="ltr"></p>')
    return format_html('<{} class="user-text-block"{}>{}</{}>', tag, lang_attr, inner, tag)


def directed_paragraphs_html(value):
    """(dir, inner HTML) per paragraph. A paragraph whose lines all go its way keeps them apart
    with <br>; otherwise every line is a block of its own with its own dir (an English line
    after an Arabic one starts on the left and ends with its full stop on the right)."""
    for direction, lines in directed_paragraphs(value):
        if all(line_dir == direction for line_dir, _ in lines):
            inner = format_html_join(mark_safe("<br>"), "{}", ((line,) for _, line in lines))
        else:
            inner = format_html_join("", '<span class="user-line" dir="{}">{}</span>', lines)
        yield direction, inner


@register.simple_tag
def receipt_fact(value):
    """A fact of a receipt in a <dd>: HTML made by the builder (an identifier isolated left to
    right, ``receipt_identifier``) as it is, anything else as text people typed (names, titles:
    each line in its own direction)."""
    if isinstance(value, SafeData):
        return format_html("<dd>{}</dd>", value)
    return user_text(value, "dd")


def receipt_identifier(value):
    """A receipt number, a date or an email address in a receipt: one piece, left to right,
    also in a PDF (``participation.text.ltr_html`` with marks)."""
    return ltr_html(value, marks=True)


@register.simple_tag(takes_context=True)
def chart_svg(context, chart):
    """A chart's (or a sparkline's) inline SVG. Its <style> (pygal's) carries the response's
    Content Security Policy nonce when there is one, so the browser applies it; PDFs have no
    request, no nonce."""
    request = context.get("request")
    if request is None or "document_title" in context:
        # A PDF (pdf.build_context, with or without a request): WeasyPrint draws each <svg>
        # with its own styles only, so every chart keeps its stylesheet.
        return chart.svg
    svg = _shared_style(request, chart)
    if context.get("nonce_placeholder"):
        # A fragment rendered for the cache (participation.fragments): each response fills in
        # its own nonce.
        from participation.fragments import NONCE_PLACEHOLDER

        nonce = NONCE_PLACEHOLDER
    else:
        nonce = getattr(request, "csp_nonce", None)
    if nonce is None:
        return mark_safe(svg)  # noqa: S308 - pygal's SVG, see Chart.svg
    return mark_safe(  # noqa: S308 - the nonce is base64 from os.urandom
        svg.replace("<style", f'<style nonce="{nonce}"')
    )


_STYLE_RE = re.compile(r'<style type="text/css">(.*?)</style>', re.S)


def _shared_style(request, chart) -> str:
    """On a web page every chart had the same 4 KB of CSS, scoped to its own id (70 KB of a
    board's 175). Scoped to the charts' class instead (``css_scope``: full charts and
    sparklines apart), each distinct stylesheet is sent once per page: the charts that follow
    use the one already there (same palette and fonts)."""
    svg = str(chart.svg)
    match = _STYLE_RE.search(svg)
    if match is None:
        return svg
    css = match.group(1).replace(f"#{chart.uid}", f".{chart.css_scope}")
    sent = request.__dict__.setdefault("_chart_styles_sent", set())
    if css in sent:
        return svg[: match.start()] + svg[match.end() :]
    sent.add(css)
    return svg[: match.start()] + f'<style type="text/css">{css}</style>' + svg[match.end() :]


RLI = "\u2067"


@register.simple_tag(takes_context=True)
def quantity(context, value, unit=""):
    """A number with its unit ("12.5 %", "1,200 EUR") kept in one piece in a right-to-left
    sentence: ``<bdi dir="ltr">``, or ``dir="rtl"`` when the unit is written in a right-to-left
    script (the number is then read before its unit, on the right). In a PDF the text inside
    also gets LRI/RLI ... PDI, as ``ltr_html`` does: WeasyPrint does not isolate a ``bdi``."""
    number = strip_bidi_controls(str("" if value is None else value))
    unit = strip_bidi_controls(str(unit or "")).strip()
    text = f"{number} {unit}" if unit and number else number or unit
    if not text:
        return ""
    direction = "rtl" if strong_direction(unit) == "rtl" else "ltr"
    if "document_title" in context:  # a PDF (see chart_svg)
        text = ("\u2066" if direction == "ltr" else RLI) + text + "\u2069"
    return format_html('<bdi dir="{}" class="quantity">{}</bdi>', direction, text)
