"""Choosing exactly ``n`` candidates by merit under diversity quotas (HiGHS via ``milp``).

Model: binary ``x[c]`` per candidate, ``sum x = n``, and for every quota row
``min <= number of selected candidates with attribute == value <= max``. A
multi-valued attribute (a set of values) counts the candidate once for each of
its values. Objective: maximise total merit.

Ties: candidates are put in a tie-break order (merit descending, then id,
or a seeded random order when ``seed`` is given). Among selections with the
optimal total merit, a second solve maximises the sum of ``1 - position/N``
over the selected, so earlier candidates are preferred (for plain merit ties
this picks the lowest ids). That preference is linear: it cannot tell
{1st, 4th} from {2nd, 3rd}; such rare leftovers are decided by HiGHS, which
is deterministic. Re-runs with the same data give the same committee.

Infeasible quotas: a deletion filter over the individual bounds (each quota's
min and max, and "at least n" / "at most n" seats) finds an irreducible set
of bounds that cannot hold together; a slack model finds the smallest total
change to quota bounds (seat count fixed) that makes them feasible.

Reserves: for each selected member ``s``, ``replacement_for(s)`` is the best
non-selected candidate ``r`` (by the tie-break order) such that the selection
without ``s`` and with ``r`` still meets every quota. See :class:`SelectionResult`.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

CandidateId = Hashable
BoundKind = Literal["min", "max"]
_PRESOLVE_BELOW = 1000  # candidates; measured crossover, see _Problem


@dataclass(frozen=True)
class Candidate:
    """A candidate with a merit score and attributes (a value or a set of values each)."""

    id: CandidateId
    merit: float
    attributes: Mapping[str, str | Collection[str]] = field(default_factory=dict)

    def has(self, attribute: str, value: str) -> bool:
        held = self.attributes.get(attribute)
        if held is None:
            return False
        if isinstance(held, str):
            return held == value
        return value in held


@dataclass(frozen=True)
class Quota:
    """At least ``min`` and at most ``max`` selected candidates with ``attribute`` = ``value``."""

    attribute: str
    value: str
    min: int | None = None
    max: int | None = None

    def __post_init__(self) -> None:
        for bound in (self.min, self.max):
            if bound is not None and bound < 0:
                raise ValueError(f"quota {self.label}: bounds must not be negative")

    @property
    def label(self) -> str:
        return f"{self.attribute}={self.value}"


@dataclass(frozen=True)
class QuotaReport:
    """One quota row with what the selection achieved (None when infeasible)."""

    quota: Quota
    achieved: int | None
    in_unconstrained_top: int
    available: int

    @property
    def satisfied(self) -> bool | None:
        if self.achieved is None:
            return None
        low = self.quota.min if self.quota.min is not None else 0
        high = self.quota.max if self.quota.max is not None else self.achieved
        return low <= self.achieved <= high


@dataclass(frozen=True)
class ConflictingBound:
    """One bound in an irreducible conflict; ``quota`` None means the seat count."""

    kind: BoundKind
    quota: Quota | None
    value: int

    def describe(self) -> str:
        subject = "selected" if self.quota is None else self.quota.label
        return f"{subject} at {'least' if self.kind == 'min' else 'most'} {self.value}"


@dataclass(frozen=True)
class BoundChange:
    """Proposed relaxation of one quota bound."""

    quota: Quota
    kind: BoundKind
    current: int
    proposed: int

    def describe(self) -> str:
        verb = "lower" if self.kind == "min" else "raise"
        return f"{verb} {self.quota.label} {self.kind} from {self.current} to {self.proposed}"


@dataclass(frozen=True)
class ReserveEntry:
    """A reserve candidate and the selected members it could replace one for one."""

    candidate: CandidateId
    merit: float
    can_replace: tuple[CandidateId, ...]


@dataclass(frozen=True)
class SelectionResult:
    """Outcome of :func:`select`.

    Feasible: ``selected`` (merit descending), its total ``merit``, the
    unconstrained top ``n`` and the price of diversity, the quota table and
    the reserves. Infeasible: ``feasible`` is False, ``selected`` is empty,
    ``conflicting`` is an irreducible set of bounds that cannot hold together
    and ``relaxation`` the smallest total change of quota bounds that makes
    the quotas satisfiable (empty if only the pool size is the problem).

    Reserve guarantee: for every selected ``s`` with
    ``replacement_for(s) = r`` not None, ``selected - {s} + {r}`` has ``n``
    members and meets every quota, and ``r`` is the first candidate in the
    tie-break order (merit descending) outside the selection for which this
    holds. ``reserve`` lists every non-selected candidate who could replace at
    least one member, in that same order, so taking the first entry on the
    list whose ``can_replace`` contains ``s`` gives exactly
    ``replacement_for(s)``. Not guaranteed: that the repaired committee is
    merit-optimal (re-run :func:`select` for that), nor anything about two or
    more withdrawals at once. Members without any replacement are listed in
    ``unreplaceable``.
    """

    feasible: bool
    n: int
    selected: tuple[CandidateId, ...]
    merit: float
    unconstrained_top: tuple[CandidateId, ...]
    unconstrained_merit: float
    price_of_diversity: float
    relative_price_of_diversity: float
    quota_table: tuple[QuotaReport, ...]
    reserve: tuple[ReserveEntry, ...] = ()
    replacements: dict[CandidateId, CandidateId | None] = field(default_factory=dict)
    unreplaceable: tuple[CandidateId, ...] = ()
    conflicting: tuple[ConflictingBound, ...] = ()
    relaxation: tuple[BoundChange, ...] = ()
    explanation: str = ""

    def replacement_for(self, member: CandidateId) -> CandidateId | None:
        """Designated replacement if ``member`` withdraws (None if there is none)."""
        if member not in self.replacements:
            raise KeyError(f"{member!r} is not selected")
        return self.replacements[member]


def select(
    candidates: Sequence[Candidate],
    n: int,
    quotas: Sequence[Quota] = (),
    *,
    seed: int | None = None,
    reserve_limit: int | None = None,
) -> SelectionResult:
    """Select exactly ``n`` candidates of maximal total merit meeting all quotas.

    ``seed`` None breaks merit ties by candidate id (ids must be mutually
    comparable); an int breaks them by a random order drawn from that seed.
    ``reserve_limit`` shortens the reserve list to that many entries, but
    every designated replacement stays on it, so the guarantee holds.
    Infeasible quotas give a result with ``feasible=False``, never an exception.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    _check_candidates(candidates)
    problem = _Problem(candidates, n, quotas, seed)
    top = problem.preference[:n]
    top_merit = float(problem.merit[top].sum())
    top_mask = np.zeros(len(candidates), bool)
    top_mask[top] = True

    chosen = problem.best() if len(candidates) >= n else None
    if chosen is None:
        return _infeasible_result(problem, top, top_merit, top_mask)

    merit = float(problem.merit[chosen].sum())
    price = top_merit - merit
    ordered = [c for c in problem.preference if chosen[c]]
    replacements, reserve, unreplaceable = _reserves(problem, chosen, reserve_limit)
    ids = problem.ids
    return SelectionResult(
        feasible=True,
        n=n,
        selected=tuple(ids[c] for c in ordered),
        merit=merit,
        unconstrained_top=tuple(ids[c] for c in top),
        unconstrained_merit=top_merit,
        price_of_diversity=price,
        relative_price_of_diversity=price / abs(top_merit) if top_merit else 0.0,
        quota_table=problem.quota_table(chosen, top_mask),
        reserve=reserve,
        replacements=replacements,
        unreplaceable=unreplaceable,
        explanation=(
            f"{n} selected; total merit {merit:g}, {price:g} below the unconstrained top {n}."
        ),
    )


