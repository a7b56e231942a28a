"""Reviewer assignment as a small integer program (HiGHS through SciPy).

Model: one binary ``x[i, r]`` for every *allowed* (item, reviewer) pair, i.e.
not conflicted and not forbidden. Constraints: each item gets exactly ``k``
reviewers; each reviewer's load is ``floor(n*k/R)`` or ``ceil(n*k/R)``; pairs in
``fixed`` have ``x = 1``. Objective: maximise ``expertise_bonus * affinity`` plus
a tiny seeded perturbation.

Without extra constraints the matrix is that of a bipartite b-matching
(totally unimodular), so the LP relaxation already has integral vertices.

Why the perturbation: when many assignments tie (typically most affinities
are zero) the solver would hand out reviewers in blocks, and blocks make the
co-review graph fall apart. Random tie-breaking mixes reviewers. Its total
over a whole assignment is below half a unit of ``expertise_bonus``, so with
integer affinities (tag overlaps) it never gives up an expertise match.

Why connectivity: leniency normalisation compares reviewers through the items
they share. If the co-review graph (reviewers linked when they review a
common item) splits, two groups of reviewers are never compared. Repair, when
the first solution is split: swap two reviewers between an item of one part
and an item of another (loads, conflicts and fixed pairs stay as they are),
cheapest affinity loss first, until the graph is connected. If no swap joins
the parts, the exact model is solved instead: for each part C a cut "some
item has reviewers both inside and outside C" is added (lazy cut generation,
repeated until connected or proven impossible). ``connect_by="cuts"`` uses the
exact model straight away; it is slower (about 0.7 s at 400 x 10).

Speed: the model without cuts starts from each item's best ``k`` reviewers and
moves units between reviewers along shortest paths until the loads are
balanced (min-cost flow; exact, and in time about linear in the items when the
start is near balance: 400 -> 4,000 items about 5x). When the start is far from
balance it is solved as an LP with HiGHS dual simplex instead (presolve off: it
took ~90% of the time), whose vertex is integral (checked; ``milp`` is the
fallback); the simplex grows with the square of the items (27x for 10x).

The model and its fast path are in ``assignment_solver``, the connectivity repair in
``assignment_connect``; this module holds the data, the checks and :func:`assign`.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .assignment_connect import _components, _connect_by_cuts, _connect_by_swaps
from .assignment_solver import _Model

ItemId = Hashable
ReviewerId = Hashable
Pair = tuple[ItemId, ReviewerId]

_LIST_LIMIT = 20  # how many names an error message spells out


@dataclass(frozen=True)
class Item:
    """Something to review (an application, a nomination) with its tags (themes, languages)."""

    id: ItemId
    tags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", frozenset(self.tags))


@dataclass(frozen=True)
class Reviewer:
    """A committee or jury member with their tags (expertise, languages)."""

    id: ReviewerId
    tags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", frozenset(self.tags))


class AssignmentInfeasible(Exception):
    """No assignment meets the rules; ``reason`` says why in plain English (logs, tests).

    ``code`` and ``params`` say the same as data, for a caller that writes it in the reader's
    language (``participation.review.reasons``): this module knows no language. ``items`` and
    ``reviewers`` name the ids the problem is about (may be empty).
    """

    def __init__(
        self,
        reason: str,
        *,
        code: str = "",
        params: Mapping | None = None,
        items: Sequence[ItemId] = (),
        reviewers: Sequence[ReviewerId] = (),
    ) -> None:
        self.reason = reason
        self.code = code
        self.params = dict(params or {})
        self.items = tuple(items)
        self.reviewers = tuple(reviewers)
        super().__init__(reason)


@dataclass(frozen=True)
class AssignmentResult:
    """An assignment. Orders follow the input order of items and reviewers.

    ``connected`` is whether the co-review graph over reviewers with at least
    one item is connected; ``components`` lists its parts (one part when
    connected). ``connectivity_repair`` is ``"none"`` (the optimum was connected
    or connection was not asked for or impossible by counting), ``"swaps"``,
    ``"cuts"`` or ``"failed"`` (no assignment meeting the rules is connected).
    """

    pairs: tuple[Pair, ...]
    reviewers_by_item: dict[ItemId, tuple[ReviewerId, ...]]
    items_by_reviewer: dict[ReviewerId, tuple[ItemId, ...]]
    loads: dict[ReviewerId, int]
    load_range: tuple[int, int]
    total_affinity: float
    expertise_matches: int
    connected: bool
    components: tuple[tuple[ReviewerId, ...], ...] = field(default=())
    connectivity_repair: str = "none"


def tag_affinity(items: Sequence[Item], reviewers: Sequence[Reviewer]) -> np.ndarray:
    """Affinity matrix (items x reviewers): the number of tags they share."""
    # Tag incidence matrices and one sparse product: linear in the tags, not n x R sets.
    index: dict[str, int] = {}
    for reviewer in reviewers:
        for tag in reviewer.tags:
            index.setdefault(tag, len(index))
    reviewer_tags = _incidence([reviewer.tags for reviewer in reviewers], index)
    item_tags = _incidence([item.tags for item in items], index)
    return (item_tags @ reviewer_tags.T).toarray().astype(float)


def _incidence(tag_sets: Sequence[frozenset[str]], index: Mapping[str, int]) -> sparse.csr_array:
    """Rows x tags 0/1 matrix (tags missing from ``index`` are left out)."""
    rows, columns = [], []
    for row, tags in enumerate(tag_sets):
        for tag in tags:
            if tag in index:
                rows.append(row)
                columns.append(index[tag])
    return sparse.csr_array(
        (np.ones(len(rows), dtype=np.int32), (rows, columns)),
        shape=(len(tag_sets), len(index)),
    )


def assign(
    items: Sequence[Item],
    reviewers: Sequence[Reviewer],
    k: int,
    conflicts: Iterable[Pair] = (),
    expertise_bonus: float = 1.0,
    *,
    fixed: Iterable[Pair] = (),
    forbidden: Iterable[Pair] = (),
    affinity: Mapping[Pair, float] | np.ndarray | None = None,
    seed: int = 0,
    require_connected: bool = True,
    connect_by: Literal["swaps", "cuts"] = "swaps",
    max_connectivity_rounds: int = 10,
) -> AssignmentResult:
    """Give every item exactly ``k`` distinct reviewers with balanced loads.

    Guarantees (or :class:`AssignmentInfeasible` is raised): exactly ``k``
    reviewers per item; every load is ``floor(n*k/R)`` or ``ceil(n*k/R)``; no
    pair from ``conflicts`` or ``forbidden``; every pair from ``fixed``.
    Among such assignments it maximises total affinity (tag overlap unless
    ``affinity`` is given as a mapping of pairs or an items x reviewers array).

    Best effort: with ``k >= 2`` and ``require_connected`` the co-review graph
    is made connected if any assignment meeting the rules allows it;
    ``result.connected`` reports the outcome and ``result.connectivity_repair``
    how it was reached. Repaired by swaps, the affinity is close to, not
    always exactly, the best connected one; ``connect_by="cuts"`` gives the
    exact best. Connection is impossible when some reviewer must stay without
    items (``n*k < R``) and there is more than one item.

    Conflict and forbidden pairs naming unknown ids are ignored (they cannot
    be assigned anyway); fixed pairs naming unknown ids raise ``ValueError``.
    Same inputs (including order) and ``seed`` give the same result.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    item_index = _index_of(items, "item")
    reviewer_index = _index_of(reviewers, "reviewer")
    n, n_reviewers = len(items), len(reviewers)
    if n == 0:
        empty = np.zeros((0, n_reviewers))
        return _result(items, reviewers, empty.astype(bool), empty, "none")
    if n_reviewers == 0:
        raise AssignmentInfeasible(
            "there are no reviewers", code="no_reviewers", items=[item.id for item in items]
        )
    if k > n_reviewers:
        raise AssignmentInfeasible(
            f"each item needs {k} distinct reviewers but there are only {n_reviewers}",
            code="too_few_reviewers",
            params={"k": k, "reviewers": n_reviewers},
            items=[item.id for item in items],
        )

    blocked_by_conflict = _pair_mask(conflicts, item_index, reviewer_index, n, n_reviewers)
    blocked_by_rule = _pair_mask(forbidden, item_index, reviewer_index, n, n_reviewers)
    blocked = blocked_by_conflict | blocked_by_rule
    fixed_mask = _pair_mask(fixed, item_index, reviewer_index, n, n_reviewers, strict=True)
    floor_load, ceil_load = (n * k) // n_reviewers, -(-(n * k) // n_reviewers)

    _check_obvious_infeasibility(
        items, reviewers, k, blocked_by_conflict, blocked_by_rule, fixed_mask, ceil_load
    )

    affinity_matrix = _affinity_matrix(affinity, items, reviewers, item_index, reviewer_index)
    rng = np.random.default_rng(seed)
    amplitude = (expertise_bonus if expertise_bonus > 0 else 1.0) / (2 * n * k)
    weights = expertise_bonus * affinity_matrix + amplitude * rng.random((n, n_reviewers))

    model = _Model(~blocked, fixed_mask, weights, k, floor_load, ceil_load)
    chosen = model.solve_relaxation()
    if chosen is None:
        raise _diagnose_load_balance(model, items, reviewers)

    repair = "none"
    can_connect = k >= 2 and (floor_load >= 1 or n == 1)
    if require_connected and can_connect and len(_components(chosen)) > 1:
        repaired = None
        if connect_by == "swaps":
            repaired = _connect_by_swaps(chosen, ~blocked, fixed_mask, weights)
            repair = "swaps"
        if repaired is None:
            repaired = _connect_by_cuts(model, chosen, max_connectivity_rounds)
            repair = "cuts" if repaired is not None else "failed"
        if repaired is not None:
            chosen = repaired
    return _result(items, reviewers, chosen, affinity_matrix, repair)


