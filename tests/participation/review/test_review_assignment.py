"""Reviewer assignment: rules always hold, optimal affinity, connectivity, clear failures."""

import itertools
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participation.review.algorithms import assignment_solver
from participation.review.algorithms.assignment import (
    AssignmentInfeasible,
    AssignmentResult,
    Item,
    Reviewer,
    assign,
    tag_affinity,
)


def assert_rules_hold(result, items, reviewers, k, conflicts=(), fixed=(), forbidden=()):
    n, r = len(items), len(reviewers)
    for item in items:
        assigned = result.reviewers_by_item[item.id]
        assert len(assigned) == k and len(set(assigned)) == k
    low, high = (n * k) // r, -(-(n * k) // r)
    assert all(low <= load <= high for load in result.loads.values())
    pairs = set(result.pairs)
    assert not pairs & set(conflicts)
    assert not pairs & set(forbidden)
    assert set(fixed) <= pairs
    assert sum(result.loads.values()) == n * k == len(pairs)


def themed_instance(n_items=400, n_reviewers=10, seed=1):
    rng = np.random.default_rng(seed)
    themes = [f"theme{t}" for t in range(8)]
    items = [
        Item(f"app{i}", {themes[rng.integers(8)], themes[rng.integers(8)], f"lang{i % 3}"})
        for i in range(n_items)
    ]
    reviewers = [
        Reviewer(f"rev{j}", {themes[rng.integers(8)], themes[rng.integers(8)], f"lang{j % 3}"})
        for j in range(n_reviewers)
    ]
    conflicts = [(f"app{i}", f"rev{rng.integers(n_reviewers)}") for i in range(0, n_items, 3)]
    return items, reviewers, conflicts


def test_assign_400_items_10_reviewers_k3_meets_all_rules_and_is_connected():
    items, reviewers, conflicts = themed_instance()
    fixed = [("app1", "rev2"), ("app5", "rev7")]
    forbidden = [("app2", "rev0"), ("app2", "rev1")]
    result = assign(items, reviewers, 3, conflicts, fixed=fixed, forbidden=forbidden, seed=3)
    assert_rules_hold(result, items, reviewers, 3, conflicts, fixed, forbidden)
    assert result.load_range == (120, 120)
    assert result.connected and len(result.components) == 1


def test_assign_balances_loads_when_slots_do_not_divide_evenly():
    items = [Item(i) for i in range(7)]
    reviewers = [Reviewer(c) for c in "abcd"]
    result = assign(items, reviewers, 2)
    assert sorted(result.loads.values()) == [3, 3, 4, 4]
    assert_rules_hold(result, items, reviewers, 2)


def test_assign_prefers_expertise_matches():
    items = [Item(i, {"health"} if i % 2 else {"housing"}) for i in range(20)]
    reviewers = [Reviewer(f"h{j}", {"health"}) for j in range(2)] + [
        Reviewer(f"o{j}", {"housing"}) for j in range(2)
    ]
    result = assign(items, reviewers, 2, require_connected=False)
    for item in items:
        wanted = "h" if "health" in item.tags else "o"
        assert all(r.startswith(wanted) for r in result.reviewers_by_item[item.id])
    assert result.expertise_matches == 40


def test_assign_uses_caller_affinity_mapping_over_tags():
    items = [Item(i, {"x"}) for i in range(4)]
    reviewers = [Reviewer(c, {"x"}) for c in "abcd"]
    affinity = {(0, "d"): 5.0, (1, "d"): 5.0, (2, "c"): 5.0, (3, "c"): 5.0}
    result = assign(items, reviewers, 1, affinity=affinity)
    assert result.total_affinity == 10.0  # loads cap d and c at one item each


def test_assign_uses_caller_affinity_matrix():
    items = [Item(i) for i in range(3)]
    reviewers = [Reviewer(c) for c in "abc"]
    result = assign(items, reviewers, 1, affinity=np.eye(3)[::-1])
    assert result.reviewers_by_item == {0: ("c",), 1: ("b",), 2: ("a",)}


