"""Campaign and near-duplicate detection for free-text answers.

Organised campaigns send the same text, or nearly the same text, many times. :func:`group`
finds them so that a summary can count a campaign as one voice with a number attached, and
editors can read one representative instead of 20,000 copies. Everything here is plain Python
and numpy: strings and ids in, frozen dataclasses out, no Django.

API
---
* :func:`normalise` - the canonical form two answers must share to count as "the same text".
* :func:`fingerprint` - the exact-campaign key: a hash of the normalised text.
* :func:`group` - exact and near-identical answers grouped into :class:`CampaignGroup` values.

Normalisation choices (:func:`normalise`)
-----------------------------------------
In this order:

1. Unicode NFKC (compatibility forms: full-width letters and digits, ligatures, Arabic
   presentation forms, superscripts become their plain letters), then ``casefold`` (which also
   turns German "ß" into "ss" and Greek final sigma into sigma).
2. Punctuation (P*), symbols (S*, so emoji too), separators (Z*) and control characters become
   a space; format characters (Cf: zero-width joiners, bidi marks, soft hyphens) are removed,
   except the zero-width space, which separates words.
   Apostrophes (``' ’ ‘ ʼ ʻ ` ′``) are removed without a space, so "don't" = "dont" and the
   Ukrainian "п'ять", "пʼять" and "п’ять" are one word, "пять". The Ethiopic word space "፡"
   and full stop "።" are punctuation, so they separate words.
3. Every decimal digit (Arabic-Indic "٣", Persian "۳", Devanagari "३", ...) becomes its ASCII
   digit. Ethiopic numerals are not decimal digits (no zero, additive) and are kept.
4. Arabic: tatweel (U+0640) and the optional vowel and Quranic marks (harakat: tanwin, fatha,
   damma, kasra, shadda, sukun, superscript alef, U+0610-061A, U+06D6-06ED, U+08CA-08FF) are
   removed, so "مرحباً" = "مرحبا". The hamza and madda marks (U+0653-0655) are kept: they are
   part of letters (أ إ آ ؤ ئ), and letters stay intact; no alef or yeh unification.
5. Diacritics are removed only from Latin letters: after NFD, combining marks that follow a
   Latin base letter are dropped, then NFC recomposes everything else. "café" = "cafe",
   "Dvořák" = "dvorak", Turkish "İ" = "i". Marks on other scripts are letters or meaningful
   (Cyrillic "й" and Ukrainian "ї" are not "и" and "і"; Devanagari vowel signs, Ethiopic
   syllables are whole letters) and are kept. Latin letters without a decomposition are mapped
   by a short table (ø→o, ł→l, đ→d, ħ→h, ŧ→t, ı→i, æ→ae, œ→oe). Merging "año" with "ano" is
   acceptable here: the key only decides whether two answers are the same text.
6. Whitespace collapsed to single spaces, trimmed.

Not done: transliteration between scripts, and homoglyphs (a campaign mixing Cyrillic "а" into
Latin words to evade detection is not caught by the exact key, only partly by similarity).

Grouping (:func:`group`)
------------------------
* Answers whose normalised text is shorter than ``min_words`` words (or, for scripts written
  without spaces - Han, kana, Thai, Lao, Khmer, Myanmar, Tibetan - ``2 * min_words``
  characters) are ignored: "yes" or "I agree" are not campaigns.
* Exact copies share a :func:`fingerprint`; each distinct normalised text is sketched once.
* Shingles: word ``word_ngram``-grams (3) of the normalised text; texts with fewer than
  ``char_below_words`` words, and texts mostly in a script without spaces, use character
  ``char_ngram``-grams (5) instead. The two kinds never match each other, so a text under
  ``char_below_words`` words is never grouped with a longer one (near-duplicates have similar
  lengths anyway). Shingles are hashed to 32 bits: polynomial hashes of the code points,
  computed for a whole batch at once with numpy (``add.reduceat`` per word, shifted sums per
  character window), then mixed with splitmix64.
* MinHash with ``num_perm`` (128) multiply-add-shift hash functions, in numpy over batches of
  texts, and LSH banding into ``b`` bands of ``r`` rows, chosen as the largest ``r`` that still
  makes a pair at exactly ``threshold`` a candidate with probability >= 0.9999 (0.8 -> 25 bands
  of 5 rows). Bands are bucketed by sorting; inside a bucket each text is paired with its next
  8 neighbours (all pairs for buckets up to 9 texts), so a bucket of 5,000 variants costs 40,000
  pairs, not 12.5 million. Pairs already in one group are skipped.
* Every candidate pair is verified by the exact Jaccard similarity of the two shingle sets
  (of their 32-bit hashes: a collision inside one pair has probability ~5e-6 and moves the
  value by at most one shingle), so MinHash never creates a group by itself. Verified pairs
  (similarity >= ``threshold``) are linked, and groups are the connected components (single
  linkage): a campaign whose variants differ from each other more than from the template
  still forms one group. ``min_similarity`` reports how far the furthest member is from the
  representative, so a group that drifted by chaining is visible.
* Robust to a word or two changed (the edit check). One changed word touches three word
  3-grams, so in a 21-word letter one synonym leaves a Jaccard similarity of 16/22 = 0.727 and
  two changes in 30 words 22/34 = 0.65: the shingle check alone would split such a campaign in
  two. So a second link is added, counted in *tokens* - words, or characters for the scripts
  written without spaces: two texts are also linked when their Levenshtein distance over tokens
  (substitution, insertion, deletion of a whole word) is at most ``k = min(max_edits, n // 6)``
  for the shorter length n, i.e. at most one edit per six tokens and at most ``max_edits`` (2)
  words or ``2 * max_edits`` (4) characters (two Chinese words of two characters). Why these
  numbers: a letter of 12 words may differ by 2 words (10 of 12 the same, in order) and one of
  6-11 by one; three changed words are no longer "a word or two", and an independently written
  answer on the same topic ("housing is too expensive for students ..." against "... for
  families ...") differs by far more than one word in six once past the shared opening, so it
  is not linked however many words it shares (the test builds 40 such answers). The check
  applies to texts of at most 64 words or 200 characters: from there on the shingle check
  already survives the same edits (two changed words in 64: Jaccard 56/68 = 0.82; four changed
  characters in 200: character 5-grams 176/216 = 0.81), so longer letters are found as before.
  Candidates come from an exact pigeonhole filter, not from MinHash: k edits leave one of the
  k + 1 equal segments of a text untouched, shifted by at most k in the other text, whose
  length is within k. Each text hashes its own k + 1 segments (with its length and the
  segment's number), and probes the windows where a partner of each length within k would have
  its segments, at each shift (words: 5 lengths x 3 segments x 5 shifts = at most 75 probes;
  characters: 405). A probe's bucket is read in the order of most copies first (a campaign's
  template leads), 8 texts at most, like an LSH bucket. Pairs are verified by a banded
  Levenshtein distance (Ukkonen: only cells within k of the diagonal), vectorised over the
  pairs; so no pair within k edits is missed (a property test checks it) and no pair beyond k
  is linked. ``min_similarity`` counts, for such members, the better of the Jaccard
  similarity and ``1 - edits / tokens of the longer text``.
* Deterministic: the hash functions come from ``numpy.random.default_rng(seed)``; no Python
  ``hash()`` (salted per process) is used. The same input in the same order gives the same
  groups, and the result does not depend on the batch size. Exact copies are keyed by 64 bits
  of the fingerprint (a false merge among a million distinct texts: ~3e-8).
* Cost: linear in the number of answers and distinct texts. The slow case is many texts just
  under the threshold of each other (heavily personalised letters): they share LSH buckets,
  and up to ``8 x bands`` failed verifications per text can be spent on them (measured: 5,000
  copies of a letter with 4 random words changed, plus 5,000 others, ~2-3 s instead of ~0.3 s;
  the edit check does not apply to these 100-word letters). The edit check costs at most 75
  probes and 600 banded comparisons per short text, linear in the number of texts; measured
  on the loaded 2-core machine (load ~3.7): no change on the 100,000-answer benchmark (its
  answers are ~100 words); 20,000 short answers of 12-30 words after one of four openings,
  1.7-2.0 s instead of 0.7 s; the worst case seen, 50,000 answers of 21-33 words that all
  share a 13-word opening (every probe of the first segment lands in a full bucket), ~21 s
  instead of ~7 s (10,000: ~4 s instead of ~1.3 s). ``max_edits=0`` turns the check off.

Memory: one pass over the iterator. Held in memory: the ids (a list, as they are returned),
an index per answer (8 bytes), and per *distinct* text a 64-bit key in a dict (~100 bytes) and
its band keys (25 x uint64 = 200 bytes), whatever the number of exact copies. Texts are
sketched in batches of ~0.5 M characters (~20 MB of temporaries); the signatures are not kept
once hashed into band keys. The sorted 32-bit shingle hashes of each distinct text (about 4
bytes per word), needed for the exact verification, are appended to a temporary file and
memory-mapped (page cache, not process memory); the original texts go to a temporary spool (in
memory up to 8 MB, then on disk) only to return the representatives' texts. The tokens of the
texts the edit check applies to (4 bytes per word or character) are kept the same way.

Library choice
--------------
``datasketch`` (MIT) was considered: it is well kept (releases from 2015 to 2.0.0 in July
2026, five in the last year). But it builds one Python ``MinHash`` object per text, hashes each
shingle with SHA-1 in Python, keeps LSH buckets in Python dicts and has no exact verification
or grouping. On the benchmark's 10,000 answers (exact copies removed first), its MinHash +
``MinHashLSH`` insert and query alone took 3.6 s; this whole module takes ~0.4 s. The
algorithm is ~250 lines of numpy, so it is implemented here and no dependency is added (numpy,
scipy and regex are already required).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import unicodedata
from array import array
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import regex
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

__all__ = ["CampaignGroup", "fingerprint", "group", "normalise"]

ItemId = Hashable

# --- normalisation ---------------------------------------------------------------------------

_APOSTROPHES = "'`\u2018\u2019\u02bb\u02bc\u2032"
_LATIN_LETTERS = {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i", "æ": "ae", "œ": "oe"}
_KEPT_ARABIC_MARKS = {0x0653, 0x0654, 0x0655}  # madda, hamza above and below: parts of letters
_ARABIC_MARK_RANGES = ((0x0610, 0x0700), (0x08CA, 0x0900))
_TATWEEL = 0x0640
_SEPARATORS = regex.compile(r"[\p{P}\p{S}\p{Z}\p{Cc}]")
_INVISIBLE = regex.compile(r"\p{Cf}")
_DIGITS = regex.compile(r"\p{Nd}")
# Marks after a Latin letter (decomposed), and marks left without any base letter.
_LOOSE_MARKS = regex.compile(r"(?<=\p{Latin})\p{Mn}+|(?<![\p{L}\p{N}\p{M}])\p{M}+")
_SPACELESS_LETTERS = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]"
)
_ASCII_TABLE = {
    **{ord(c): " " for c in map(chr, range(128)) if not c.isalnum()},
    **{ord(c): None for c in "'`"},
}


@cache
def _table() -> dict[int, str | None]:
    """One ``str.translate`` table for steps 2-4 and the Latin letters of step 5."""
    everything = "".join(map(chr, range(0xD800))) + "".join(
        map(chr, range(0xE000, sys.maxunicode + 1))
    )
    table: dict[int, str | None] = {ord(c): " " for c in _SEPARATORS.findall(everything)}
    table.update({ord(c): None for c in _INVISIBLE.findall(everything)})
    table[0x200B] = " "  # zero-width space separates words in some scripts
    table.update({code: None for code in range(0xD800, 0xE000)})  # lone surrogates
    for digit in _DIGITS.findall(everything):
        if not digit.isascii() and unicodedata.decimal(digit, None) is not None:
            table[ord(digit)] = str(unicodedata.decimal(digit))
    for low, high in _ARABIC_MARK_RANGES:
        for code in range(low, high):
            if unicodedata.category(chr(code)) == "Mn" and code not in _KEPT_ARABIC_MARKS:
                table[code] = None
    table[_TATWEEL] = None
    table.update({ord(c): None for c in _APOSTROPHES})
    table.update({ord(k): v for k, v in _LATIN_LETTERS.items()})
    return table


def normalise(text: str) -> str:
    """The canonical form of ``text`` for campaign detection (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        return " ".join(folded.translate(_ASCII_TABLE).split())
    stripped = unicodedata.normalize("NFD", folded.translate(_table()))
    stripped = unicodedata.normalize("NFC", _LOOSE_MARKS.sub("", stripped))
    return " ".join(stripped.split())


def _digest(normalised: str) -> bytes:
    data = normalised.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16, person=b"campaign-v1").digest()


