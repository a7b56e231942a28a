"""Benchmark of the review and selection algorithms against simple baselines.

Run from the repository root:  python bench/review_bench.py

Each row times one of our algorithms (median of several runs) next to a naive
baseline doing less work (round-robin assignment, sorting for the top N, a
plain numpy mean per item), so that the ratio shows what the extra guarantees
cost. Data are generated here with fixed seeds, at 40, 400 and 4,000 items (1x, 10x, 100x),
with growth rows: the time at 10x over the time at 1x, which falls short when it is worse than
linear. ``rows()`` gives the rows to bench/run_bench.py (``make bench``). About 30 seconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from bench_table import growth_rows, make_row, render  # noqa: E402

from participation.review.algorithms import (  # noqa: E402
    Candidate,
    Criterion,
    Item,
    Quota,
    Review,
    Reviewer,
    aggregate,
    assign,
    bootstrap_rank_intervals,
    select,
)

THEMES = [f"theme{t}" for t in range(8)]
GENDERS = ["woman", "man", "nonbinary"]
REGIONS = ["North", "South", "East", "West", "Centre"]
FIELDS = ["health", "housing", "education", "work", "language", "law", "culture"]


def timed_ms(repeats: int, function: Callable[..., object], *args, **kwargs) -> float:
    """Median wall time in milliseconds over ``repeats`` calls (after one warm-up call)."""
    function(*args, **kwargs)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args, **kwargs)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# --- data -----------------------------------------------------------------------------------


def assignment_data(n_items: int, n_reviewers: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    items = [
        Item(i, {THEMES[rng.integers(8)], THEMES[rng.integers(8)], f"lang{rng.integers(3)}"})
        for i in range(n_items)
    ]
    reviewers = [
        Reviewer(j, {THEMES[rng.integers(8)], THEMES[rng.integers(8)], f"lang{j % 3}"})
        for j in range(n_reviewers)
    ]
    conflicts = [(i, int(rng.integers(n_reviewers))) for i in range(0, n_items, 3)]
    return items, reviewers, conflicts


def selection_data(size: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    candidates = [
        Candidate(
            i,
            float(np.round(rng.normal(30, 5), 1)),
            {
                "gender": GENDERS[rng.choice(3, p=[0.45, 0.5, 0.05])],
                "region": REGIONS[rng.integers(5)],
                "expertise": set(rng.choice(FIELDS, rng.integers(1, 4), replace=False)),
            },
        )
        for i in range(size)
    ]
    quotas = [Quota("gender", "woman", min=12), Quota("gender", "man", max=12)]
    quotas += [Quota("gender", "nonbinary", min=1)]
    quotas += [Quota("region", r, min=3, max=7) for r in REGIONS]
    quotas += [Quota("expertise", f, min=2) for f in FIELDS]
    quotas += [Quota("expertise", f, max=8) for f in FIELDS[:5]]
    return candidates, quotas


def review_data(n_items: int, per_item: int = 5, n_criteria: int = 6, seed: int = 0):
    rng = np.random.default_rng(seed)
    criteria = [Criterion(f"c{j}", weight=1 + j % 3, scale_max=5) for j in range(n_criteria)]
    n_reviewers = max(per_item, n_items * per_item // 100)  # about 100 reviews each
    leniency = rng.normal(0, 0.5, n_reviewers)
    reviews = []
    for i in range(n_items):
        quality = rng.uniform(1, 4)
        for r in rng.choice(n_reviewers, per_item, replace=False):
            noise = rng.normal(quality + leniency[r], 0.8, n_criteria)
            scores = {
                c.id: float(np.clip(np.round(v), 0, 5))
                for c, v in zip(criteria, noise, strict=True)
            }
            reviews.append(Review(i, int(r), scores=scores))
    return reviews, criteria


# --- baselines ------------------------------------------------------------------------------


def round_robin_assignment(items, reviewers, k, conflicts):
    """Greedy: each item takes the k least-loaded allowed reviewers (no expertise)."""
    blocked = set(conflicts)
    load = {r.id: 0 for r in reviewers}
    result = {}
    for item in items:
        allowed = [r.id for r in reviewers if (item.id, r.id) not in blocked]
        chosen = sorted(allowed, key=lambda rid: load[rid])[:k]
        for rid in chosen:
            load[rid] += 1
        result[item.id] = chosen
    return result


def top_n_by_sorting(candidates, n):
    return sorted(candidates, key=lambda c: (-c.merit, c.id))[:n]


def numpy_mean_per_item(item_index: np.ndarray, totals: np.ndarray, n_items: int):
    return np.bincount(item_index, weights=totals, minlength=n_items) / np.bincount(
        item_index, minlength=n_items
    )


# --- rows -----------------------------------------------------------------------------------


ROWS: list[dict] = []
GROWTH: dict[str, tuple[list[str], list[float], list[float]]] = {}


def record(
    measure: str,
    ours: float,
    baseline: float | None,
    target: float | None,
    growth: tuple[str, int] | None = None,
) -> None:
    """One row (times in ms; the target is a time ours must stay under). Rows of the same
    ``growth`` family, recorded at 1x, 10x and 100x of the data, also make growth rows."""
    ROWS.append(make_row(measure, ours, baseline, "ms", target=target and ("<", target)))
    if growth:
        family, size = growth
        sizes, ours_times, base_times = GROWTH.setdefault(family, ([], [], []))
        sizes.append(f"{size:,}")
        ours_times.append(ours)
        base_times.append(baseline)
    sys.stdout.write(".")
    sys.stdout.flush()


# --- benchmarks -----------------------------------------------------------------------------


def bench_assignment() -> None:
    for n_items, repeats, target in ((40, 9, None), (400, 7, 1000.0), (4000, 2, None)):
        items, reviewers, conflicts = assignment_data(n_items, 10)
        ours = timed_ms(repeats, assign, items, reviewers, 3, conflicts, seed=1)
        base = timed_ms(repeats, round_robin_assignment, items, reviewers, 3, conflicts)
        record(f"assign {n_items}x10 k=3", ours, base, target, ("assign", n_items))
    # Everybody's best three reviewers are the same three: the greedy start is far from
    # balanced, so the LP solves it (its time grows with the square of the items).
    items = [Item(i, {"x"}) for i in range(4000)]
    reviewers = [Reviewer(j, {"x"} if j < 3 else set()) for j in range(10)]
    ours = timed_ms(2, assign, items, reviewers, 3, seed=1)
    base = timed_ms(2, round_robin_assignment, items, reviewers, 3, [])
    record("assign 4000x10 k=3 one-sided expertise (LP path)", ours, base, None)
    # Clustered expertise: the optimum splits the reviewers, repair joins them.
    items = [Item(i, {"A" if i < 200 else "B"}) for i in range(400)]
    reviewers = [Reviewer(j, {"A" if j < 5 else "B"}) for j in range(10)]
    result = assign(items, reviewers, 3, seed=1)
    assert result.connected and result.connectivity_repair == "swaps"
    swaps = timed_ms(5, assign, items, reviewers, 3, seed=1)
    base = timed_ms(5, round_robin_assignment, items, reviewers, 3, [])
    record("assign 400x10 k=3 clustered, swap repair", swaps, base, 1000.0)
    ours = timed_ms(2, assign, items, reviewers, 3, seed=1, connect_by="cuts")
    # Baseline: the swap repair just measured (what the exact method costs on top).
    record("assign 400x10 k=3 clustered, exact cuts (baseline: swaps)", ours, swaps, None)


def bench_selection() -> None:
    for size, repeats, target in ((40, 9, None), (400, 7, 1000.0), (4000, 2, None)):
        candidates, quotas = selection_data(size)
        n = 24 if size >= 400 else 10
        if size < 400:  # 40 candidates cannot carry the 24-seat quotas; scale them down
            quotas = [Quota("gender", "woman", min=4), Quota("region", "North", max=3)]
        assert select(candidates, n, quotas).feasible
        ours = timed_ms(repeats, select, candidates, n, quotas)
        base = timed_ms(repeats, top_n_by_sorting, candidates, n)
        record(f"select {n} of {size}, {len(quotas)} quotas", ours, base, target, ("select", size))
    candidates, quotas = selection_data(400)
    conflicting = [*quotas, Quota("region", "North", min=10)]
    assert not select(candidates, 24, conflicting).feasible
    ours = timed_ms(3, select, candidates, 24, conflicting)
    base = timed_ms(3, select, candidates, 24, quotas)
    # Baseline: the feasible selection (what explaining the infeasibility costs on top).
    record("select 24 of 400, infeasible: IIS+relaxation (baseline: feasible)", ours, base, None)


def bench_aggregation() -> None:
    # 7 runs at 4,000 (0.1-0.2 s each): with 3, one slow run moved the growth row by half.
    for n_items, repeats in ((40, 9), (400, 7), (4000, 7)):
        reviews, criteria = review_data(n_items)
        positions = np.array([r.item for r in reviews])
        totals = np.array([sum(c.weight * r.scores[c.id] for c in criteria) for r in reviews])
        target = 100.0 if n_items == 400 else None
        base = timed_ms(repeats, numpy_mean_per_item, positions, totals, n_items)
        ours = timed_ms(repeats, aggregate, reviews, criteria, cutoff=24)
        record(f"aggregate {n_items}x5x6 + normalise", ours, base, target, ("aggregate", n_items))
        ours = timed_ms(
            repeats, bootstrap_rank_intervals, reviews, criteria, cutoff=24, n_resamples=200
        )
        record(f"bootstrap {n_items}x5x6, B=200", ours, base, None, ("bootstrap", n_items))


def rows() -> list[dict]:
    """The rows of the table (bench/bench_table.py), growth rows last."""
    ROWS.clear()
    GROWTH.clear()
    bench_assignment()
    bench_selection()
    bench_aggregation()
    sys.stdout.write("\n")
    growth = []
    for family, (sizes, ours, base) in GROWTH.items():
        # Both rank the items (the bootstrap in every resample) and the aggregation sorts each
        # item's scores for its median: sorts, n log n at best.
        sorts = family in ("aggregate", "bootstrap")
        n_log_n = [int(size.replace(",", "")) for size in sizes] if sorts else None
        growth += growth_rows(f"{family} time (items)", sizes, ours, base, n_log_n=n_log_n)
    return [*ROWS, *growth]


def main() -> None:
    start = time.perf_counter()
    sys.stdout.write("running")
    table = render(rows())
    sys.stdout.write(f"done in {time.perf_counter() - start:.1f} s\n\n{table}\n")
    sys.stdout.write(
        "Baselines: assignment = greedy least-loaded round robin (no expertise, no optimality);\n"
        "selection = sort by merit, take the top N (no quotas); aggregation = numpy bincount\n"
        "mean of precomputed totals (no object conversion, no normalisation, no ranks).\n"
        "Ours includes converting the input objects and building the result dataclasses.\n"
    )


if __name__ == "__main__":
    main()
