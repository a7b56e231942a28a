"""The assignment's b-matching model (HiGHS through SciPy) and its fast exact path, moving units
between reviewers along shortest paths (see ``assignment`` for the whole method)."""

from __future__ import annotations

import heapq
import itertools

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


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