def fingerprint(text: str) -> str:
    """The exact-campaign key of ``text``: 32 hex digits of BLAKE2b over the normalised text.

    Two answers have the same fingerprint when they are the same text up to case, punctuation,
    spacing, Latin accents, Arabic vowel marks and digit forms."""
    return _digest(normalise(text)).hex()


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignGroup:
    """Answers sharing one text, exactly or nearly.

    ``id`` is the smallest member id (stable when later answers arrive). ``member_ids`` are in
    input order. ``representative`` is the original text of the first answer with the most
    common normalised text; ``exact_count`` answers are identical to it after normalisation,
    and ``fingerprint`` is its :func:`fingerprint`. ``min_similarity`` is the smallest similarity
    between a member and the representative (1.0 for a group of exact copies): the Jaccard
    similarity of their shingle sets, or for texts a word or two apart ``1 - edits / tokens``
    when that is higher; ``distinct_texts`` counts the different normalised texts in the group.
    """

    id: ItemId
    size: int
    member_ids: tuple[ItemId, ...]
    representative: str
    exact_count: int
    min_similarity: float
    fingerprint: str
    distinct_texts: int

    @property
    def near_count(self) -> int:
        """Members that are near-duplicates rather than exact copies of the representative."""
        return self.size - self.exact_count