def test_assign_rejects_affinity_matrix_of_wrong_shape():
    with pytest.raises(ValueError, match="shape"):
        assign([Item(0)], [Reviewer("a")], 1, affinity=np.ones((2, 2)))


def test_assign_is_deterministic_for_a_seed():
    items, reviewers, conflicts = themed_instance(60, 6, seed=4)
    first = assign(items, reviewers, 3, conflicts, seed=11)
    again = assign(items, reviewers, 3, conflicts, seed=11)
    assert first == again


def test_assign_seed_changes_tie_breaking():
    items = [Item(i) for i in range(40)]
    reviewers = [Reviewer(c) for c in "abcdefgh"]
    assert assign(items, reviewers, 2, seed=1).pairs != assign(items, reviewers, 2, seed=2).pairs


def test_assign_mixes_reviewers_without_expertise_signal():
    items = [Item(i) for i in range(60)]
    reviewers = [Reviewer(c) for c in "abcdef"]
    result = assign(items, reviewers, 2, seed=0)
    assert result.connected and result.connectivity_repair == "none"
    pairs_of_reviewers = {tuple(sorted(rs)) for rs in result.reviewers_by_item.values()}
    assert len(pairs_of_reviewers) >= 10  # of 15 possible: reviewers are mixed, not in blocks


def clustered_instance():
    items = [Item(i, {"north" if i < 30 else "south"}) for i in range(60)]
    reviewers = [Reviewer(f"n{j}", {"north"}) for j in range(3)] + [
        Reviewer(f"s{j}", {"south"}) for j in range(3)
    ]
    return items, reviewers


def test_assign_clustered_expertise_is_split_without_repair():
    items, reviewers = clustered_instance()
    result = assign(items, reviewers, 2, require_connected=False)
    assert not result.connected and len(result.components) == 2


@pytest.mark.parametrize("connect_by", ["swaps", "cuts"])
def test_assign_connects_clustered_reviewers_at_small_affinity_cost(connect_by):
    items, reviewers = clustered_instance()
    best = assign(items, reviewers, 2, require_connected=False)
    result = assign(items, reviewers, 2, connect_by=connect_by)
    assert result.connected and result.connectivity_repair == connect_by
    assert_rules_hold(result, items, reviewers, 2)
    assert result.total_affinity >= best.total_affinity - 2  # one swap moves two pairs


def test_assign_reports_graph_that_cannot_be_connected():
    # Four reviewers, two items, k=2: each reviewer reviews one item, so two parts.
    result = assign([Item(0), Item(1)], [Reviewer(c) for c in "abcd"], 2)
    assert not result.connected and result.connectivity_repair == "failed"


def test_assign_k1_graph_has_no_edges():
    result = assign([Item(i) for i in range(4)], [Reviewer(c) for c in "ab"], 1)
    assert not result.connected and result.connectivity_repair == "none"


def test_assign_no_items_gives_empty_result():
    result = assign([], [Reviewer("a")], 2)
    assert result.pairs == () and result.loads == {"a": 0}


def test_assign_raises_without_reviewers_naming_items():
    with pytest.raises(AssignmentInfeasible, match="no reviewers") as caught:
        assign([Item("x")], [], 1)
    assert caught.value.items == ("x",)


def test_assign_raises_when_item_has_too_few_allowed_reviewers():
    items = [Item("ok"), Item("blocked")]
    reviewers = [Reviewer(c) for c in "abc"]
    conflicts = [("blocked", "a"), ("blocked", "b")]
    with pytest.raises(AssignmentInfeasible) as caught:
        assign(items, reviewers, 2, conflicts)
    assert caught.value.items == ("blocked",)
    assert "'blocked' (1 allowed)" in caught.value.reason


def test_assign_raises_when_k_exceeds_reviewers():
    with pytest.raises(
        AssignmentInfeasible, match="needs 3 distinct reviewers but there are only 2"
    ):
        assign([Item(0)], [Reviewer("a"), Reviewer("b")], 3)


