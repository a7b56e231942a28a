"""Topics of free-text answers: plain ids and strings in, frozen dataclasses out, no Django.

:func:`find_topics` groups the answers to one open question into topics, each with its top
terms, its members, its size, its languages and the three to five answers that represent it
best. Editors then accept, rename, merge and split them (consultations.topics); the operators'
command ``analyse_answers`` calls the same function.

Method
------
1. **Units.** Each answer is read up to ``MAX_CHARS`` and normalised with
   :func:`participation.analysis.campaigns.normalise` (NFKC, casefold, punctuation and emoji
   out, Latin accents and Arabic vowel marks off, every script kept as it is). The answers of
   one campaign (``campaigns``: groups of ids, as :func:`campaigns.group` finds them) form one
   unit, and so do answers with the same normalised text: a letter sent 5,000 times weighs
   like one answer in the fit, and its size is shown beside it. Answers that tell nothing are
   skipped, with the reason (``REASONS``).
2. **Groups per language** (``languages``: id -> ISO code, "" when unknown): the words of two
   languages do not overlap, so one fit over all of them finds languages, not topics.
   Languages with fewer than ``min_language_units`` units are fitted together; when they are
   too few for that, each joins the group it shares most words with.
3. **Features**, script-agnostic: the words (split on spaces, after normalisation) and the
   character 3-grams inside words (with a boundary mark, so "logement" and "logements", or
   Arabic words with and without the article, share most of theirs), each TF-IDF weighted
   (sublinear term frequency; words in more than ``MAX_DF`` of the answers of a group are left
   out, and no stop-word list is needed: such words weigh little); each part is normalised, the
   character part weighted ``CHAR_WEIGHT``. The character n-grams
   are computed once per distinct word, not per answer: the answers' word counts times a
   word -> n-gram matrix give them (one sparse product instead of a Python loop over 30
   million characters).
4. **NMF** (scikit-learn, ``random_state`` fixed: the same input gives the same topics) with a
   generous number of components, fitted on at most ``FIT_SAMPLE`` units of the group (a fixed
   random sample), and every unit assigned to the component its vector is closest to, so the
   cost beyond the sample is one sparse product. Components whose centroids are alike are
   merged (a cosine past the group's median one by ``MERGE_SIMILARITY`` of the way to 1: in the
   tests halves of a topic are at 0.46-0.56 where two topics are under 0.1, and in the bench,
   whose answers mix in words of the other topics, at 0.9 where two topics are at ~0.45): a
   generous number of components that split a topic in two joins it again, and no number of
   topics has to be guessed right. Then every
   unit moves to the topic whose centroid it is closest to (one k-means round).
5. **Description**: the terms are the words that weigh most in the topic's centroid beyond
   their weight in the group's other topics (no stop-word list needed); the
   representatives are the members closest to it (one per unit, so a campaign shows once).

The result says what was left out: ``skipped`` maps a reason to the ids, and ``notes`` says
when a language group was too small.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .campaigns import _SPACELESS_LETTERS, normalise

__all__ = ["REASONS", "Topic", "TopicResult", "find_topics"]

ItemId = Hashable

MAX_CHARS = 10_000  # a topic shows in the first pages of an answer; time grows with length
FIT_SAMPLE = 3_000  # units a group's NMF is fitted on (250 per component); the rest assigned
MAX_TOPICS = 12  # components per language group before similar ones are merged
MIN_GROUP = 4  # units a group needs to be fitted
MERGE_SIMILARITY = 0.4  # how far past the group's typical similarity two components merge
CHAR_WEIGHT = 0.5
MAX_DF = 0.9  # words in more answers of a group tell no topic apart (and a topic of 60 % stays)
TERMS = 10
REPRESENTATIVES = 5
BATCH = 10_000

REASONS = {
    "empty": "empty answer",
    "no_words": "no letters (only emoji, punctuation or numbers)",
    "one_word": "a single word, however often repeated",
    "too_few": "too few answers in its language group to form a topic",
    "no_shared_words": "shares no word with the other answers",
}


@dataclass(frozen=True)
class Topic:
    """One topic. ``size`` counts answers; ``units`` counts them with every campaign and every
    set of identical texts once; ``campaigns`` gives each campaign in it as (its first id, its
    size). ``language`` is the language group it was found in ("" for the mixed group),
    ``languages`` the members' own languages with their counts."""

    label: str
    terms: tuple[str, ...]
    member_ids: tuple[ItemId, ...]
    representative_ids: tuple[ItemId, ...]
    size: int
    units: int
    language: str
    languages: dict[str, int] = field(default_factory=dict)
    campaigns: tuple[tuple[ItemId, int], ...] = ()


