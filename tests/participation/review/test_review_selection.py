"""Selection under quotas, checked against brute force on small instances."""


import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participation.review.algorithms.selection import (
    Candidate,
    ConflictingBound,
    Quota,
    select,
)


def counts(members, quotas):
    return [sum(c.has(q.attribute, q.value) for c in members) for q in quotas]


def meets(members, quotas):
    """Whether ``members`` meets every quota."""
    return all(
        (q.min is None or count >= q.min) and (q.max is None or count <= q.max)
        for q, count in zip(quotas, counts(members, quotas), strict=True)
    )


def all_subsets(candidates, quotas):
    """Every subset as a row: (size, merit, per-quota counts), by enumeration with numpy."""
    m = len(candidates)
    masks = (np.arange(2**m)[:, None] >> np.arange(m)[None, :]) & 1
    membership = np.array([[c.has(q.attribute, q.value) for q in quotas] for c in candidates])
    merit = np.array([c.merit for c in candidates])
    return masks.sum(axis=1), masks @ merit, masks @ membership.reshape(m, len(quotas))


def brute_best(candidates, n, quotas):
    sizes, merits, quota_counts = all_subsets(candidates, quotas)
    ok = (sizes == n) & within(quota_counts, quotas, set(bound_names(quotas)))
    return merits[ok].max() if ok.any() else None


def bound_names(quotas):
    names = [("min", -1), ("max", -1)]
    names += [("min", i) for i, q in enumerate(quotas) if q.min is not None]
    names += [("max", i) for i, q in enumerate(quotas) if q.max is not None]
    return names


def within(quota_counts, quotas, bounds):
    ok = np.ones(len(quota_counts), bool)
    for kind, index in bounds:
        if index == -1:
            continue
        limit = quotas[index].min if kind == "min" else quotas[index].max
        column = quota_counts[:, index]
        ok &= column >= limit if kind == "min" else column <= limit
    return ok


def brute_feasible(candidates, n, quotas, bounds):
    """Feasible under only these bounds; (kind, -1) are the seat bounds."""
    sizes, _, quota_counts = all_subsets(candidates, quotas)
    ok = within(quota_counts, quotas, bounds)
    if ("min", -1) in bounds:
        ok &= sizes >= n
    if ("max", -1) in bounds:
        ok &= sizes <= n
    return bool(ok.any())


def brute_min_violation(candidates, n, quotas):
    sizes, _, quota_counts = all_subsets(candidates, quotas)
    quota_counts = quota_counts[sizes == n]
    total = np.zeros(len(quota_counts))
    for index, q in enumerate(quotas):
        if q.min is not None:
            total += np.maximum(0, q.min - quota_counts[:, index])
        if q.max is not None:
            total += np.maximum(0, quota_counts[:, index] - q.max)
    return int(total.min())


def bound_key(bound: ConflictingBound, quotas):
    return (bound.kind, -1 if bound.quota is None else quotas.index(bound.quota))


ATTRIBUTES = {"gender": ["w", "m"], "region": ["N", "S", "E"], "expertise": ["h", "e", "l"]}


@st.composite
def small_instances(draw):
    size = draw(st.integers(4, 10))
    candidates = [
        Candidate(
            i,
            float(draw(st.integers(0, 5))),  # small integers: many merit ties
            {
                "gender": draw(st.sampled_from(ATTRIBUTES["gender"])),
                "region": draw(st.sampled_from(ATTRIBUTES["region"])),
                "expertise": draw(st.frozensets(st.sampled_from(ATTRIBUTES["expertise"]))),
            },
        )
        for i in range(size)
    ]
    n = draw(st.integers(1, min(size, 5)))
    quota = st.builds(
        lambda attribute, pick, low, high: Quota(
            attribute, ATTRIBUTES[attribute][pick % len(ATTRIBUTES[attribute])], low, high
        ),
        st.sampled_from(sorted(ATTRIBUTES)),
        st.integers(0, 2),
        st.one_of(st.none(), st.integers(0, 3)),
        st.one_of(st.none(), st.integers(0, 4)),
    )
    quotas = draw(st.lists(quota, min_size=2, max_size=4, unique=True))
    return candidates, n, quotas


@settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances())
def test_select_matches_brute_force_on_small_instances(instance):
    candidates, n, quotas = instance
    by_id = {c.id: c for c in candidates}
    result = select(candidates, n, quotas)
    expected = brute_best(candidates, n, quotas)
    assert result.feasible == (expected is not None)
    if not result.feasible:
        return
    chosen = [by_id[i] for i in result.selected]
    assert len(set(result.selected)) == n
    assert meets(chosen, quotas)
    assert result.merit == pytest.approx(expected)
    assert [c.merit for c in chosen] == sorted((c.merit for c in chosen), reverse=True)
    top = sorted((c.merit for c in candidates), reverse=True)[:n]
    assert result.unconstrained_merit == pytest.approx(sum(top))
    assert result.price_of_diversity == pytest.approx(sum(top) - expected)
    assert all(row.satisfied for row in result.quota_table)


@settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances())
def test_select_reserve_replaces_any_single_withdrawal(instance):
    candidates, n, quotas = instance
    by_id = {c.id: c for c in candidates}
    result = select(candidates, n, quotas)
    if not result.feasible:
        return
    selected = set(result.selected)
    outsiders = [c for c in candidates if c.id not in selected]
    for member in result.selected:
        rest = [by_id[i] for i in selected - {member}]
        eligible = [o for o in outsiders if meets(rest + [o], quotas)]
        replacement = result.replacement_for(member)
        if not eligible:
            assert replacement is None and member in result.unreplaceable
            continue
        assert meets(rest + [by_id[replacement]], quotas)
        assert by_id[replacement].merit == max(o.merit for o in eligible)
        # Walking the reserve list gives the designated replacement.
        first = next(entry for entry in result.reserve if member in entry.can_replace)
        assert first.candidate == replacement
    merits = [entry.merit for entry in result.reserve]
    assert merits == sorted(merits, reverse=True)
    for entry in result.reserve:
        for member in entry.can_replace:
            rest = [by_id[i] for i in selected - {member}]
            assert meets(rest + [by_id[entry.candidate]], quotas)


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_instances())
def test_select_infeasible_reports_irreducible_conflict_and_smallest_relaxation(instance):
    candidates, n, quotas = instance
    result = select(candidates, n, quotas)
    if result.feasible:
        return
    assert result.selected == () and result.explanation
    conflict = {bound_key(bound, quotas) for bound in result.conflicting}
    assert not brute_feasible(candidates, n, quotas, conflict)
    for bound in conflict:
        assert brute_feasible(candidates, n, quotas, conflict - {bound})
    total_change = sum(abs(c.proposed - c.current) for c in result.relaxation)
    assert total_change == brute_min_violation(candidates, n, quotas)
    relaxed = list(quotas)
    for change in result.relaxation:
        index = quotas.index(change.quota)
        old = relaxed[index]
        relaxed[index] = Quota(
            old.attribute,
            old.value,
            change.proposed if change.kind == "min" else old.min,
            change.proposed if change.kind == "max" else old.max,
        )
    assert select(candidates, n, relaxed).feasible


def test_select_breaks_merit_ties_by_id():
    candidates = [Candidate(i, 1.0) for i in [5, 3, 9, 1, 7]]
    result = select(candidates, 3)
    assert result.selected == (1, 3, 5) and result.unconstrained_top == (1, 3, 5)


def test_select_breaks_merit_ties_by_id_under_quotas():
    candidates = [Candidate(i, 1.0, {"gender": "w" if i >= 4 else "m"}) for i in range(8)]
    result = select(candidates, 3, [Quota("gender", "w", min=2)])
    assert result.selected == (0, 4, 5)


def test_select_seeded_tie_break_is_reproducible():
    candidates = [Candidate(i, 1.0) for i in range(30)]
    first = select(candidates, 5, seed=3)
    assert first == select(candidates, 5, seed=3)
    assert first.selected != select(candidates, 5, seed=4).selected
    assert first.selected != (0, 1, 2, 3, 4)


def test_select_price_of_diversity():
    candidates = [
        Candidate("m1", 10, {"gender": "m"}),
        Candidate("m2", 9, {"gender": "m"}),
        Candidate("w1", 5, {"gender": "w"}),
        Candidate("w2", 4, {"gender": "w"}),
    ]
    result = select(candidates, 2, [Quota("gender", "w", min=1)])
    assert result.selected == ("m1", "w1")
    assert result.unconstrained_top == ("m1", "m2")
    assert result.price_of_diversity == 4
    assert result.relative_price_of_diversity == pytest.approx(4 / 19)
    (row,) = result.quota_table
    assert (row.achieved, row.in_unconstrained_top, row.available) == (1, 0, 2)


def test_select_multi_valued_attribute_counts_each_value():
    candidates = [
        Candidate("both", 1, {"expertise": {"health", "housing"}}),
        Candidate("health", 5, {"expertise": {"health"}}),
        Candidate("housing", 5, {"expertise": "housing"}),
    ]
    quotas = [Quota("expertise", "health", min=1), Quota("expertise", "housing", min=1)]
    assert select(candidates, 1, quotas).selected == ("both",)


def test_select_missing_attribute_does_not_count():
    candidates = [Candidate("a", 5), Candidate("b", 1, {"region": "South"})]
    assert select(candidates, 1, [Quota("region", "South", min=1)]).selected == ("b",)