# --- hashing ---------------------------------------------------------------------------------

_U64 = np.uint64
_BASE = 0x9E3779B97F4A7C15  # odd, so invertible modulo 2**64
_COMBINE = _U64(0x100000001B3)  # > 2**32: combining two 32-bit values is injective
_WORD_DOMAIN = _U64(0x5752_4453_3347_5241)
_CHAR_DOMAIN = _U64(0x4348_4152_3547_5241)
_LOW32 = _U64(0xFFFFFFFF)
_WORDS, _CHARS, _SPACELESS = 1, 2, 3  # shingle modes (spaceless texts shingle as _CHARS)
_EDIT_WORDS, _EDIT_CHARS = 1, 2  # what the edit check counts: words, or characters
_EDIT_DOMAIN = _U64(0x4544_4954_5345_474D)
_EDIT_RATIO = 6  # at most one edit per six tokens
_EDIT_MAX_WORDS = 64  # longer texts: word 3-gram Jaccard already survives two edits
_EDIT_MAX_CHARS = 200  # longer spaceless texts: character 5-gram Jaccard survives four
_EDIT_CHUNK = 2048  # texts probed together (words: 75 probes each; characters: 405)
_EDIT_PAIRS = 1 << 14  # pairs compared together by the banded edit distance
_RECALL_AT_THRESHOLD = 0.9999
_WINDOW = 8  # neighbours paired inside an LSH bucket
_VERIFY_ELEMENTS = 1 << 19  # shingles per exact-Jaccard chunk (~16 MB of temporaries)
_BATCH_CHARS = 1 << 19  # characters sketched together (~20 MB of temporaries)
_SPOOL_MEMORY = 8 << 20


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, vectorised (wrapping uint64 arithmetic)."""
    x = x ^ (x >> _U64(30))
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


def _code_points(text: str) -> np.ndarray:
    """Code points + 1 as uint64, with spaces as 0."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32).astype(np.uint64)
    codes += _U64(1)
    codes[codes == 33] = 0
    return codes


def _powers(base: int, size: int) -> np.ndarray:
    """base**i modulo 2**64 for i < size."""
    powers = np.empty(size, np.uint64)
    powers[0] = 1
    powers[1:] = _U64(base)
    return np.multiply.accumulate(powers, out=powers)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    values = np.sort(values)
    if values.size:
        values = values[np.r_[True, values[1:] != values[:-1]]]
    return values


def _banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows): the most selective banding that still finds a pair at ``threshold``."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1 - (1 - threshold**rows) ** bands >= _RECALL_AT_THRESHOLD:
            return bands, rows
    return num_perm, 1


