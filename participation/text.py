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