def _check_candidates(candidates: Sequence[Candidate]) -> None:
    seen: set[CandidateId] = set()
    for candidate in candidates:
        if candidate.id in seen:
            raise ValueError(f"duplicate candidate id {candidate.id!r}")
        seen.add(candidate.id)
        if not np.isfinite(candidate.merit):
            raise ValueError(f"candidate {candidate.id!r} has a non-finite merit")


class _Problem:
    """Arrays for the model: merit, quota membership, bounds and tie-break order."""

    def __init__(
        self,
        candidates: Sequence[Candidate],
        n: int,
        quotas: Sequence[Quota],
        seed: int | None,
    ) -> None:
        self.n, self.quotas = n, tuple(quotas)
        self.ids = [candidate.id for candidate in candidates]
        self.merit = np.array([candidate.merit for candidate in candidates], dtype=float)
        self.membership = np.array(
            [[candidate.has(q.attribute, q.value) for candidate in candidates] for q in quotas],
            dtype=float,
        ).reshape(len(quotas), len(candidates))
        self.low = np.array([-np.inf if q.min is None else q.min for q in quotas], dtype=float)
        self.high = np.array([np.inf if q.max is None else q.max for q in quotas], dtype=float)
        if seed is None:
            tie_key = np.empty(len(candidates), dtype=np.intp)
            tie_key[sorted(range(len(candidates)), key=self.ids.__getitem__)] = np.arange(
                len(candidates)
            )
        else:
            tie_key = np.random.default_rng(seed).permutation(len(candidates))
        # Candidates best first: merit descending, then the tie-break key.
        self.preference = np.lexsort((tie_key, -self.merit))
        rank = np.empty(len(candidates), dtype=float)
        rank[self.preference] = np.arange(len(candidates))
        self.tie_weight = 1.0 - rank / max(len(candidates), 1)  # in (0, 1], best = 1
        # HiGHS presolve settles small models outright but costs 5x at 4000 candidates.
        self.presolve = len(candidates) < _PRESOLVE_BELOW

    def _constraint(
        self, low: np.ndarray, high: np.ndarray, seats: tuple[float, float]
    ) -> LinearConstraint:
        rows = np.vstack([self.membership, np.ones((1, len(self.ids)))])
        return LinearConstraint(rows, np.append(low, seats[0]), np.append(high, seats[1]))

    def _solve(self, cost: np.ndarray, constraints: list[LinearConstraint]) -> np.ndarray | None:
        if len(cost) == 0:  # empty pool: feasible iff every row allows a count of 0
            allows_zero = all((c.lb <= 0).all() and (c.ub >= 0).all() for c in constraints)
            return np.zeros(0, bool) if allows_zero else None
        outcome = milp(
            cost,
            integrality=np.ones(len(cost)),
            bounds=Bounds(0, 1),
            constraints=constraints,
            options={"mip_rel_gap": 1e-9, "presolve": self.presolve},
        )
        return None if outcome.x is None else outcome.x > 0.5

    def best(self) -> np.ndarray | None:
        """Merit-optimal selection, ties broken by the preference order; None if infeasible."""
        base = self._constraint(self.low, self.high, (self.n, self.n))
        first = self._solve(-self.merit, [base])
        if first is None:
            return None
        optimum = float(self.merit[first].sum())
        tolerance = 1e-9 * max(1.0, abs(optimum))
        keep_optimum = LinearConstraint(self.merit[None, :], optimum - tolerance, np.inf)
        second = self._solve(-self.tie_weight, [base, keep_optimum])
        return first if second is None else second

    def feasible(self, bounds: set[tuple[BoundKind, int]]) -> bool:
        """Whether only the given bounds can hold; quota index -1 is the seat count."""
        rows = range(len(self.quotas))
        low = np.array([self.low[q] if ("min", q) in bounds else -np.inf for q in rows])
        high = np.array([self.high[q] if ("max", q) in bounds else np.inf for q in rows])
        seats = (
            self.n if ("min", -1) in bounds else -np.inf,
            self.n if ("max", -1) in bounds else np.inf,
        )
        constraint = self._constraint(low, high, seats)
        return self._solve(np.zeros(len(self.ids)), [constraint]) is not None

    def all_bounds(self) -> list[tuple[BoundKind, int]]:
        bounds: list[tuple[BoundKind, int]] = [("min", -1), ("max", -1)]
        for q, quota in enumerate(self.quotas):
            if quota.min is not None:
                bounds.append(("min", q))
            if quota.max is not None:
                bounds.append(("max", q))
        return bounds

    def quota_table(
        self, chosen: np.ndarray | None, top_mask: np.ndarray
    ) -> tuple[QuotaReport, ...]:
        return tuple(
            QuotaReport(
                quota=quota,
                achieved=None if chosen is None else int(self.membership[q][chosen].sum()),
                in_unconstrained_top=int(self.membership[q][top_mask].sum()),
                available=int(self.membership[q].sum()),
            )
            for q, quota in enumerate(self.quotas)
        )


