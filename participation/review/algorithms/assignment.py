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

Speed: the model without cuts is solved as an LP with HiGHS dual simplex
(presolve off: it took ~90% of the time) and the vertex it returns is
integral (checked; ``milp`` is the fallback). About 15 ms at 400 x 10, k=3.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

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
    return np.array(
        [[len(item.tags & reviewer.tags) for reviewer in reviewers] for item in items],
        dtype=float,
    ).reshape(len(items), len(reviewers))


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

    def solve_relaxation(self) -> np.ndarray | None:
        """Solve the model without cuts as an LP (integral vertices); None when infeasible.

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
    n_reviewers = chosen.shape[1]
    parent = list(range(n_reviewers))

    def root(r: int) -> int:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for row in chosen:
        members = np.flatnonzero(row)
        for other in members[1:]:
            a, b = root(int(members[0])), root(int(other))
            if a != b:
                parent[max(a, b)] = min(a, b)
    active = np.flatnonzero(chosen.any(axis=0))
    parts: dict[int, list[int]] = {}
    for r in active:
        parts.setdefault(root(int(r)), []).append(int(r))
    return sorted(parts.values(), key=lambda part: part[0])


def _result(
    items: Sequence[Item],
    reviewers: Sequence[Reviewer],
    chosen: np.ndarray,
    affinity_matrix: np.ndarray,
    repair: str,
) -> AssignmentResult:
    item_ids = [item.id for item in items]
    reviewer_ids = [reviewer.id for reviewer in reviewers]
    reviewers_by_item = {
        item_ids[i]: tuple(reviewer_ids[r] for r in np.flatnonzero(chosen[i]))
        for i in range(len(items))
    }
    items_by_reviewer = {
        reviewer_ids[r]: tuple(item_ids[i] for i in np.flatnonzero(chosen[:, r]))
        for r in range(len(reviewers))
    }
    loads = {rid: len(assigned) for rid, assigned in items_by_reviewer.items()}
    load_values = list(loads.values()) or [0]
    components = _components(chosen)
    picked_affinity = affinity_matrix[chosen] if chosen.size else np.zeros(0)
    return AssignmentResult(
        pairs=tuple((iid, rid) for iid, rids in reviewers_by_item.items() for rid in rids),
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
