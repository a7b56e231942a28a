"""Small text helpers shared by every plugin."""

import unicodedata


def clean_query(value: str | None, max_length: int = 200) -> str:
    """A search or filter term from the URL, safe for any database: no control characters
    (PostgreSQL refuses NUL, SQLite's full-text syntax chokes on it), trimmed, bounded."""
    if not value:
        return ""
    kept = "".join(ch for ch in value[: max_length * 4] if unicodedata.category(ch)[0] != "C")
    return " ".join(kept.split())[:max_length]