def _index_of(entries: Sequence[Item] | Sequence[Reviewer], kind: str) -> dict[Hashable, int]:
    index: dict[Hashable, int] = {}
    for position, entry in enumerate(entries):
        if entry.id in index:
            raise ValueError(f"duplicate {kind} id {entry.id!r}")
        index[entry.id] = position
    return index


def _pair_mask(
    pairs: Iterable[Pair],
    item_index: Mapping[Hashable, int],
    reviewer_index: Mapping[Hashable, int],
    n: int,
    n_reviewers: int,
    *,
    strict: bool = False,
) -> np.ndarray:
    mask = np.zeros((n, n_reviewers), bool)
    for item_id, reviewer_id in pairs:
        i, r = item_index.get(item_id), reviewer_index.get(reviewer_id)
        if i is None or r is None:
            if strict:
                raise ValueError(f"fixed pair names an unknown id: {(item_id, reviewer_id)!r}")
            continue
        mask[i, r] = True
    return mask


def _affinity_matrix(
    affinity: Mapping[Pair, float] | np.ndarray | None,
    items: Sequence[Item],
    reviewers: Sequence[Reviewer],
    item_index: Mapping[Hashable, int],
    reviewer_index: Mapping[Hashable, int],
) -> np.ndarray:
    shape = (len(items), len(reviewers))
    if affinity is None:
        return tag_affinity(items, reviewers)
    if isinstance(affinity, Mapping):
        matrix = np.zeros(shape)
        for (item_id, reviewer_id), value in affinity.items():
            if item_id not in item_index or reviewer_id not in reviewer_index:
                raise ValueError(f"affinity names an unknown pair {(item_id, reviewer_id)!r}")
            matrix[item_index[item_id], reviewer_index[reviewer_id]] = value
        return matrix
    matrix = np.asarray(affinity, dtype=float)
    if matrix.shape != shape:
        raise ValueError(f"affinity matrix has shape {matrix.shape}, expected {shape}")
    if not np.isfinite(matrix).all():
        raise ValueError("affinity matrix must be finite")
    return matrix


