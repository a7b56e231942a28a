"""Keeping the co-review graph connected: swaps first, connectivity cuts when no swap joins the
parts (see ``assignment``)."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .assignment_solver import _Model


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
