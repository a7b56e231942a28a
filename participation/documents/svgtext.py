"""Shaped SVG text in WeasyPrint 70: Arabic and Persian chart labels joined and right to left.

WeasyPrint draws every SVG ``<text>`` letter by letter (to honour per-letter x/y/dx/dy/rotate
lists), which shapes each letter alone: Arabic comes out unjoined and in the wrong order. HTML
text is fine; only SVG text is affected. For a text element whose content needs shaping
(right-to-left letters or combining marks) and which positions the whole string at once (one x,
one y, no rotate, textLength or letter-spacing), we lay out and draw the string in one piece,
exactly as WeasyPrint draws a line of HTML. Everything else goes to WeasyPrint's own function.

``install()`` is idempotent and called by the PDF engine before its first render.
"""

import logging
import unicodedata
from math import inf

logger = logging.getLogger("participation.documents")

_installed = False


def needs_shaping(value: str) -> bool:
    for char in value:
        if unicodedata.bidirectional(char) in ("R", "AL", "AN"):
            return True
        if unicodedata.category(char) in ("Mn", "Mc", "Me"):
            return True
    return False


def _single(node, name) -> bool:
    value = node.attrib.get(name)
    return value is None or len(value.replace(",", " ").split()) <= 1


def _simple_positioning(node) -> bool:
    return (
        all(_single(node, name) for name in ("x", "y", "dx", "dy"))
        and not node.attrib.get("rotate")
        and not node.attrib.get("textLength")
        and node.attrib.get("letter-spacing") in (None, "", "0", "normal")
    )


def _shaped_text(svg, node, font_size):
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import Style, TextBox
    from weasyprint.svg.utils import normalize, size
    from weasyprint.text.line_break import split_first_line

    # The same (simplified) style as WeasyPrint's own SVG text.
    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    weight = {"normal": 400, "bold": 700}.get(weight, weight)
    try:
        style["font_weight"] = int(weight)
    except (TypeError, ValueError):
        style["font_weight"] = 400
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")

    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)

    def first(name, reference):
        value = node.attrib.get(name)
        if not value or not normalize(value).strip():
            return None
        return size(normalize(value).strip().split(" ")[0], font_size, reference)

    x, y = first("x", svg.inner_width), first("y", svg.inner_height)
    dx, dy = first("dx", svg.inner_width), first("dy", svg.inner_height)
    if x is not None:
        svg.cursor_d_position[0] = 0
    if y is not None:
        svg.cursor_d_position[1] = 0
    svg.cursor_d_position[0] += dx or 0
    svg.cursor_d_position[1] += dy or 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y

    ascent, descent = font_size * 0.8, font_size * 0.2
    y_align = 0
    display_anchor = node.get("display-anchor")
    alignment_baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if display_anchor == "middle":
        y_align = -height / 2
    elif display_anchor == "bottom":
        y_align = -height
    elif display_anchor == "top":
        pass
    elif alignment_baseline in ("central", "middle"):
        y_align = (ascent + descent) / 2 - descent
    elif alignment_baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        y_align = ascent
    elif alignment_baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        y_align = -descent

    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + y_align
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        ((x_position, y_position - baseline), (x_position + width, y_position - baseline + height)),
    )

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(
        svg.stream, text_box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position)
    )
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def install() -> bool:
    """Route SVG text that needs shaping through ``_shaped_text``; True once installed."""
    global _installed
    if _installed:
        return True
    try:
        import importlib

        svg_module = importlib.import_module("weasyprint.svg")
        text_module = importlib.import_module("weasyprint.svg.text")

        original = text_module.text
        if svg_module.text is not original or svg_module.TAGS.get("text") is not original:
            raise AttributeError("unexpected weasyprint.svg layout")
    except (ImportError, AttributeError) as error:  # another WeasyPrint: leave it as it is
        logger.warning("SVG text shaping not installed: %s", error)
        return False

    def text(svg, node, font_size):
        if node.text and needs_shaping(node.text) and _simple_positioning(node):
            return _shaped_text(svg, node, font_size)
        return original(svg, node, font_size)

    text.original = original
    for tag, function in list(svg_module.TAGS.items()):
        if function is original:
            svg_module.TAGS[tag] = text
    # draw_node compares TAGS entries with this module-level name to handle text-anchor.
    svg_module.text = text
    _installed = True
    return True
