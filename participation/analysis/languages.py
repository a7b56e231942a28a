"""The language of free-text answers, detected offline: plain strings in, ISO 639-1 codes out.

`Lingua <https://github.com/pemistahl/lingua-py>`_ ships its models inside its wheel (75
languages, nothing downloaded), in *low accuracy* mode: 150 MB of memory and ~5,000 answers a
second on one core, where the high accuracy mode needs 1.2 GB and 20 s to load, for answers of
a sentence or more (short ones gain most from it). Two rules cover languages of this platform's
readers that Lingua does not know, by the letters only they use:

* **Pashto** is written in the Arabic script with letters Persian, Arabic and Urdu do not have
  (ټ ډ ړ ږ ښ ګ ڼ ې ۍ ځ څ): Lingua calls it Arabic or Persian.
* **Tigrinya and Amharic** share the Ethiopic script, which Lingua does not read. Each earns
  points for what marks it: Tigrinya the glottal "a" written ኣ (Amharic writes አ), the ቐ and ኸ
  series Amharic lacks, the throat letters ሐ and ዐ it keeps, and its small words (ናይ, እዩ, ኣብ,
  ምስ, ከም); Amharic አ, the ቸ series and its own small words (ነው, እና, ላይ, ውስጥ, ግን).

A text without letters (empty, emoji, numbers), of one word however often repeated, or one
Lingua cannot tell, gets "" (unknown): never a guess presented as a fact. Only the first
``MAX_CHARS`` characters are read (a language shows in a paragraph; time grows with length).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

MIN_LETTERS = 3  # fewer letters than this: unknown
MIN_WORDS = 2  # distinct words
MAX_CHARS = 1000
PASHTO_LETTERS = frozenset("ټډړږښګڼېۍځڅ")
TIGRINYA_ONLY = frozenset("ቐቑቒቓቔቕቖኸኹኺኻኼኽኾ")
TIGRINYA_THROAT = frozenset("ሐሑሒሓሔሕሖዐዑዒዓዔዕዖ")
TIGRINYA_WORDS = frozenset({"ናይ", "እዩ", "ኣብ", "ምስ", "ከም", "ኣሎ", "ኢዩ"})
AMHARIC_CH = frozenset("ቸቹቺቻቼችቾ")
AMHARIC_WORDS = frozenset({"ነው", "እና", "ላይ", "ውስጥ", "ግን", "ነበር", "ይህ"})


@cache
def _detector():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def _ethiopic(text: str) -> bool:
    return any("\u1200" <= ch <= "\u139f" or "\u2d80" <= ch <= "\u2ddf" for ch in text)


def _by_letters(text: str) -> str | None:
    """The rules for what Lingua does not know; None leaves the text to Lingua."""
    if _ethiopic(text):
        letters = Counter(text)
        words = Counter(text.replace("።", " ").replace("፡", " ").split())
        tigrinya = (
            2 * letters["ኣ"]
            + 3 * sum(letters[ch] for ch in TIGRINYA_ONLY)
            + sum(letters[ch] for ch in TIGRINYA_THROAT)
            + 3 * sum(words[w] for w in TIGRINYA_WORDS)
        )
        amharic = (
            2 * letters["አ"]
            + sum(letters[ch] for ch in AMHARIC_CH)
            + 3 * sum(words[w] for w in AMHARIC_WORDS)
        )
        return "ti" if tigrinya > amharic else "am"
    if sum(1 for ch in text if ch in PASHTO_LETTERS) >= 2:
        return "ps"
    return None


def detect(texts: Sequence[str]) -> list[str]:
    """One code per text ("" when unknown), in order; Lingua's batch call for the rest."""
    codes: list[str | None] = []
    pending: list[int] = []
    read: list[str] = []
    for index, text in enumerate(texts):
        text = unicodedata.normalize("NFC", (text or "")[:MAX_CHARS])
        read.append(text)
        if _letters(text) < MIN_LETTERS or len(set(text.casefold().split())) < MIN_WORDS:
            codes.append("")
            continue
        code = _by_letters(text)
        codes.append(code)
        if code is None:
            pending.append(index)
    if pending:
        found = _detector().detect_languages_in_parallel_of([read[i] for i in pending])
        for index, language in zip(pending, found, strict=True):
            codes[index] = language.iso_code_639_1.name.lower() if language is not None else ""
    return [code or "" for code in codes]


def dominant(texts_and_codes: Iterable[tuple[str, str]]) -> str:
    """The language most of the letters are in ("" when none is known): a response's language
    from its answers' languages."""
    letters = Counter()
    for text, code in texts_and_codes:
        if code:
            letters[code] += _letters(text)
    return letters.most_common(1)[0][0] if letters else ""
