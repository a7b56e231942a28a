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
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import connected_components

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


def _connect_by_swaps(
    chosen: np.ndarray,
    allowed: np.ndarray,
    fixed_mask: np.ndarray,
    weights: np.ndarray,
    max_attempts: int = 100,
) -> np.ndarray | None:
    """Join the co-review graph's parts by reviewer swaps; None if a part cannot be joined.

    A swap takes reviewer ``a`` off item ``i`` (in the first part) and ``b`` off
    item ``j`` (elsewhere) and gives ``b`` to ``i`` and ``a`` to ``j``. Loads and
    per-item counts are unchanged; conflicted, forbidden and fixed pairs are
    never touched. Swaps are tried cheapest affinity loss first and kept
    only if the number of parts drops, so the loop ends.
    """
    chosen = chosen.copy()
    while True:
        components = _components(chosen)
        if len(components) <= 1:
            return chosen
        label = np.full(chosen.shape[1], -1)
        for number, part in enumerate(components):
            label[part] = number
        movable = np.argwhere(chosen & ~fixed_mask)
        first = label[movable[:, 1]] == 0
        inside, outside = movable[first], movable[~first]
        inside, outside = _cheapest(inside, weights), _cheapest(outside, weights)
        i, a = inside[:, :1], inside[:, 1:2]  # columns: broadcast against rows below
        j, b = outside[:, 0][None, :], outside[:, 1][None, :]
        valid = allowed[i, b] & allowed[j, a] & ~chosen[i, b] & ~chosen[j, a]
        loss = weights[i, a] + weights[j, b] - weights[i, b] - weights[j, a]
        loss = np.where(valid, loss, np.inf)
        # A swap fails to join the parts only if both items were bridges inside
        # their own part, which is rare: after a few failures, leave it to the cuts.
        for flat in np.argsort(loss, axis=None, kind="stable")[:max_attempts]:
            p, q = np.unravel_index(flat, loss.shape)
            if not np.isfinite(loss[p, q]):
                return None
            ii, aa, jj, bb = int(i[p, 0]), int(a[p, 0]), int(j[0, q]), int(b[0, q])
            chosen[ii, aa] = chosen[jj, bb] = False
            chosen[ii, bb] = chosen[jj, aa] = True
            if len(_components(chosen)) < len(components):
                break
            chosen[ii, aa] = chosen[jj, bb] = True  # undo, try the next swap
            chosen[ii, bb] = chosen[jj, aa] = False
        else:
            return None


def _cheapest(pairs: np.ndarray, weights: np.ndarray, limit: int = 1500) -> np.ndarray:
    """At most ``limit`` pairs, the ones that cost least to give up (keeps swaps O(limit^2))."""
    if len(pairs) <= limit:
        return pairs
    order = np.argsort(weights[pairs[:, 0], pairs[:, 1]], kind="stable")
    return pairs[np.sort(order[:limit])]


def _connect_by_cuts(model: _Model, chosen: np.ndarray, max_rounds: int) -> np.ndarray | None:
    """Best connected assignment by lazy cut generation; None if none exists (or rounds run out)."""
    n_reviewers = chosen.shape[1]
    cuts: list[np.ndarray] = []
    for _ in range(max_rounds):
        components = _components(chosen)
        if len(components) <= 1:
            return chosen
        # One cut per part except the last: for two parts one cut suffices.
        for component in components[:-1]:
            in_component = np.zeros(n_reviewers, bool)
            in_component[component] = True
            cuts.append(in_component)
        solution = model.solve(cuts=cuts)
        if solution is None:  # no connected assignment exists under the rules
            return None
        chosen = solution
    return chosen if len(_components(chosen)) <= 1 else None


