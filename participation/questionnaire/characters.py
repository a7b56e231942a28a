"""Counting characters the way people count them.

``len()`` counts code points: "é" typed as e + combining accent is 2, a family emoji is 7,
a Tigrinya or Devanagari syllable with its vowel sign may be 2 or more. People count what they
see, which Unicode calls extended grapheme clusters (UAX #29); the ``regex`` module implements
them for the Unicode version it ships with.
"""

import regex

_GRAPHEME = regex.compile(r"\X")

# A bound on code points per counted character, so that a "character" with thousands of
# stacked combining marks cannot smuggle unbounded text past a limit.
CODE_POINTS_PER_CHARACTER = 8


def count_characters(text: str) -> int:
    """The number of user-perceived characters (grapheme clusters) in ``text``."""
    if text.isascii():
        # Every ASCII character is its own cluster, except CR LF, which is one.
        return len(text) - text.count("\r\n")
    return sum(1 for _ in _GRAPHEME.finditer(text))


def too_long(text: str, limit: int) -> bool:
    """Whether ``text`` is over ``limit`` characters as people count them (or absurdly long
    in code points for that many characters)."""
    if len(text) <= limit:
        return False
    return len(text) > limit * CODE_POINTS_PER_CHARACTER or count_characters(text) > limit
