"""Small text helpers shared by every plugin."""

import unicodedata


def clean_query(value: str | None, max_length: int = 200) -> str:
    """A search or filter term from the URL, safe for any database: no control characters
    (PostgreSQL refuses NUL, SQLite's full-text syntax chokes on it), trimmed, bounded."""
    if not value:
        return ""
    kept = "".join(ch for ch in value[: max_length * 4] if unicodedata.category(ch)[0] != "C")
    return " ".join(kept.split())[:max_length]


# Bidirectional controls that open a state reaching past their own text: embeddings and
# overrides (U+202A-U+202E) and isolates (U+2066-U+2069). In a name they reverse or reorder
# whatever is printed after it (a page, an admin listing, an email subject). The marks U+200E,
# U+200F and U+061C are kept: they have no scope, mixed-direction names legitimately need them,
# and every name shown to others is isolated (``isolate_html``/``isolate_text``) anyway.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_TABLE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi_controls(value: str | None) -> str:
    return (value or "").translate(_BIDI_TABLE)


def has_visible_text(value: str) -> bool:
    """At least one letter, digit, mark, punctuation or symbol: not only spaces, controls and
    invisible format characters (zero-width spaces, direction marks)."""
    return any(unicodedata.category(ch)[0] not in "CZ" for ch in value)


def clean_name(value: str | None) -> str:
    """A name other people will read: bidi controls removed, spaces trimmed. Raises
    ValidationError when something was typed but nothing visible is left."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    raw = value or ""
    cleaned = strip_bidi_controls(raw).strip()
    if raw.strip() and not has_visible_text(cleaned):
        raise ValidationError(
            _(
                "A name needs at least one visible letter or digit: direction and other "
                "invisible control characters are not kept."
            ),
            code="invisible_name",
        )
    return cleaned


# Isolation when a name is shown: whatever it holds, it cannot reorder the text around it.
FSI, PDI = "\u2068", "\u2069"


def isolate_text(value) -> str:
    """For plain text (emails, subjects, spreadsheets are left alone): FSI name PDI."""
    text = strip_bidi_controls(str(value if value is not None else ""))
    return f"{FSI}{text}{PDI}" if text else ""


# --- Direction of free text, line by line ---------------------------------------------------------
#
# People answer in several scripts, often one sentence per line. HTML's dir="auto" picks one
# direction per element, and WeasyPrint does not implement it at all, so an English line after
# an Arabic one came out right-aligned with its full stop on the left. The direction is chosen
# here, in Python, for every paragraph and every line; pages and PDFs write it in dir="...".

LRI = "\u2066"
_SCAN = 2000  # a line's first strong letter is near its start; do not walk a megabyte for it


def strong_direction(text: str) -> str | None:
    """ "rtl" or "ltr" from the first letter with a strong direction (the Unicode rule P2 that
    dir="auto" follows), None when there is none (digits, punctuation, spaces only)."""
    for char in text[:_SCAN]:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def _lines(value) -> list[str]:
    text = strip_bidi_controls(str(value if value is not None else ""))
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def directed_paragraphs(value, default: str = "ltr") -> list[tuple[str, list[tuple[str, str]]]]:
    """Free text as ``[(paragraph_dir, [(line_dir, line), ...]), ...]``.

    Paragraphs are separated by blank lines; a paragraph takes the direction of its first strong
    letter (else ``default``, the document's); each line takes its own first strong letter's, and
    a line of digits or punctuation only takes its paragraph's. Scoped bidi controls (embeddings,
    overrides, isolates) are dropped: every line is isolated by its own element anyway, and an
    unclosed one would otherwise reorder what follows."""
    paragraphs, current = [], []
    for line in _lines(value) + [""]:
        if line.strip():
            current.append(line)
            continue
        if current:
            first = next(filter(None, map(strong_direction, current)), None)
            direction = first or default
            paragraphs.append(
                (direction, [(strong_direction(line) or direction, line) for line in current])
            )
            current = []
    return paragraphs


def isolate_ltr_text(value) -> str:
    """For plain text (emails, PDFs' facts): LRI identifier PDI. A receipt number, a date in
    digits, an email address or a URL stays in one piece, left to right, in an Arabic sentence
    ("C-AWD-2026-5JMB" no longer comes out as "-AWD-2026 / 5JMB-C")."""
    text = strip_bidi_controls(str(value if value is not None else ""))
    return f"{LRI}{text}{PDI}" if text else ""


def ltr_html(value, *, marks: bool = False):
    """An identifier in HTML: ``<bdi dir="ltr">``. With ``marks`` the text inside is also
    wrapped in LRI...PDI, for WeasyPrint, which ignores ``unicode-bidi`` and so does not isolate
    a ``bdi`` (PDFs); pages leave them out, so a receipt number copied from a page is clean."""
    from django.utils.html import format_html

    text = strip_bidi_controls(str(value if value is not None else ""))
    if not text:
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', isolate_ltr_text(text) if marks else text)