def _names(ids: Sequence[Hashable]) -> str:
    shown = ", ".join(repr(i) for i in ids[:_LIST_LIMIT])
    more = len(ids) - _LIST_LIMIT
    return shown + (f" and {more} more" if more > 0 else "")


def _check_obvious_infeasibility(
    items: Sequence[Item],
    reviewers: Sequence[Reviewer],
    k: int,
    blocked_by_conflict: np.ndarray,
    blocked_by_rule: np.ndarray,
    fixed_mask: np.ndarray,
    ceil_load: int,
) -> None:
    """Raise with a precise reason for the failures that can be named item by item."""
    item_ids = [item.id for item in items]
    reviewer_ids = [reviewer.id for reviewer in reviewers]
    for blocked, why in ((blocked_by_conflict, "conflicted"), (blocked_by_rule, "forbidden")):
        bad = np.argwhere(fixed_mask & blocked)
        if len(bad):
            pairs = [(item_ids[i], reviewer_ids[r]) for i, r in bad]
            raise AssignmentInfeasible(
                f"fixed pairs are also {why}: {_names(pairs)}",
                code=f"fixed_{why}",
                params={"pairs": pairs},
                items=[p[0] for p in pairs],
                reviewers=[p[1] for p in pairs],
            )
    allowed_count = (~(blocked_by_conflict | blocked_by_rule)).sum(axis=1)
    short = np.flatnonzero(allowed_count < k)
    if len(short):
        details = [f"{item_ids[i]!r} ({allowed_count[i]} allowed)" for i in short[:_LIST_LIMIT]]
        more = len(short) - _LIST_LIMIT
        raise AssignmentInfeasible(
            f"{len(short)} item(s) cannot get {k} reviewers without a conflict or forbidden "
            f"pair: " + ", ".join(details) + (f" and {more} more" if more > 0 else ""),
            code="items_short",
            params={
                "k": k,
                "allowed": [(item_ids[i], int(allowed_count[i])) for i in short],
            },
            items=[item_ids[i] for i in short],
        )
    over_fixed = np.flatnonzero(fixed_mask.sum(axis=1) > k)
    if len(over_fixed):
        names = [item_ids[i] for i in over_fixed]
        raise AssignmentInfeasible(
            f"item(s) with more than {k} fixed reviewers: {_names(names)}",
            code="too_many_fixed",
            params={"k": k, "items": names},
            items=names,
        )
    overloaded = np.flatnonzero(fixed_mask.sum(axis=0) > ceil_load)
    if len(overloaded):
        names = [reviewer_ids[r] for r in overloaded]
        raise AssignmentInfeasible(
            f"reviewer(s) with more fixed items than the balanced load of at most {ceil_load}: "
            f"{_names(names)}",
            code="fixed_overload",
            params={"load": ceil_load, "reviewers": names},
            reviewers=names,
        )