def test_assign_raises_when_fixed_pair_is_conflicted():
    with pytest.raises(AssignmentInfeasible, match="conflicted"):
        assign([Item(0)], [Reviewer("a"), Reviewer("b")], 1, [(0, "a")], fixed=[(0, "a")])


def test_assign_raises_when_fixed_pairs_exceed_balanced_load():
    items = [Item(i) for i in range(4)]
    reviewers = [Reviewer(c) for c in "ab"]
    with pytest.raises(AssignmentInfeasible, match="balanced load") as caught:
        assign(items, reviewers, 1, fixed=[(0, "a"), (1, "a"), (2, "a")])
    assert caught.value.reviewers == ("a",)


def test_assign_raises_when_loads_cannot_be_balanced():
    # Every reviewer must take exactly one item, but nobody may give "d" one.
    items = [Item(i) for i in range(4)]
    reviewers = [Reviewer(c) for c in "abcd"]
    conflicts = [(i, "d") for i in range(4)]
    with pytest.raises(AssignmentInfeasible, match="cannot be balanced") as caught:
        assign(items, reviewers, 1, conflicts)
    assert "d" in caught.value.reviewers


def test_assign_rejects_fixed_pair_with_unknown_id():
    with pytest.raises(ValueError, match="unknown"):
        assign([Item(0)], [Reviewer("a")], 1, fixed=[(0, "zz")])


def test_assign_ignores_conflicts_naming_unknown_ids():
    result = assign([Item(0)], [Reviewer("a")], 1, conflicts=[("gone", "a")])
    assert result.pairs == ((0, "a"),)


def test_assign_rejects_duplicate_ids():
    with pytest.raises(ValueError, match="duplicate"):
        assign([Item(0), Item(0)], [Reviewer("a")], 1)


def test_tag_affinity_counts_shared_tags():
    matrix = tag_affinity([Item(0, {"a", "b"})], [Reviewer("r", {"b", "c"}), Reviewer("s")])
    assert matrix.tolist() == [[1.0, 0.0]]


# --- brute force on tiny instances ------------------------------------------------------------


@st.composite
def tiny_instances(draw):
    n = draw(st.integers(1, 4))
    r = draw(st.integers(1, 4))
    k = draw(st.integers(1, min(r, 3)))
    # Mostly one tag each, so optima often split into clusters that need connecting.
    tags = st.sampled_from([frozenset("x"), frozenset("y"), frozenset("xy"), frozenset()])
    items = [Item(i, draw(tags)) for i in range(n)]
    reviewers = [Reviewer(chr(97 + j), draw(tags)) for j in range(r)]
    all_pairs = [(i.id, rv.id) for i in items for rv in reviewers]
    conflicts = draw(st.lists(st.sampled_from(all_pairs), max_size=3, unique=True))
    fixed = draw(st.lists(st.sampled_from(all_pairs), max_size=2, unique=True))
    fixed = [pair for pair in fixed if pair not in conflicts]  # that clash has its own test
    return items, reviewers, k, conflicts, fixed


def brute_force(items, reviewers, k, conflicts, fixed, connected_only=False):
    """Best total affinity over all assignments meeting the rules, or None."""
    n, r = len(items), len(reviewers)
    low, high = (n * k) // r, -(-(n * k) // r)
    affinity = tag_affinity(items, reviewers)
    ids = [rv.id for rv in reviewers]
    best = None
    for choice in itertools.product(itertools.combinations(range(r), k), repeat=n):
        pairs = {(items[i].id, ids[j]) for i, js in enumerate(choice) for j in js}
        loads = [sum(j in js for js in choice) for j in range(r)]
        if pairs & set(conflicts) or not set(fixed) <= pairs:
            continue
        if not all(low <= load <= high for load in loads):
            continue
        if connected_only and not _connected(choice, r):
            continue
        value = sum(affinity[i, j] for i, js in enumerate(choice) for j in js)
        best = value if best is None else max(best, value)
    return best