@dataclass(frozen=True)
class TopicResult:
    topics: tuple[Topic, ...]
    skipped: dict[str, tuple[ItemId, ...]]  # reason (a key of REASONS) -> ids
    answers: int
    notes: tuple[str, ...] = ()

    @property
    def skipped_counts(self) -> dict[str, int]:
        return {reason: len(ids) for reason, ids in self.skipped.items()}


@dataclass
class _Unit:
    text: str  # normalised
    member_ids: list
    language: str
    campaign: bool = False


def _reason(normalised: str) -> str | None:
    # Normalised text holds letters, digits, marks and spaces only (campaigns.normalise).
    if not normalised or normalised.replace(" ", "").isnumeric():
        return "no_words"
    first = normalised.split(" ", 1)[0]
    if (
        not normalised.replace(first, "").strip()  # cheap test first, exact one after
        and len(set(normalised.split())) < 2
        and not _SPACELESS_LETTERS.search(normalised)
    ):
        return "one_word"
    return None


def _units(
    answers: Iterable[tuple[ItemId, str]],
    languages: Mapping[ItemId, str],
    campaigns: Iterable[Sequence[ItemId]],
    skipped: dict[str, list],
) -> tuple[list[_Unit], int]:
    in_campaign = {}
    for number, members in enumerate(campaigns):
        if len(members) > 1:
            for member in members:
                in_campaign.setdefault(member, number)
    units: list[_Unit] = []
    by_key: dict[object, int] = {}
    count = 0
    for item_id, text in answers:
        count += 1
        if not text or not text.strip():
            skipped["empty"].append(item_id)
            continue
        normalised = normalise(text[:MAX_CHARS])
        reason = _reason(normalised)
        if reason:
            skipped[reason].append(item_id)
            continue
        campaign = in_campaign.get(item_id)
        key = ("campaign", campaign) if campaign is not None else normalised
        index = by_key.get(key)
        if index is None:
            by_key[key] = len(units)
            units.append(
                _Unit(normalised, [item_id], languages.get(item_id, "") or "", campaign is not None)
            )
        else:
            units[index].member_ids.append(item_id)
    return units, count


def _groups(units: list[_Unit], per_language: bool, min_language_units: int) -> dict[str, list]:
    if not per_language:
        return {"": list(range(len(units)))}
    by_language = defaultdict(list)
    for index, unit in enumerate(units):
        by_language[unit.language].append(index)
    groups = {"": []}
    for language, indices in sorted(by_language.items()):
        if language and len(indices) >= min_language_units:
            groups[language] = indices
        else:
            groups[""].extend(indices)
    groups[""].sort()
    return groups


def _place_leftovers(units: list[_Unit], groups: dict[str, list]) -> None:
    """Too few answers of rare or unknown languages to fit on their own: each joins the
    language group it shares most words with (a text detected as Russian among Ukrainian ones),
    if any; the rest stay behind and are skipped as too few."""
    leftovers = groups.get("", [])
    others = [language for language in groups if language]
    if not (0 < len(leftovers) < MIN_GROUP and others):
        return
    vocabularies = {
        language: {word for index in groups[language] for word in units[index].text.split()}
        for language in others
    }
    remaining = []
    for index in leftovers:
        words = set(units[index].text.split())
        best = max(others, key=lambda language: len(words & vocabularies[language]))
        if words & vocabularies[best]:
            groups[best].append(index)
        else:
            remaining.append(index)
    groups[""] = remaining