class _Model:
    """The b-matching integer program, with optional connectivity cuts."""

    def __init__(
        self,
        allowed: np.ndarray,
        fixed_mask: np.ndarray,
        weights: np.ndarray,
        k: int,
        floor_load: int,
        ceil_load: int,
    ) -> None:
        self.shape = allowed.shape
        flat = np.flatnonzero(allowed.ravel())
        self.pair_item, self.pair_reviewer = np.divmod(flat, self.shape[1])
        self.flat = flat
        n_pairs = len(flat)
        columns = np.arange(n_pairs)
        ones = np.ones(n_pairs)
        self.item_rows = sparse.csr_array(
            (ones, (self.pair_item, columns)), shape=(self.shape[0], n_pairs)
        )
        self.reviewer_rows = sparse.csr_array(
            (ones, (self.pair_reviewer, columns)), shape=(self.shape[1], n_pairs)
        )
        self.lower = fixed_mask.ravel()[flat].astype(float)
        self.cost = -weights.ravel()[flat]
        self.k, self.floor_load, self.ceil_load = k, floor_load, ceil_load
        self.allowed, self.fixed_mask, self.weights = allowed, fixed_mask, weights

    def solve_relaxation(self) -> np.ndarray | None:
        """Solve the model without cuts; None when infeasible.

        By moves from the greedy start (:func:`_solve_by_moves`) when it is close to
        balanced, else (and to prove infeasibility) as an LP.
        """
        chosen = _solve_by_moves(self)
        if chosen is not None:
            return chosen
        return self._solve_lp()

    def _solve_lp(self) -> np.ndarray | None:
        """The model as an LP (integral vertices); None when infeasible.

        Several times faster than ``milp`` on the same model. A fractional
        answer (not expected) falls back to ``milp``.
        """
        n_items, n_reviewers = self.shape
        balanced = self.floor_load == self.ceil_load
        equal_rows = [self.item_rows] + ([self.reviewer_rows] if balanced else [])
        equal_rhs = [np.full(n_items, self.k)] + (
            [np.full(n_reviewers, self.floor_load)] if balanced else []
        )
        upper_rows = None if balanced else sparse.vstack([self.reviewer_rows, -self.reviewer_rows])
        upper_rhs = (
            None
            if balanced
            else np.concatenate(
                [np.full(n_reviewers, self.ceil_load), np.full(n_reviewers, -self.floor_load)]
            )
        )
        outcome = linprog(
            self.cost,
            A_ub=upper_rows,
            b_ub=upper_rhs,
            A_eq=sparse.vstack(equal_rows),
            b_eq=np.concatenate(equal_rhs),
            bounds=np.column_stack([self.lower, np.ones(len(self.flat))]),
            method="highs-ds",
            # Presolve costs ~10x the solve itself on this small, dense-ish model.
            options={"presolve": False},
        )
        if outcome.status == 2:
            return None
        if outcome.x is None or np.abs(outcome.x - np.round(outcome.x)).max() > 1e-6:
            return self.solve(cuts=[])
        return self._chosen(outcome.x)

    def _chosen(self, x: np.ndarray) -> np.ndarray:
        chosen = np.zeros(self.shape, bool)
        picked = x[: len(self.flat)] > 0.5
        chosen[self.pair_item[picked], self.pair_reviewer[picked]] = True
        return chosen

    def solve(self, cuts: list[np.ndarray]) -> np.ndarray | None:
        """Chosen-pair mask (items x reviewers), or None when infeasible."""
        n_items, n_pairs = self.shape[0], len(self.flat)
        n_extra = n_items * len(cuts)
        zero_block = sparse.csr_array((n_items, n_extra))
        rows = [
            sparse.hstack([self.item_rows, zero_block]),
            sparse.hstack([self.reviewer_rows, sparse.csr_array((self.shape[1], n_extra))]),
        ]
        lower = [np.full(n_items, self.k), np.full(self.shape[1], self.floor_load)]
        upper = [np.full(n_items, self.k), np.full(self.shape[1], self.ceil_load)]
        for j, in_component in enumerate(cuts):
            rows.append(self._cut_rows(in_component, j, n_extra))
            lower.append(np.concatenate([np.full(2 * n_items, -np.inf), [1.0]]))
            upper.append(np.concatenate([np.zeros(2 * n_items), [np.inf]]))
        constraint = LinearConstraint(
            sparse.vstack(rows).tocsr(), np.concatenate(lower), np.concatenate(upper)
        )
        integrality = np.concatenate([np.ones(n_pairs), np.zeros(n_extra)])
        bounds = Bounds(np.concatenate([self.lower, np.zeros(n_extra)]), np.ones(n_pairs + n_extra))
        cost = np.concatenate([self.cost, np.zeros(n_extra)])
        outcome = milp(
            cost,
            integrality=integrality,
            bounds=bounds,
            constraints=constraint,
            options={"mip_rel_gap": 1e-9},
        )
        return None if outcome.x is None else self._chosen(outcome.x)

    def _cut_rows(self, in_component: np.ndarray, j: int, n_extra: int) -> sparse.csr_array:
        """Rows ``z_i <= inside_i``, ``z_i <= outside_i`` and ``sum z >= 1`` for cut ``j``.

        ``z_i`` may be positive only if item ``i`` has a reviewer on both sides,
        so ``sum z >= 1`` forces some item to bridge the component.
        """
        n_items, n_pairs = self.shape[0], len(self.flat)
        inside = in_component[self.pair_reviewer]
        pair_columns = np.arange(n_pairs)
        z_columns = n_pairs + j * n_items + np.arange(n_items)
        row_ids = np.concatenate(
            [
                self.pair_item[inside],  # -x for pairs inside, rows 0..n-1
                n_items + self.pair_item[~inside],  # -x for pairs outside, rows n..2n-1
                np.arange(n_items),
                n_items + np.arange(n_items),
                np.full(n_items, 2 * n_items),
            ]
        )
        col_ids = np.concatenate(
            [pair_columns[inside], pair_columns[~inside], z_columns, z_columns, z_columns]
        )
        values = np.concatenate(
            [-np.ones(inside.sum()), -np.ones((~inside).sum()), np.ones(3 * n_items)]
        )
        return sparse.csr_array(
            (values, (row_ids, col_ids)), shape=(2 * n_items + 1, n_pairs + n_extra)
        )