def test_select_reports_pool_too_small():
    result = select([Candidate(i, 1) for i in range(3)], 5)
    assert not result.feasible
    assert result.conflicting == (ConflictingBound("min", None, 5),)
    assert "Only 3 candidates" in result.explanation


def test_select_sum_of_minimums_above_seats_names_all_minimums():
    regions = ["N", "S", "E"]
    candidates = [Candidate(i, i, {"region": regions[i % 3]}) for i in range(12)]
    quotas = [Quota("region", r, min=2) for r in regions]
    result = select(candidates, 5, quotas)
    assert not result.feasible
    assert set(result.conflicting) == {ConflictingBound("max", None, 5)} | {
        ConflictingBound("min", q, 2) for q in quotas
    }
    assert sum(c.current - c.proposed for c in result.relaxation) == 1
    assert "selected at most 5" in result.explanation


def test_select_min_above_max_on_one_row_is_reported():
    candidates = [Candidate(i, 1, {"gender": "w"}) for i in range(5)]
    quota = Quota("gender", "w", min=3, max=2)
    result = select(candidates, 3, [quota])
    assert set(result.conflicting) == {
        ConflictingBound("min", quota, 3),
        ConflictingBound("max", quota, 2),
    } or set(result.conflicting) == {
        ConflictingBound("max", quota, 2),
        ConflictingBound("min", None, 3),
    }


def test_select_reports_member_without_replacement():
    candidates = [Candidate("w", 1, {"gender": "w"})] + [
        Candidate(f"m{i}", 5, {"gender": "m"}) for i in range(4)
    ]
    result = select(candidates, 2, [Quota("gender", "w", min=1)])
    assert result.replacement_for("w") is None and result.unreplaceable == ("w",)
    assert result.replacement_for("m0") == "m1"
    with pytest.raises(KeyError):
        result.replacement_for("m3")


def test_select_reserve_limit_keeps_designated_replacements():
    candidates = [Candidate(f"m{i}", 10 - i, {"gender": "m"}) for i in range(6)]
    candidates += [Candidate("w1", 1, {"gender": "w"}), Candidate("w2", 0.5, {"gender": "w"})]
    result = select(candidates, 3, [Quota("gender", "w", min=1)], reserve_limit=1)
    assert [entry.candidate for entry in result.reserve] == ["m2", "w2"]
    assert result.replacement_for("w1") == "w2"


def test_select_rejects_duplicate_ids_and_bad_input():
    with pytest.raises(ValueError, match="duplicate"):
        select([Candidate(1, 1), Candidate(1, 2)], 1)
    with pytest.raises(ValueError):
        select([Candidate(1, float("nan"))], 1)
    with pytest.raises(ValueError):
        Quota("gender", "w", min=-1)


def expert_group_instance(size=400, seed=0):
    rng = np.random.default_rng(seed)
    genders, regions = ["woman", "man", "nonbinary"], ["North", "South", "East", "West", "Centre"]
    fields = ["health", "housing", "education", "work", "language", "law", "culture"]
    candidates = [
        Candidate(
            i,
            float(np.round(rng.normal(30, 5), 1)),
            {
                "gender": genders[rng.choice(3, p=[0.45, 0.5, 0.05])],
                "region": regions[rng.integers(5)],
                "expertise": set(rng.choice(fields, rng.integers(1, 4), replace=False)),
            },
        )
        for i in range(size)
    ]
    quotas = [Quota("gender", "woman", min=12), Quota("gender", "man", max=12)]
    quotas += [Quota("gender", "nonbinary", min=1)]
    quotas += [Quota("region", r, min=3, max=7) for r in regions]
    quotas += [Quota("expertise", f, min=2) for f in fields]
    quotas += [Quota("expertise", f, max=8) for f in fields[:5]]
    return candidates, quotas


def test_select_24_of_400_under_20_quotas_is_feasible_and_repeatable():
    # Speed is measured in bench/review_bench.py.
    candidates, quotas = expert_group_instance()
    assert len(quotas) == 20
    result = select(candidates, 24, quotas)
    assert result.feasible and not result.unreplaceable
    assert select(candidates, 24, quotas) == result


def test_select_empty_pool_with_no_seats_is_feasible():
    assert select([], 0).feasible
    assert not select([], 0, [Quota("gender", "w", min=1)]).feasible


def test_select_whole_pool_selected_leaves_nobody_to_replace():
    result = select([Candidate(i, i) for i in range(3)], 3)
    assert result.reserve == () and set(result.unreplaceable) == {0, 1, 2}


def test_select_breaks_ties_by_tuple_ids():
    candidates = [Candidate(("b", 1), 1.0), Candidate(("a", 2), 1.0), Candidate(("a", 1), 1.0)]
    assert select(candidates, 2).selected == (("a", 1), ("a", 2))