Replacements = dict[CandidateId, CandidateId | None]


def _reserves(
    problem: _Problem, chosen: np.ndarray, reserve_limit: int | None
) -> tuple[Replacements, tuple[ReserveEntry, ...], tuple[CandidateId, ...]]:
    """Designated replacement per member and the ranked reserve list (see SelectionResult)."""
    ids, membership = problem.ids, problem.membership
    members = [c for c in problem.preference if chosen[c]]
    outsiders = np.array([c for c in problem.preference if not chosen[c]], dtype=np.intp)
    counts = membership[:, chosen].sum(axis=1)
    # eligible[m, o]: members[m] out, outsiders[o] in keeps every quota.
    without = counts[None, :] - membership[:, members].T  # (members, quotas)
    after = without[:, :, None] + membership[:, outsiders][None, :, :]
    eligible = (
        ((after >= problem.low[None, :, None]) & (after <= problem.high[None, :, None])).all(axis=1)
        if len(outsiders)
        else np.zeros((len(members), 0), bool)
    )
    replacements: dict[CandidateId, CandidateId | None] = {}
    designated: set[int] = set()
    for m, member in enumerate(members):
        options = np.flatnonzero(eligible[m])
        replacements[ids[member]] = ids[outsiders[options[0]]] if len(options) else None
        if len(options):
            designated.add(int(options[0]))
    reserve = []
    for o in np.flatnonzero(eligible.any(axis=0)):
        within_limit = reserve_limit is None or len(reserve) < reserve_limit
        if within_limit or int(o) in designated:
            candidate = int(outsiders[o])
            reserve.append(
                ReserveEntry(
                    candidate=ids[candidate],
                    merit=float(problem.merit[candidate]),
                    can_replace=tuple(ids[members[m]] for m in np.flatnonzero(eligible[:, o])),
                )
            )
    unreplaceable = tuple(member for member, r in replacements.items() if r is None)
    return replacements, tuple(reserve), unreplaceable