def _connected(choice, r):
    active = {j for js in choice for j in js}
    seen, stack = set(), [min(active)]
    while stack:
        j = stack.pop()
        if j in seen:
            continue
        seen.add(j)
        stack.extend(o for js in choice if j in js for o in js)
    return seen == active


@settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(tiny_instances())
def test_assign_matches_brute_force_on_tiny_instances(instance):
    items, reviewers, k, conflicts, fixed = instance
    expected = brute_force(items, reviewers, k, conflicts, fixed)
    try:
        result = assign(items, reviewers, k, conflicts, fixed=fixed, require_connected=False)
    except AssignmentInfeasible as error:
        assert expected is None, error.reason
        assert error.reason
        return
    assert expected is not None
    assert_rules_hold(result, items, reviewers, k, conflicts, fixed)
    assert result.total_affinity == pytest.approx(expected)


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(tiny_instances())
def test_assign_connected_by_cuts_is_best_connected_on_tiny_instances(instance):
    items, reviewers, k, conflicts, fixed = instance
    try:
        result: AssignmentResult = assign(
            items, reviewers, k, conflicts, fixed=fixed, connect_by="cuts"
        )
    except AssignmentInfeasible:
        assert brute_force(items, reviewers, k, conflicts, fixed) is None
        return
    assert_rules_hold(result, items, reviewers, k, conflicts, fixed)
    if result.connectivity_repair == "cuts":
        expected = brute_force(items, reviewers, k, conflicts, fixed, connected_only=True)
        assert result.connected and result.total_affinity == pytest.approx(expected)
    if result.connectivity_repair == "failed":
        assert brute_force(items, reviewers, k, conflicts, fixed, connected_only=True) is None


@settings(max_examples=40, deadline=None, database=None)
@given(st.integers(5, 40), st.integers(2, 7), st.integers(2, 3), st.integers(0, 2**16))
def test_assign_rules_hold_on_random_medium_instances(n, r, k, seed):
    k = min(k, r)
    rng = np.random.default_rng(seed)
    items = [Item(i, {f"t{rng.integers(4)}"}) for i in range(n)]
    reviewers = [Reviewer(j, {f"t{rng.integers(4)}"}) for j in range(r)]
    conflicts = [(i, int(rng.integers(r))) for i in range(n) if rng.random() < 0.3]
    try:
        result = assign(items, reviewers, k, conflicts, seed=seed)
    except AssignmentInfeasible as error:
        assert error.reason
        return
    assert_rules_hold(result, items, reviewers, k, conflicts)


def test_assign_cuts_give_best_connected_assignment_on_clustered_tiny_instance():
    items = [Item(0, {"x"}), Item(1, {"x"}), Item(2, {"y"}), Item(3, {"y"})]
    reviewers = [
        Reviewer("a", {"x"}),
        Reviewer("b", {"x"}),
        Reviewer("c", {"y"}),
        Reviewer("d", {"y"}),
    ]
    assert not assign(items, reviewers, 2, require_connected=False).connected
    best_connected = brute_force(items, reviewers, 2, [], [], connected_only=True)
    by_cuts = assign(items, reviewers, 2, connect_by="cuts")
    by_swaps = assign(items, reviewers, 2, connect_by="swaps")
    assert by_cuts.connected and by_cuts.total_affinity == best_connected
    assert by_swaps.connected and by_swaps.total_affinity <= best_connected


# --- moves (successive shortest paths) against the LP -----------------------------------------