# Moves are kept only while the greedy start is this close to balanced (units out of bounds
# per item); farther off, the LP is faster than one shortest path per unit.
_MOVES_PER_ITEM = 0.5
# Arc orders hold items x reviewers^2 positions: above this, leave it to the LP.
_MOVES_MAX_POSITIONS = 20_000_000


def _solve_by_moves(model: _Model) -> np.ndarray | None:
    """Optimal chosen-pair mask by successive shortest paths, or None (the caller's LP decides).

    Why: dual simplex on the whole model makes about one pivot per item and each pivot
    costs time in proportion to the items, so its time grows with their square (27x
    from 400 to 4,000 items). This is a min-cost flow with few reviewers, and a better
    start is at hand: each item takes its ``k`` best allowed reviewers (fixed pairs
    first), which is optimal for the loads it gives, only unbalanced (at 4,000 items of
    the bench about 250 units out of bounds). Units then move from reviewer to reviewer
    one at a time along a cheapest chain of moves "item i leaves a for b" (cost
    ``w[i, a] - w[i, b]``) on a graph of reviewers only, whose arc a -> b costs its
    cheapest such move. Loads outside their bounds cost ``big`` a unit, so every
    path fixes a unit out of bounds while one remains; then paths that gain are taken
    until none is left. Each is a shortest path in the flow's residual network, so no
    negative cycle ever appears and the end is optimal (successive shortest paths for a
    separable convex cost). None when too far from balanced, or when loads stay out
    of bounds (infeasible: the LP explains it).
    """
    n_items, n_reviewers = model.shape
    if n_items * n_reviewers**2 > _MOVES_MAX_POSITIONS:
        return None
    allowed, fixed, weights = model.allowed, model.fixed_mask, model.weights
    low, high = model.floor_load, model.ceil_load
    chosen = _best_k(model)
    loads = chosen.sum(axis=0)
    outside = np.maximum(loads - high, 0).sum() + np.maximum(low - loads, 0).sum()
    budget = int(outside) + n_items // 10 + n_reviewers
    if outside > _MOVES_PER_ITEM * n_items:
        return None
    spread = float(weights[allowed].max() - weights[allowed].min()) if allowed.any() else 0.0
    big = 2.0 * n_reviewers * (spread + 1.0)  # more than any chain of moves can gain
    epsilon = 1e-12 * big
    arcs = _MoveArcs(chosen, allowed, fixed, weights)
    reviewers = np.arange(n_reviewers)
    for _ in range(budget):
        # Cost of a unit leaving (entering) each reviewer: -big when that mends a bound.
        leave = np.where(loads > high, -big, np.where(loads > low, 0.0, big))
        enter = np.where(loads < low, -big, np.where(loads < high, 0.0, big))
        dist, previous = leave.copy(), np.full(n_reviewers, -1)
        for _ in range(n_reviewers - 1):  # Bellman-Ford over reviewers, numpy rows
            through = dist[:, None] + arcs.cost
            via = through.argmin(axis=0)
            shorter = through[via, reviewers] < dist - epsilon
            if not shorter.any():
                break
            dist[shorter] = through[via, reviewers][shorter]
            previous[shorter] = via[shorter]
        total = dist + enter
        end = int(total.argmin())
        if total[end] >= -epsilon:
            break
        path = [end]
        while previous[path[-1]] >= 0 and len(path) <= n_reviewers:
            path.append(int(previous[path[-1]]))
        if len(path) > n_reviewers:
            return None  # a cycle: rounding; let the LP decide
        path.reverse()
        moves = [(int(arcs.item[a, b]), a, b) for a, b in itertools.pairwise(path)]
        for item, a, b in moves:
            chosen[item, a], chosen[item, b] = False, True
        loads[path[0]] -= 1
        loads[path[-1]] += 1
        arcs.moved(moves)
    else:
        return None
    if (loads < low).any() or (loads > high).any():
        return None
    return chosen