def _infeasible_result(
    problem: _Problem, top: np.ndarray, top_merit: float, top_mask: np.ndarray
) -> SelectionResult:
    n, pool = problem.n, len(problem.ids)
    if pool < n:
        conflicting: tuple[ConflictingBound, ...] = (ConflictingBound("min", None, n),)
        relaxation: tuple[BoundChange, ...] = ()
        explanation = f"Only {pool} candidates for {n} seats."
    else:
        conflicting = _irreducible_conflict(problem)
        relaxation = _smallest_relaxation(problem)
        explanation = "The quotas cannot all be met. These bounds cannot hold together: " + (
            "; ".join(bound.describe() for bound in conflicting) + "."
        )
        if relaxation:
            total = sum(abs(change.proposed - change.current) for change in relaxation)
            explanation += f" Smallest change (total {total}): " + (
                "; ".join(change.describe() for change in relaxation) + "."
            )
    return SelectionResult(
        feasible=False,
        n=n,
        selected=(),
        merit=0.0,
        unconstrained_top=tuple(problem.ids[c] for c in top),
        unconstrained_merit=top_merit,
        price_of_diversity=0.0,
        relative_price_of_diversity=0.0,
        quota_table=problem.quota_table(None, top_mask),
        conflicting=conflicting,
        relaxation=relaxation,
        explanation=explanation,
    )


def _irreducible_conflict(problem: _Problem) -> tuple[ConflictingBound, ...]:
    """Deletion filter: drop each bound whose removal leaves the rest still infeasible.

    What remains is irreducible: infeasible, but feasible without any one of
    its bounds. Seat bounds are tried first, so quota bounds are kept in the
    explanation when either would do.
    """
    active = set(problem.all_bounds())
    for bound in problem.all_bounds():
        trial = active - {bound}
        if not problem.feasible(trial):
            active = trial
    conflict = []
    for kind, q in problem.all_bounds():
        if (kind, q) not in active:
            continue
        if q == -1:
            conflict.append(ConflictingBound(kind, None, problem.n))
        else:
            quota = problem.quotas[q]
            value = quota.min if kind == "min" else quota.max
            assert value is not None
            conflict.append(ConflictingBound(kind, quota, value))
    return tuple(conflict)


def _smallest_relaxation(problem: _Problem) -> tuple[BoundChange, ...]:
    """Minimum total slack on quota bounds (seat count fixed), as bound changes.

    Variables: x per candidate, then one slack per quota min and per quota max.
    ``count + below >= min`` and ``count - above <= max``.
    """
    n_quotas, pool = len(problem.quotas), len(problem.ids)
    has_min, has_max = np.isfinite(problem.low), np.isfinite(problem.high)
    eye = np.eye(n_quotas)
    rows = np.vstack(
        [
            np.hstack([problem.membership, eye * has_min, np.zeros((n_quotas, n_quotas))]),
            np.hstack([problem.membership, np.zeros((n_quotas, n_quotas)), -eye * has_max]),
            np.hstack([np.ones((1, pool)), np.zeros((1, 2 * n_quotas))]),
        ]
    )
    low = np.concatenate([problem.low, np.full(n_quotas, -np.inf), [problem.n]])
    high = np.concatenate([np.full(n_quotas, np.inf), problem.high, [problem.n]])
    slack_upper = np.concatenate([np.where(has_min, np.inf, 0), np.where(has_max, np.inf, 0)])
    outcome = milp(
        np.concatenate([np.zeros(pool), np.ones(2 * n_quotas)]),
        integrality=np.ones(pool + 2 * n_quotas),
        bounds=Bounds(0, np.concatenate([np.ones(pool), slack_upper])),
        constraints=LinearConstraint(rows, low, high),
        options={"presolve": problem.presolve},
    )
    if outcome.x is None:
        return ()
    below = np.round(outcome.x[pool : pool + n_quotas]).astype(int)
    above = np.round(outcome.x[pool + n_quotas :]).astype(int)
    changes = []
    for q, quota in enumerate(problem.quotas):
        if below[q] > 0 and quota.min is not None:
            changes.append(BoundChange(quota, "min", quota.min, quota.min - int(below[q])))
        if above[q] > 0 and quota.max is not None:
            changes.append(BoundChange(quota, "max", quota.max, quota.max + int(above[q])))
    return tuple(changes)