def _diagnose_load_balance(
    model: _Model, items: Sequence[Item], reviewers: Sequence[Reviewer]
) -> AssignmentInfeasible:
    """Explain an infeasible model: which reviewers would need a load outside the bounds.

    Every item can be covered on its own (checked before), so the balance is
    what fails. A slack model that minimises load overflow and underflow
    names the reviewers whose load would have to change.
    """
    n_items, n_reviewers = model.shape
    n_pairs = len(model.flat)
    eye = sparse.identity(n_reviewers, format="csr")
    matrix = sparse.vstack(
        [
            sparse.hstack([model.item_rows, sparse.csr_array((n_items, 2 * n_reviewers))]),
            sparse.hstack([model.reviewer_rows, eye, -eye]),  # load + under - over
        ]
    ).tocsr()
    lower = np.concatenate([np.full(n_items, model.k), np.full(n_reviewers, model.floor_load)])
    upper = np.concatenate([np.full(n_items, model.k), np.full(n_reviewers, model.ceil_load)])
    cost = np.concatenate([np.zeros(n_pairs), np.ones(2 * n_reviewers)])
    outcome = milp(
        cost,
        integrality=np.concatenate([np.ones(n_pairs), np.zeros(2 * n_reviewers)]),
        bounds=Bounds(
            np.concatenate([model.lower, np.zeros(2 * n_reviewers)]),
            np.concatenate([np.ones(n_pairs), np.full(2 * n_reviewers, np.inf)]),
        ),
        constraints=LinearConstraint(matrix, lower, upper),
    )
    bounds_text = f"{model.floor_load} to {model.ceil_load}"
    if outcome.x is None:
        return AssignmentInfeasible(
            f"no assignment exists even without balanced loads ({bounds_text})",
            code="no_assignment",
            params={"low": model.floor_load, "high": model.ceil_load},
        )
    under = outcome.x[n_pairs : n_pairs + n_reviewers]
    over = outcome.x[n_pairs + n_reviewers :]
    off = np.flatnonzero((under > 0.5) | (over > 0.5))
    details, needs = [], []
    for r in off:
        load = (
            model.floor_load - round(under[r])
            if under[r] > 0.5
            else model.ceil_load + round(over[r])
        )
        needs.append((reviewers[r].id, int(load)))
    for reviewer_id, load in needs[:_LIST_LIMIT]:
        details.append(f"{reviewer_id!r} would need {load}")
    return AssignmentInfeasible(
        f"loads cannot be balanced ({bounds_text} items each) given the conflicts, forbidden "
        f"and fixed pairs: " + ", ".join(details),
        code="unbalanced_loads",
        params={"low": model.floor_load, "high": model.ceil_load, "needs": needs},
        reviewers=[reviewers[r].id for r in off],
    )