class _Sketcher:
    """Shingles, MinHash signatures and LSH band keys for batches of normalised texts."""

    def __init__(
        self, word_ngram: int, char_ngram: int, num_perm: int, bands: int, rows: int, seed: int
    ):
        rng = np.random.default_rng([seed, 0xCA4A16])
        top = np.iinfo(np.uint64).max
        self.mul = rng.integers(0, top, num_perm, dtype=np.uint64, endpoint=True)
        self.add = rng.integers(0, top, num_perm, dtype=np.uint64, endpoint=True)
        self.word_ngram, self.char_ngram = word_ngram, char_ngram
        self.bands, self.rows = bands, rows
        self._powers = _powers(_BASE, 64)

    def _powers_below(self, n: int) -> np.ndarray:
        if self._powers.size < n:
            self._powers = _powers(_BASE, max(n, 2 * self._powers.size))
        return self._powers

    def _word_tokens(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(64-bit hash per word, words per text). A word's hash is sum (c_j + 1) * B**j over
        its code points c_j (spaces count 0), one ``add.reduceat`` for the whole batch."""
        codes = _code_points(" ".join(docs))
        space = codes == 0
        starts = np.r_[0, np.flatnonzero(space) + 1]
        lengths = np.diff(np.r_[starts, codes.size]).astype(np.int32)
        offset = np.arange(codes.size, dtype=np.int32) - np.repeat(starts.astype(np.int32), lengths)
        codes *= self._powers_below(int(lengths.max()))[offset]
        del offset
        tokens = _mix(np.add.reduceat(codes, starts))
        del codes
        words = np.fromiter((d.count(" ") + 1 for d in docs), np.intp, len(docs))
        return tokens, words

    def _word_shingles(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text, hash) per word n-gram."""
        tokens, words = self._word_tokens(docs)
        token_doc = np.repeat(np.arange(len(docs)), words)
        n = self.word_ngram
        m = tokens.size - n + 1
        shingles = tokens[:m].copy()
        for k in range(1, n):
            shingles = shingles * _COMBINE + tokens[k : k + m]
        inside = token_doc[:m] == token_doc[n - 1 :]
        return token_doc[:m][inside], _mix(shingles[inside] ^ _WORD_DOMAIN)

    def _char_shingles(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text, hash) per character n-gram, including spaces; a text shorter than n is one
        shingle. Texts are joined with n - 1 NULs (which count 0) between them."""
        k = self.char_ngram
        codes = _code_points(("\0" * (k - 1)).join(docs) + "\0" * (k - 1))
        codes[codes == 1] = 0  # NUL; a normalised text has no control characters
        powers = self._powers_below(k)
        windows = codes[: codes.size - k + 1].copy()
        for j in range(1, k):
            windows += codes[j : j + windows.size] * powers[j]
        lengths = np.fromiter(map(len, docs), np.intp, len(docs))
        doc = np.repeat(np.arange(len(docs)), lengths + k - 1)[: windows.size]
        position = (
            np.arange(windows.size)
            - np.repeat(np.cumsum(lengths + k - 1) - lengths - k + 1, lengths + k - 1)[
                : windows.size
            ]
        )
        length = lengths[doc]
        valid = (position + k <= length) | ((position == 0) & (length < k))
        return doc[valid], _mix(windows[valid] ^ _CHAR_DOMAIN)

    def sketch(self, docs: list[str], modes: list[int]):
        """(shingle counts per text, their sorted 32-bit shingles, band keys n x bands)."""
        parts = []
        for mode, shingler in ((_WORDS, self._word_shingles), (_CHARS, self._char_shingles)):
            chosen = np.array(
                [i for i, m in enumerate(modes) if (_CHARS if m == _SPACELESS else m) == mode],
                np.intp,
            )
            if chosen.size:
                local, hashes = shingler([docs[i] for i in chosen])
                parts.append((chosen[local].astype(np.uint64) << _U64(32)) | (hashes >> _U64(32)))
        keys = _sorted_unique(np.concatenate(parts))
        counts = np.bincount((keys >> _U64(32)).astype(np.intp), minlength=len(docs))
        shingles = (keys & _LOW32).astype(np.uint32)
        return counts, shingles, self._band_keys(self._signatures(counts, shingles))

    def edit_tokens(self, docs: list[str], kinds: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(tokens per text, the tokens in text order) for the edit check: 32-bit word hashes
        for kind _EDIT_WORDS, code points for _EDIT_CHARS, nothing for kind 0."""
        owners, values = [], []
        words = np.array([i for i, k in enumerate(kinds) if k == _EDIT_WORDS], np.intp)
        if words.size:
            tokens, lengths = self._word_tokens([docs[i] for i in words])
            owners.append(np.repeat(words, lengths))
            values.append((tokens >> _U64(32)).astype(np.uint32))
        chars = np.array([i for i, k in enumerate(kinds) if k == _EDIT_CHARS], np.intp)
        if chars.size:
            chosen = [docs[i] for i in chars]
            lengths = np.fromiter(map(len, chosen), np.intp, len(chosen))
            owners.append(np.repeat(chars, lengths))
            values.append(np.frombuffer("".join(chosen).encode("utf-32-le"), np.uint32))
        if not owners:
            return np.zeros(len(docs), np.int64), np.empty(0, np.uint32)
        owner = np.concatenate(owners)
        order = np.argsort(owner, kind="stable")
        counts = np.bincount(owner, minlength=len(docs)).astype(np.int64)
        return counts, np.concatenate(values)[order]

    def _signatures(self, counts: np.ndarray, shingles: np.ndarray) -> np.ndarray:
        """MinHash, one hash function at a time over contiguous memory (measured fastest):
        per text, the minimum of ((a * x + b) mod 2**64) >> 32 over its shingles x.
        Returns num_perm x texts."""
        starts = np.cumsum(counts) - counts
        x = shingles.astype(np.uint64)
        hashed = np.empty_like(x)
        signatures = np.empty((self.mul.size, counts.size), np.uint64)
        for k, (mul, add) in enumerate(zip(self.mul, self.add, strict=True)):
            np.multiply(x, mul, out=hashed)
            hashed += add
            hashed >>= _U64(32)
            signatures[k] = np.minimum.reduceat(hashed, starts)
        return signatures

    def _band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """texts x bands: a hash of each band's ``rows`` signature values."""
        rows = signatures[: self.bands * self.rows].reshape(self.bands, self.rows, -1)
        keys = rows[:, 0].copy()
        for r in range(1, self.rows):
            keys = keys * _COMBINE + rows[:, r]
        return np.ascontiguousarray(_mix(keys).T)


# --- verification and linking ----------------------------------------------------------------


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + n)`` for each start s and length n."""
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return shift + np.arange(lengths.sum())


def _jaccard(indptr: np.ndarray, shingles: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact Jaccard similarity of the shingle sets of texts a[k] and b[k], vectorised. Each
    set is sorted, so the sets tagged with their pair's number k form two sorted arrays, and
    one ``searchsorted`` counts the common shingles of every pair."""
    len_a = indptr[a + 1] - indptr[a]
    len_b = indptr[b + 1] - indptr[b]
    total = np.cumsum(len_a + len_b)
    out = np.empty(a.size)
    start = 0
    while start < a.size:
        base = total[start - 1] if start else 0
        stop = max(start + 1, int(np.searchsorted(total, base + _VERIFY_ELEMENTS, "right")))
        pair = np.arange(stop - start, dtype=np.uint64) << _U64(32)
        tagged = []
        for side, lengths in ((a, len_a), (b, len_b)):
            lengths = lengths[start:stop]
            values = shingles[_ranges(indptr[side[start:stop]], lengths)]
            tagged.append(np.repeat(pair, lengths) | values)
        in_a, in_b = tagged
        found = np.minimum(np.searchsorted(in_b, in_a), in_b.size - 1)
        hits = in_a[in_b[found] == in_a] >> _U64(32)
        common = np.bincount(hits.astype(np.intp), minlength=stop - start)
        out[start:stop] = common / (len_a[start:stop] + len_b[start:stop] - common)
        start = stop
    return out