@st.composite
def models(draw):
    """A random model: ties (small integer weights) or distinct real weights, blocked and
    fixed pairs, loads that divide evenly or not."""
    n = draw(st.integers(1, 60))
    r = draw(st.integers(1, 8))
    k = draw(st.integers(1, min(r, 4)))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if draw(st.booleans()):
        weights = rng.integers(0, 4, (n, r)).astype(float)
    else:
        weights = rng.random((n, r)) * draw(st.sampled_from([1e-4, 1.0, 50.0]))
    allowed = rng.random((n, r)) > draw(st.sampled_from([0.0, 0.1, 0.3]))
    for i in np.flatnonzero(allowed.sum(axis=1) < k):  # as assign() checks first
        allowed[i, rng.choice(r, k, replace=False)] = True
    fixed = (rng.random((n, r)) < draw(st.sampled_from([0.0, 0.02]))) & allowed
    fixed[fixed.cumsum(axis=1) > k] = False
    low, high = (n * k) // r, -(-(n * k) // r)
    return assignment_solver._Model(allowed, fixed, weights, k, low, high)


def assert_model_rules_hold(model, chosen):
    assert (chosen.sum(axis=1) == model.k).all()
    loads = chosen.sum(axis=0)
    assert ((model.floor_load <= loads) & (loads <= model.ceil_load)).all()
    assert not (chosen & ~model.allowed).any()
    assert not (model.fixed_mask & ~chosen).any()


@settings(max_examples=150, deadline=None, database=None)
@given(models())
def test_moves_give_the_lp_optimum_on_random_models(model):
    with patch.object(assignment_solver, "_MOVES_PER_ITEM", np.inf):  # never hand over to the LP
        by_moves = assignment_solver._solve_by_moves(model)
    by_lp = model._solve_lp()
    assert (by_moves is None) == (by_lp is None)  # None only when infeasible
    if by_lp is None:
        return
    assert_model_rules_hold(model, by_moves)
    # The LP is optimal within HiGHS's tolerance (1e-7); moves are exact.
    assert model.weights[by_moves].sum() >= model.weights[by_lp].sum() - 1e-6
    assert model.weights[by_moves].sum() == pytest.approx(model.weights[by_lp].sum(), abs=1e-6)


@settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(tiny_instances())
def test_assign_by_moves_matches_brute_force_on_tiny_instances(instance):
    items, reviewers, k, conflicts, fixed = instance
    expected = brute_force(items, reviewers, k, conflicts, fixed)
    with (
        patch.object(assignment_solver, "_MOVES_PER_ITEM", np.inf),
        patch.object(assignment_solver._Model, "_solve_lp", return_value=None),  # moves or nothing
    ):
        try:
            result = assign(items, reviewers, k, conflicts, fixed=fixed, require_connected=False)
        except AssignmentInfeasible:
            assert expected is None
            return
    assert_rules_hold(result, items, reviewers, k, conflicts, fixed)
    assert result.total_affinity == pytest.approx(expected)


def test_assign_near_balanced_instance_is_solved_by_moves_without_lp():
    items, reviewers, conflicts = themed_instance(n_items=1200)
    fixed = [("app1", "rev2"), ("app5", "rev7")]
    with patch.object(assignment_solver._Model, "_solve_lp", side_effect=AssertionError("LP used")):
        result = assign(items, reviewers, 3, conflicts, fixed=fixed, seed=2)
    with patch.object(assignment_solver, "_solve_by_moves", return_value=None):
        by_lp = assign(items, reviewers, 3, conflicts, fixed=fixed, seed=2)
    assert_rules_hold(result, items, reviewers, 3, conflicts, fixed)
    assert result.load_range == (360, 360)
    assert result.total_affinity == by_lp.total_affinity
    assert result.connected


def test_assign_far_from_balanced_instance_goes_to_the_lp():
    # Everybody's best three reviewers are the same three: the greedy start is far off.
    items = [Item(i, {"x"}) for i in range(300)]
    reviewers = [Reviewer(j, {"x"} if j < 3 else set()) for j in range(10)]
    solve_lp, calls = assignment_solver._Model._solve_lp, []

    def counting(model):
        calls.append(model.shape)
        return solve_lp(model)

    with patch.object(assignment_solver._Model, "_solve_lp", counting):
        result = assign(items, reviewers, 3, seed=1)
    assert calls == [(300, 10)]
    assert_rules_hold(result, items, reviewers, 3)
    assert result.total_affinity == 3 * 90  # each hot reviewer at the balanced load, 90