def _cut(values: list, counts: list[int]) -> list[tuple]:
    """``values`` cut into consecutive tuples of the given lengths."""
    ends = itertools.accumulate(counts)
    return [tuple(values[end - count : end]) for count, end in zip(counts, ends, strict=True)]


def _result(
    items: Sequence[Item],
    reviewers: Sequence[Reviewer],
    chosen: np.ndarray,
    affinity_matrix: np.ndarray,
    repair: str,
) -> AssignmentResult:
    item_ids = [item.id for item in items]
    reviewer_ids = [reviewer.id for reviewer in reviewers]
    # Ids of the chosen pairs in row order (items, then reviewers) and in column order,
    # cut per item and per reviewer with the counts: no Python loop over the matrix.
    rows, columns = np.nonzero(chosen)
    pair_items = [item_ids[i] for i in rows.tolist()]
    pair_reviewers = [reviewer_ids[r] for r in columns.tolist()]
    counts = chosen.sum(axis=0).tolist()
    reviewers_by_item = dict(
        zip(item_ids, _cut(pair_reviewers, chosen.sum(axis=1).tolist()), strict=True)
    )
    _, by_reviewer = np.nonzero(chosen.T)
    reviewer_items = [item_ids[i] for i in by_reviewer.tolist()]
    items_by_reviewer = dict(zip(reviewer_ids, _cut(reviewer_items, counts), strict=True))
    loads = dict(zip(reviewer_ids, counts, strict=True))
    load_values = counts or [0]
    components = _components(chosen)
    picked_affinity = affinity_matrix[chosen] if chosen.size else np.zeros(0)
    return AssignmentResult(
        pairs=tuple(zip(pair_items, pair_reviewers, strict=True)),
        reviewers_by_item=reviewers_by_item,
        items_by_reviewer=items_by_reviewer,
        loads=loads,
        load_range=(min(load_values), max(load_values)),
        total_affinity=float(picked_affinity.sum()),
        expertise_matches=int((picked_affinity > 0).sum()),
        connected=len(components) <= 1,
        components=tuple(tuple(reviewer_ids[r] for r in part) for part in components),
        connectivity_repair=repair,
    )