def _char_matrix(vocabulary: Sequence[str]) -> tuple[sparse.csr_array, int]:
    """Word -> character 3-grams (with boundary marks) counts, one row per word."""
    columns: dict[str, int] = {}
    rows, cols = [], []
    for row, word in enumerate(vocabulary):
        padded = f"<{word}>"
        for start in range(len(padded) - 2):
            rows.append(row)
            cols.append(columns.setdefault(padded[start : start + 3], len(columns)))
    data = np.ones(len(rows), dtype=np.float32)
    shape = (len(vocabulary), max(len(columns), 1))
    return sparse.csr_array((data, (rows, cols)), shape=shape), len(columns)


def _tfidf(counts: sparse.csr_array, max_df: float, min_df: int) -> sparse.csr_array:
    """Sublinear TF-IDF of the columns kept by document frequency, rows not normalised."""
    counts = sparse.csr_array(counts)
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = (df >= min_df) & (df <= max(max_df * n, min_df))
    idf = np.where(keep, np.log((1 + n) / (1 + df)) + 1, 0).astype(np.float32)
    tf = counts.copy()
    tf.data = (1 + np.log(tf.data)).astype(np.float32)
    weighted = sparse.csr_array(tf @ sparse.diags_array(idf))
    weighted.eliminate_zeros()
    return weighted, keep


def _normalise_rows(matrix: sparse.csr_array) -> sparse.csr_array:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.csr_array(sparse.diags_array(1 / norms) @ matrix)


def _features(texts: list[str]) -> tuple[sparse.csr_array, list[str], int]:
    """Normalised rows of word and character n-gram TF-IDF; the vocabulary (words first)."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectoriser = CountVectorizer(
        tokenizer=str.split, token_pattern=None, lowercase=False, dtype=np.float32
    )
    counts = sparse.csr_array(vectoriser.fit_transform(texts))
    vocabulary = list(vectoriser.get_feature_names_out())
    chars, _ = _char_matrix(vocabulary)
    min_df = 2 if len(texts) >= 10 else 1
    # One-letter tokens carry no topic as words (particles, letters of a list) but count in
    # the character n-grams.
    short = np.fromiter((len(word) < 2 for word in vocabulary), bool, len(vocabulary))
    words, kept = _tfidf(counts, max_df=MAX_DF, min_df=min_df)
    if short.any():
        words = sparse.csr_array(words @ sparse.diags_array((~short).astype(np.float32)))
        words.eliminate_zeros()
    grams, _ = _tfidf(counts @ chars, max_df=MAX_DF, min_df=min_df)
    # Each part normalised first, so CHAR_WEIGHT says how much the n-grams count (they are
    # many more than the words, and would otherwise outweigh them).
    parts = [_normalise_rows(words), _normalise_rows(grams) * CHAR_WEIGHT]
    matrix = sparse.hstack(parts, format="csr", dtype=np.float32)
    return _normalise_rows(matrix), vocabulary, len(vocabulary)


def _components(n_units: int, n_topics: int | None, max_topics: int) -> int:
    if n_topics:
        return max(1, min(n_topics, n_units))
    # Generous (merging joins what is split) but no more than the group can hold: 4 for 30
    # answers, 9 for 625, ``max_topics`` from 1,331 on.
    return max(1, min(max_topics, math.ceil(n_units ** (1 / 3) - 1e-9), n_units))


def _merge(centroids: np.ndarray, share: float) -> np.ndarray:
    """Labels joining components whose centroids are alike (single linkage). Alike is relative
    to the group: past the typical (median) similarity of two components by ``share`` of what
    is left up to 1, since answers in one language share words whatever their topic."""
    from scipy.sparse.csgraph import connected_components

    unit = _directions(centroids).T
    similar = unit @ unit.T
    if len(similar) < 3:
        return np.arange(len(similar))  # no group to measure against: both kept
    typical = float(np.median(similar[~np.eye(len(similar), dtype=bool)]))
    alike = similar >= typical + share * (1 - typical)
    return connected_components(sparse.csr_array(alike), directed=False)[1]


def _fit(
    matrix: sparse.csr_array, k: int, random_state: int, merge: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """The topic of each row (-1: no shared feature) and the topics' centroids."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    n = matrix.shape[0]
    rng = np.random.default_rng(random_state)
    sample = np.sort(rng.choice(n, FIT_SAMPLE, replace=False)) if n > FIT_SAMPLE else None
    fitted = matrix[sample] if sample is not None else matrix
    # NMF's SVD start needs no more components than rows and used columns.
    k = min(k, fitted.shape[0], len(np.unique(fitted.indices)))
    if k <= 1:
        components = np.asarray(fitted.sum(axis=0)).reshape(1, -1)
    else:
        model = NMF(
            n_components=k, init="nndsvda", random_state=random_state, max_iter=30, tol=1e-3
        )
        with warnings.catch_warnings():
            # Not converged to the tolerance in 30 rounds: its components still serve as
            # starting directions (every answer is then assigned to the closest).
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(fitted)
        components = model.components_
    labels, centroids = _assign(matrix, components)
    if merge is not None and len(centroids) > 1:
        joined = _merge(centroids, merge)
        if joined.max() + 1 < len(centroids):
            labels = np.where(labels >= 0, joined[np.maximum(labels, 0)], -1)
            centroids = _centroids(matrix, labels, joined.max() + 1)
    # One k-means round: every answer to the topic whose centroid it is closest to.
    return _assign(matrix, centroids)