def _components(n: int, left: list[np.ndarray], right: list[np.ndarray]) -> np.ndarray:
    if not left:
        return np.arange(n)
    i, j = np.concatenate(left), np.concatenate(right)
    graph = coo_array((np.ones(i.size, np.int8), (i, j)), shape=(n, n)).tocsr()
    return connected_components(graph, directed=False)[1]


def _link(
    band_keys: np.ndarray, indptr: np.ndarray, shingles: np.ndarray, threshold: float
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Component label per distinct text, linking LSH candidates verified by exact Jaccard;
    and the links (left and right ends)."""
    n = band_keys.shape[0]
    labels = np.arange(n)
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    rejected = np.empty(0, np.int64)
    for band in range(band_keys.shape[1]):
        column = band_keys[:, band]
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        same = ordered[1:] == ordered[:-1]
        if not same.any():
            continue
        run = np.r_[0, np.cumsum(~same)]
        for distance in range(1, _WINDOW + 1):
            paired = np.flatnonzero(run[:-distance] == run[distance:])
            if paired.size == 0:
                break
            i, j = order[paired], order[paired + distance]
            i, j = np.minimum(i, j), np.maximum(i, j)
            apart = labels[i] != labels[j]
            pairs = _sorted_unique(i[apart].astype(np.int64) * n + j[apart])
            if rejected.size and pairs.size:
                known = rejected[np.minimum(np.searchsorted(rejected, pairs), rejected.size - 1)]
                pairs = pairs[known != pairs]
            if pairs.size == 0:
                continue
            i, j = pairs // n, pairs % n
            similar = _jaccard(indptr, shingles, i, j) >= threshold
            failed = pairs[~similar]  # sorted, and new: merged in linear time
            rejected = np.insert(rejected, np.searchsorted(rejected, failed), failed)
            if similar.any():
                left.append(i[similar])
                right.append(j[similar])
                labels = _components(n, left, right)
    return labels, left, right


# --- the edit check ----------------------------------------------------------------------------


def _allowed_edits(lengths: np.ndarray, most: int) -> np.ndarray:
    """Edits allowed between texts of these many tokens: one per six tokens, at most ``most``."""
    return np.minimum(most, lengths // _EDIT_RATIO)


def _inverse(odd: int) -> int:
    """The inverse of an odd number modulo 2**64 (Newton's iteration)."""
    x = odd
    for _ in range(6):
        x = x * (2 - odd * x) % 2**64
    return x


def _segment_keys(
    texts: np.ndarray, indptr: np.ndarray, tokens: np.ndarray, most: int, kind: int, probe: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(key, text) of the pieces the pigeonhole filter compares.

    A text of n tokens that allows k = :func:`_allowed_edits` edits is cut into k + 1
    segments; its own keys (``probe=False``) hash each segment with n and the segment's number.
    Its probes hash, for every length n' within ``most`` of n, the window of this text where a
    partner of n' tokens would have each of its segments, shifted by up to k' tokens. Two texts
    at most k edits apart always share a key: k edits leave one of the k + 1 segments of the
    one untouched, and the edits before it shift it by at most k in the other."""
    lengths = (indptr[texts + 1] - indptr[texts]).astype(np.int64)
    offsets = np.cumsum(lengths) - lengths
    values = tokens[_ranges(indptr[texts], lengths)].astype(np.uint64) + _U64(1)
    size = values.size + 1
    prefix = np.zeros(size, np.uint64)
    np.cumsum(values * _powers(_BASE, size)[:-1], out=prefix[1:])
    unscale = _powers(_inverse(_BASE), size)
    if probe:
        grid = np.meshgrid(
            np.arange(-most, most + 1), np.arange(most + 1), np.arange(-most, most + 1)
        )
        longer, segment, shift = (axis.ravel() for axis in grid)
    else:
        segment = np.arange(most + 1)
        longer = shift = np.zeros_like(segment)
    partner = lengths[:, None] + longer
    allowed = _allowed_edits(partner, most)
    start = segment * partner // (allowed + 1) + shift
    end = (segment + 1) * partner // (allowed + 1) + shift
    valid = (
        (allowed >= 1)
        & (segment <= allowed)
        & (np.abs(shift) <= allowed)
        & (start >= 0)
        & (end <= lengths[:, None])
        & (end > start)
    )
    row, column = np.nonzero(valid)
    first = offsets[row] + start[row, column]
    last = offsets[row] + end[row, column]
    window = (prefix[last] - prefix[first]) * unscale[first]
    tag = partner[row, column].astype(np.uint64) * _U64(most + 1) + segment[column].astype(
        np.uint64
    )
    keys = _mix(window ^ _mix(tag ^ _U64(kind) ^ _EDIT_DOMAIN))
    return keys, texts[row]


def _edit_distances(
    indptr: np.ndarray, tokens: np.ndarray, a: np.ndarray, b: np.ndarray, band: int
) -> np.ndarray:
    """Levenshtein distance between the token sequences of texts a[k] and b[k], capped at
    ``band + 1`` (Ukkonen's band: only cells within ``band`` of the diagonal), vectorised over
    the pairs: one step per token of the longer first text, 2 * band + 1 cells each. Pairs
    leave once their whole band exceeds ``band`` (texts that share an opening, then differ,
    cost the opening and a few tokens more)."""
    out = np.full(a.size, band + 1, np.int64)
    cap = band + 1
    deltas = np.arange(-band, band + 1)
    for begin in range(0, a.size, _EDIT_PAIRS):
        result = out[begin : begin + _EDIT_PAIRS]
        aa, bb = a[begin : begin + _EDIT_PAIRS], b[begin : begin + _EDIT_PAIRS]
        len_a = (indptr[aa + 1] - indptr[aa]).astype(np.int64)
        len_b = (indptr[bb + 1] - indptr[bb]).astype(np.int64)
        result[len_a == 0] = np.minimum(len_b[len_a == 0], cap)
        live = np.flatnonzero((np.abs(len_b - len_a) <= band) & (len_a > 0))
        if live.size == 0:
            continue
        aa, bb, len_a, len_b = aa[live], bb[live], len_a[live], len_b[live]
        width = int(len_a.max())
        first = np.zeros((live.size, width), np.uint32)
        first[np.arange(width) < len_a[:, None]] = tokens[_ranges(indptr[aa], len_a)]
        second = np.zeros((live.size, width + 2 * band + 1), np.uint32)
        second[np.arange(second.shape[1]) < len_b[:, None]] = tokens[_ranges(indptr[bb], len_b)]
        previous = np.broadcast_to(np.where(deltas >= 0, deltas, cap), (live.size, deltas.size))
        previous = previous.astype(np.int16)
        for i in range(1, width + 1):
            j = i + deltas
            cost = first[:, i - 1, None] != second[:, np.clip(j - 1, 0, None)]
            current = previous + cost
            np.minimum(current[:, :-1], previous[:, 1:] + 1, out=current[:, :-1])
            current[:, j < 0] = cap
            current[:, j == 0] = min(i, cap)
            for column in range(1, deltas.size):
                np.minimum(current[:, column], current[:, column - 1] + 1, out=current[:, column])
            np.minimum(current, cap, out=current)
            done = len_a == i
            if done.any():
                result[live[done]] = current[done, len_b[done] - i + band]
            # A pair whose band is all above ``band`` stays there: its result is the cap.
            keep = ~done & (current.min(axis=1) < cap)
            if keep.sum() < 0.75 * live.size:
                if not keep.any():
                    break
                live, first, second = live[keep], first[keep], second[keep]
                len_a, len_b, current = len_a[keep], len_b[keep], current[keep]
            previous = current
    return out


def _link_edits(
    kinds: np.ndarray,
    indptr: np.ndarray,
    tokens: np.ndarray,
    copies: np.ndarray,
    labels: np.ndarray,
    left: list[np.ndarray],
    right: list[np.ndarray],
    max_edits: int,
) -> np.ndarray:
    """Labels after linking the texts at most a few edits apart (see the module docstring)."""
    n = kinds.size
    lengths = np.diff(indptr)
    for kind, most in ((_EDIT_WORDS, max_edits), (_EDIT_CHARS, 2 * max_edits)):
        texts = np.flatnonzero(kinds == kind)
        if texts.size < 2 or most < 1:
            continue
        chunks = [texts[i : i + _EDIT_CHUNK] for i in range(0, texts.size, _EDIT_CHUNK)]
        own = [_segment_keys(c, indptr, tokens, most, kind, probe=False) for c in chunks]
        own_keys = np.concatenate([k for k, _ in own])
        own_texts = np.concatenate([t for _, t in own])
        # In a bucket, the texts with the most copies first (the template of a campaign).
        order = np.lexsort((own_texts, -copies[own_texts], own_keys))
        own_keys, own_texts = own_keys[order], own_texts[order]
        rejected = np.empty(0, np.int64)
        for chunk in chunks:
            keys, mine = _segment_keys(chunk, indptr, tokens, most, kind, probe=True)
            order = np.argsort(keys)  # sorted needles: searchsorted walks memory in order
            keys, mine = keys[order], mine[order]
            low = np.searchsorted(own_keys, keys, "left")
            found = np.minimum(np.searchsorted(own_keys, keys, "right") - low, _WINDOW)
            probe = np.repeat(np.arange(keys.size), found)
            other = own_texts[
                low[probe] + np.arange(probe.size) - np.repeat(np.cumsum(found) - found, found)
            ]
            mine = mine[probe]
            i, j = np.minimum(mine, other), np.maximum(mine, other)
            keep = (i != j) & (labels[i] != labels[j])
            pairs = _sorted_unique(i[keep].astype(np.int64) * n + j[keep])
            if rejected.size and pairs.size:
                known = rejected[np.minimum(np.searchsorted(rejected, pairs), rejected.size - 1)]
                pairs = pairs[known != pairs]
            if pairs.size == 0:
                continue
            i, j = pairs // n, pairs % n
            allowed = _allowed_edits(np.minimum(lengths[i], lengths[j]), most)
            close = _edit_distances(indptr, tokens, i, j, most) <= allowed
            failed = pairs[~close]
            rejected = np.insert(rejected, np.searchsorted(rejected, failed), failed)
            if close.any():
                left.append(i[close])
                right.append(j[close])
                labels = _components(n, left, right)
    return labels


# --- grouping --------------------------------------------------------------------------------


def _mode(normalised: str, min_words: int, char_below_words: int, word_ngram: int) -> int | None:
    """How to shingle a normalised text, or None when it is too short to be a campaign."""
    if not normalised:
        return None
    words = normalised.count(" ") + 1
    if not normalised.isascii():
        letters = len(normalised) - words + 1
        if 3 * len(_SPACELESS_LETTERS.findall(normalised)) >= letters:
            return _SPACELESS if letters >= 2 * min_words else None
    if words < min_words:
        return None
    return _WORDS if words >= max(char_below_words, word_ngram) else _CHARS


def _edit_kind(normalised: str, mode: int) -> int:
    """What the edit check counts in this text: words, characters, or nothing (0)."""
    if mode == _WORDS and normalised.count(" ") < _EDIT_MAX_WORDS:
        return _EDIT_WORDS
    if mode == _SPACELESS and len(normalised) <= _EDIT_MAX_CHARS:
        return _EDIT_CHARS
    return 0


def _smallest(ids: list[ItemId]) -> ItemId:
    try:
        return min(ids)
    except TypeError:  # ids of mixed types
        return min(ids, key=repr)


def group(
    texts: Iterable[tuple[ItemId, str]],
    threshold: float = 0.8,
    min_size: int = 2,
    *,
    min_words: int = 5,
    word_ngram: int = 3,
    char_ngram: int = 5,
    char_below_words: int = 10,
    num_perm: int = 128,
    seed: int = 0,
    max_edits: int = 2,
) -> list[CampaignGroup]:
    """Campaigns among ``(id, text)`` answers: exact copies and near-identical texts.

    Two answers are near-identical when the Jaccard similarity of their shingle sets is at
    least ``threshold`` (verified exactly; MinHash only proposes pairs), or when the shorter
    has at most 64 words (200 characters without spaces) and they are at most one edit per six
    words and at most ``max_edits`` words (twice as many characters) apart; ``max_edits=0``
    turns that second check off. Groups are connected
    components of such pairs with at least ``min_size`` answers, largest first (ties: the one
    whose first member came first). Answers shorter than ``min_words`` words are ignored.
    ``texts`` is consumed once and may be a generator. See the module docstring.
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    if min_size < 1 or min_words < 1 or word_ngram < 1 or char_ngram < 1 or num_perm < 1:
        raise ValueError("min_size, min_words, word_ngram, char_ngram, num_perm must be >= 1")
    if max_edits < 0:
        raise ValueError("max_edits must be >= 0")
    bands, rows = _banding(threshold, num_perm)
    sketcher = _Sketcher(word_ngram, char_ngram, num_perm, bands, rows, seed)

    ids: list[ItemId] = []
    item_text = array("q")  # per answer: index of its distinct text
    text_index: dict[int, int] = {}  # 64-bit key of the normalised text -> index
    copies = array("q")  # per distinct text: number of answers
    spooled = array("q", [0])  # per distinct text: end offset of its original in the spool
    counts: list[np.ndarray] = []  # per batch: shingles per distinct text
    token_counts: list[np.ndarray] = []  # per batch: edit-check tokens per distinct text
    edit_kinds = array("b")  # per distinct text: what the edit check counts (0: nothing)
    pending: list[str] = []
    pending_modes: list[int] = []
    pending_chars = 0

    def flush() -> None:
        nonlocal pending_chars
        pending_chars = 0
        if pending:
            per_text, shingles, keys = sketcher.sketch(pending, pending_modes)
            counts.append(per_text)
            shingle_file.write(shingles.tobytes())
            key_file.write(keys.tobytes())
            per_text, tokens = sketcher.edit_tokens(pending, edit_kinds[-len(pending) :])
            token_counts.append(per_text)
            token_file.write(tokens.tobytes())
            pending.clear()
            pending_modes.clear()

    with (
        tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY) as spool,
        tempfile.TemporaryFile() as shingle_file,
        tempfile.TemporaryFile() as key_file,
        tempfile.TemporaryFile() as token_file,
    ):
        for item_id, text in texts:
            normalised = normalise(text)
            mode = _mode(normalised, min_words, char_below_words, word_ngram)
            if mode is None:
                continue
            key = int.from_bytes(_digest(normalised)[:8], "little")
            index = text_index.setdefault(key, len(text_index))
            if index == len(copies):
                copies.append(0)
                spooled.append(spooled[-1] + spool.write(text.encode("utf-8", "surrogatepass")))
                pending.append(normalised)
                pending_modes.append(mode)
                edit_kinds.append(_edit_kind(normalised, mode) if max_edits else 0)
                pending_chars += len(normalised)
                if pending_chars >= _BATCH_CHARS:
                    flush()
            copies[index] += 1
            ids.append(item_id)
            item_text.append(index)
        flush()
        if not ids:
            return []

        indptr = np.r_[0, np.cumsum(np.concatenate(counts))]
        shingle_file.flush()
        shingle_sets = np.memmap(shingle_file, np.uint32, "r").view(np.ndarray)
        key_file.seek(0)
        keys = np.frombuffer(key_file.read(), np.uint64).reshape(-1, bands)
        labels, left, right = _link(keys, indptr, shingle_sets, threshold)
        del keys
        copy_counts = np.frombuffer(copies, np.int64)
        kinds = np.frombuffer(edit_kinds, np.int8)
        token_indptr = np.r_[0, np.cumsum(np.concatenate(token_counts))]
        tokens = _read_all(token_file, np.uint32)
        labels = _link_edits(
            kinds, token_indptr, tokens, copy_counts, labels, left, right, max_edits
        )
        return _groups(
            ids,
            np.frombuffer(item_text, np.int64),
            copy_counts,
            labels,
            (indptr, shingle_sets),
            (kinds, token_indptr, tokens, max_edits),
            spool,
            spooled,
            min_size,
        )


def _read_all(file, dtype) -> np.ndarray:
    """A temporary file's contents as an array (memory-mapped; empty files cannot be)."""
    file.flush()
    if not file.tell():
        return np.empty(0, dtype)
    return np.memmap(file, dtype, "r").view(np.ndarray)


def _edit_similarity(kinds, indptr, tokens, max_edits, a, b) -> np.ndarray:
    """1 - edits / tokens of the longer text, for pairs at most the allowed edits apart
    (0 for the others, whose distance the banded computation does not give)."""
    out = np.zeros(a.size)
    lengths = np.diff(indptr)
    for kind, most in ((_EDIT_WORDS, max_edits), (_EDIT_CHARS, 2 * max_edits)):
        chosen = np.flatnonzero((kinds[a] == kind) & (kinds[b] == kind))
        if chosen.size == 0 or most < 1:
            continue
        i, j = a[chosen], b[chosen]
        distance = _edit_distances(indptr, tokens, i, j, most)
        longer = np.maximum(lengths[i], lengths[j])
        close = distance <= _allowed_edits(np.minimum(lengths[i], lengths[j]), most)
        out[chosen[close]] = 1 - distance[close] / longer[close]
    return out


def _groups(
    ids, item_text, copies, labels, shingled, edits, spool, spooled, min_size
) -> list[CampaignGroup]:
    indptr, shingles = shingled
    n_texts = copies.size
    sizes = np.bincount(labels, weights=copies).astype(np.int64)
    kept = sizes >= min_size
    if not kept.any():
        return []
    # Representative: most copies, then first seen.
    order = np.lexsort((np.arange(n_texts), -copies, labels))
    heads = np.r_[True, labels[order][1:] != labels[order][:-1]]
    representative = np.full(sizes.size, -1)
    representative[labels[order][heads]] = order[heads]

    others = np.flatnonzero(kept[labels] & (representative[labels] != np.arange(n_texts)))
    lowest = np.ones(sizes.size)
    if others.size:
        similarity = _jaccard(indptr, shingles, others, representative[labels[others]])
        similarity = np.maximum(
            similarity, _edit_similarity(*edits, others, representative[labels[others]])
        )
        np.minimum.at(lowest, labels[others], similarity)
    distinct = np.bincount(labels, minlength=sizes.size)

    item_group = labels[item_text]
    members = np.flatnonzero(kept[item_group])
    members = members[np.argsort(item_group[members], kind="stable")]
    bounds = np.flatnonzero(np.r_[True, item_group[members][1:] != item_group[members][:-1]])
    result = []
    for part in np.split(members, bounds[1:]):
        label = item_group[part[0]]
        rep = int(representative[label])
        spool.seek(spooled[rep])
        text = spool.read(spooled[rep + 1] - spooled[rep]).decode("utf-8", "surrogatepass")
        member_ids = [ids[k] for k in part]
        result.append(
            (
                int(part[0]),
                CampaignGroup(
                    id=_smallest(member_ids),
                    size=len(member_ids),
                    member_ids=tuple(member_ids),
                    representative=text,
                    exact_count=int(copies[rep]),
                    min_similarity=float(lowest[label]),
                    fingerprint=fingerprint(text),
                    distinct_texts=int(distinct[label]),
                ),
            )
        )
    result.sort(key=lambda pair: (-pair[1].size, pair[0]))
    return [g for _, g in result]