def _best_k(model: _Model) -> np.ndarray:
    """Each item's fixed reviewers, then its best allowed ones by weight, ``k`` in all."""
    score = np.where(model.allowed, model.weights, -np.inf)
    score[model.fixed_mask] = np.inf
    order = np.argsort(-score, axis=1, kind="stable")
    best = np.zeros(model.shape, bool)
    np.put_along_axis(best, order[:, : model.k], True, axis=1)
    return best


class _MoveArcs:
    """Cheapest move "item leaves reviewer a for b" for every pair (a, b), kept up to date.

    A move is possible when the item has ``a`` (not fixed) and lacks ``b`` (allowed).
    Each arc keeps the items possible at the start sorted by cost, a cursor past those
    that have stopped being possible, and a heap of items that became possible later.
    """

    def __init__(
        self, chosen: np.ndarray, allowed: np.ndarray, fixed: np.ndarray, weights: np.ndarray
    ) -> None:
        self.chosen, self.allowed, self.fixed, self.weights = chosen, allowed, fixed, weights
        n_reviewers = chosen.shape[1]
        self.cost = np.full((n_reviewers, n_reviewers), np.inf)
        self.item = np.full((n_reviewers, n_reviewers), -1)
        self.sorted: dict[tuple[int, int], np.ndarray] = {}
        self.cursor: dict[tuple[int, int], int] = {}
        self.later: dict[tuple[int, int], list[tuple[float, int]]] = {}
        movable = chosen & ~fixed
        open_ = allowed & ~chosen
        for a in range(n_reviewers):
            for b in range(n_reviewers):
                if a == b:
                    continue
                candidates = np.flatnonzero(movable[:, a] & open_[:, b])
                loss = weights[candidates, a] - weights[candidates, b]
                self.sorted[a, b] = candidates[np.argsort(loss, kind="stable")]
                self.cursor[a, b] = 0
                self.later[a, b] = []
                self._refresh(a, b)

    def _possible(self, i: int, a: int, b: int) -> bool:
        return bool(self.chosen[i, a] and not self.chosen[i, b])

    def _refresh(self, a: int, b: int) -> None:
        order, position = self.sorted[a, b], self.cursor[a, b]
        while position < len(order) and not self._possible(int(order[position]), a, b):
            position += 1
        self.cursor[a, b] = position
        later = self.later[a, b]
        while later and not self._possible(later[0][1], a, b):
            heapq.heappop(later)
        cost, item = np.inf, -1
        if position < len(order):
            item = int(order[position])
            cost = float(self.weights[item, a] - self.weights[item, b])
        if later and later[0][0] < cost:
            cost, item = later[0]
        self.cost[a, b], self.item[a, b] = cost, item

    def moved(self, moves: list[tuple[int, int, int]]) -> None:
        """Update the arcs after ``moves`` (item, from, to) were made.

        An item that left ``a`` for ``b`` may now leave ``b`` for any reviewer it lacks,
        or leave any of its reviewers for ``a``: such a move goes on the arc's heap and
        becomes the arc's cheapest if it is. An arc whose cheapest move was by a moved
        item looks for its cheapest again; the others cannot have changed.
        """
        moved = [item for item, _, _ in moves]
        stale = np.argwhere(np.isin(self.item, moved))
        for item, a, b in moves:
            weights = self.weights[item]
            lacks = np.flatnonzero(self.allowed[item] & ~self.chosen[item]).tolist()
            has = np.flatnonzero(self.chosen[item] & ~self.fixed[item]).tolist()
            for source, target in [(b, other) for other in lacks] + [(other, a) for other in has]:
                cost = float(weights[source] - weights[target])
                heapq.heappush(self.later[source, target], (cost, item))
                if cost < self.cost[source, target]:
                    self.cost[source, target], self.item[source, target] = cost, item
        for source, target in stale.tolist():
            self._refresh(source, target)


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


def _components(chosen: np.ndarray) -> list[list[int]]:
    """Connected parts of the co-review graph over reviewers with at least one item.

    Parts are ordered by their smallest reviewer position, members ascending.
    """
    active = np.flatnonzero(chosen.any(axis=0))
    if not len(active):
        return []
    # Reviewers x reviewers "share an item", sparse: at most n*k^2 entries.
    incidence = sparse.csr_array(chosen[:, active], dtype=np.int32)
    _, labels = connected_components(incidence.T @ incidence, directed=False)
    parts: dict[int, list[int]] = {}
    for label, r in zip(labels.tolist(), active.tolist(), strict=True):
        parts.setdefault(label, []).append(r)  # active is ascending, so parts come in order
    return list(parts.values())


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