def _centroids(matrix: sparse.csr_array, labels: np.ndarray, k: int) -> np.ndarray:
    member = labels >= 0
    rows = np.flatnonzero(member)
    onehot = sparse.csr_array(
        (np.ones(len(rows), dtype=np.float32), (labels[member], rows)), shape=(k, matrix.shape[0])
    )
    return np.asarray((onehot @ matrix).todense())


def _assign(matrix: sparse.csr_array, components: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not len(components):  # nothing shared: no topic
        return np.full(matrix.shape[0], -1), np.zeros((0, matrix.shape[1]), dtype=np.float32)
    directions = _directions(components)
    labels = np.empty(matrix.shape[0], dtype=np.int64)
    for start in range(0, matrix.shape[0], BATCH):
        scores = matrix[start : start + BATCH] @ directions
        best = scores.argmax(axis=1)
        best[scores.max(axis=1) <= 0] = -1
        labels[start : start + BATCH] = best
    used = np.unique(labels[labels >= 0])
    renumber = np.full(len(components), -1)
    renumber[used] = np.arange(len(used))
    labels = np.where(labels >= 0, renumber[np.maximum(labels, 0)], -1)
    return labels, _centroids(matrix, labels, len(used))


def _directions(centroids: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(centroids, axis=1)
    norms[norms == 0] = 1
    return (centroids / norms[:, None]).astype(np.float32).T


def _closeness(matrix: sparse.csr_array, labels: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Each row's cosine to its topic's centroid (rows are normalised), a batch at a time."""
    directions = _directions(centroids)
    found = np.zeros(matrix.shape[0], dtype=np.float32)
    for start in range(0, matrix.shape[0], BATCH):
        scores = matrix[start : start + BATCH] @ directions
        rows = labels[start : start + BATCH]
        placed = np.flatnonzero(rows >= 0)
        found[start + placed] = scores[placed, rows[placed]]
    return found


def _describe(
    units: list[_Unit],
    indices: list[int],
    matrix: sparse.csr_array,
    labels: np.ndarray,
    centroids: np.ndarray,
    vocabulary: list[str],
    language: str,
    languages: Mapping[ItemId, str],
) -> list[Topic]:
    n_words = len(vocabulary)
    closeness = _closeness(matrix, labels, centroids)
    # A term tells a topic apart by how much more it weighs there than in any other topic of
    # the group (words every topic uses, "the" or "our", rank low without a list of them).
    words = _directions(centroids[:, :n_words]).T
    others = np.zeros_like(words)
    if len(words) > 1:
        for number in range(len(words)):
            others[number] = np.delete(words, number, axis=0).max(axis=0)
    telling = words - others
    topics = []
    for number in range(len(centroids)):
        rows = np.flatnonzero(labels == number)
        if not len(rows):
            continue
        weights = telling[number]
        heaviest = np.argsort(-weights, kind="stable")[:TERMS]
        terms = tuple(vocabulary[i] for i in heaviest if weights[i] > 0)
        closest = rows[np.argsort(-closeness[rows], kind="stable")][:REPRESENTATIVES]
        members = [m for row in rows for m in units[indices[row]].member_ids]
        campaigns = tuple(
            (units[indices[row]].member_ids[0], len(units[indices[row]].member_ids))
            for row in rows
            if units[indices[row]].campaign
        )
        topics.append(
            Topic(
                label=" · ".join(terms[:3]),
                terms=terms,
                member_ids=tuple(members),
                representative_ids=tuple(units[indices[row]].member_ids[0] for row in closest),
                size=len(members),
                units=len(rows),
                language=language,
                languages=dict(Counter(languages.get(m, "") or "" for m in members)),
                campaigns=campaigns,
            )
        )
    return topics


def _fit_groups(units, groups, languages, n_topics, max_topics, random_state, report, skipped):
    """The topics of every language group, and notes on the groups too small to fit."""
    topics: list[Topic] = []
    notes = []
    total = max(1, len(units))
    done = 0
    for language, indices in groups.items():
        if not indices:
            continue
        if len(indices) < MIN_GROUP:
            skipped["too_few"].extend(m for i in indices for m in units[i].member_ids)
            notes.append(
                f"{len(indices)} distinct answers in group {language or 'mixed'!r}: "
                f"fewer than {MIN_GROUP}, no topic formed"
            )
            continue
        matrix, vocabulary, _n_words = _features([units[i].text for i in indices])
        k = _components(len(indices), n_topics, max_topics)
        merge = None if n_topics else MERGE_SIMILARITY
        labels, centroids = _fit(matrix, k, random_state, merge)
        for row in np.flatnonzero(labels < 0):
            skipped["no_shared_words"].extend(units[indices[row]].member_ids)
        topics += _describe(
            units, indices, matrix, labels, centroids, vocabulary, language, languages
        )
        done += len(indices)
        report(0.1 + 0.9 * done / total)
    return topics, notes


def find_topics(
    answers: Iterable[tuple[ItemId, str]],
    *,
    languages: Mapping[ItemId, str] | None = None,
    campaigns: Iterable[Sequence[ItemId]] = (),
    n_topics: int | None = None,
    per_language: bool = True,
    min_language_units: int = 10,
    max_topics: int = MAX_TOPICS,
    random_state: int = 0,
    progress: Callable[[float], None] | None = None,
) -> TopicResult:
    """The topics of ``answers`` ((id, text) pairs), largest first (see the module docstring).

    ``n_topics`` asks for that many topics per language group and turns merging off (splitting
    a topic in two asks for 2, with ``per_language=False``). ``progress`` is called with the
    share done, from 0 to 1."""
    from threadpoolctl import threadpool_limits

    report = progress or (lambda share: None)
    languages = languages or {}
    skipped: dict[str, list] = defaultdict(list)
    units, count = _units(answers, languages, campaigns, skipped)
    report(0.1)
    groups = _groups(units, per_language, min_language_units)
    _place_leftovers(units, groups)
    # One BLAS thread: the matrices are small, and on a shared 2-core machine threads cost more
    # than they give (10,000 answers under load: 5.9 s with two threads, 2.3 s with one).
    with threadpool_limits(limits=1):
        topics, notes = _fit_groups(
            units, groups, languages, n_topics, max_topics, random_state, report, skipped
        )
    topics.sort(key=lambda topic: (-topic.units, -topic.size, topic.language, topic.terms))
    report(1.0)
    return TopicResult(
        topics=tuple(topics),
        skipped={reason: tuple(ids) for reason, ids in skipped.items() if ids},
        answers=count,
        notes=tuple(notes),
    )
