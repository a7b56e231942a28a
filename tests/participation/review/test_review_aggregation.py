"""Aggregation, leniency normalisation, ranks, flips and bootstrap rank intervals."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from participation.review.algorithms.aggregation import (
    Review,
    aggregate,
    bootstrap_rank_intervals,
)
from participation.review.algorithms.assignment import Item, Reviewer, assign
from participation.review.algorithms.scoring import Criterion, MissingScore

# Harsh reviewer H gives everyone 2 points less. Every reviewer sees one item of
# each quality 1..4, so normalisation can tell leniency from item quality.
QUALITY = {"a1": 1, "a2": 2, "a3": 3, "a4": 4, "b1": 1, "b2": 2, "b3": 3, "b4": 4}
DESIGN = {
    "H": ["a1", "a2", "a3", "a4"],
    "F1": ["a1", "a2", "b3", "b4"],
    "F2": ["a3", "a4", "b1", "b2"],
    "F3": ["b1", "b2", "b3", "b4"],
}


def harsh_reviews():
    return [
        Review(item, reviewer, QUALITY[item] - (2 if reviewer == "H" else 0))
        for reviewer, items in DESIGN.items()
        for item in items
    ]


def test_aggregate_computes_mean_median_count_spread():
    reviews = [Review("x", "r1", 2), Review("x", "r2", 4), Review("x", "r3", 9)]
    (item,) = aggregate(reviews).items
    assert (item.count, item.raw_mean, item.median) == (3, 5.0, 4.0)
    assert item.spread == pytest.approx(np.std([2, 4, 9], ddof=1))


def test_aggregate_median_of_even_count_is_midpoint():
    reviews = [Review("x", r, t) for r, t in zip("abcd", [1, 7, 3, 5], strict=True)]
    assert aggregate(reviews).items[0].median == 4.0


def test_aggregate_harsh_reviewer_penalises_raw_means():
    by_item = aggregate(harsh_reviews()).by_item()
    for q in range(1, 5):
        assert by_item[f"a{q}"].raw_mean == by_item[f"b{q}"].raw_mean - 1


def test_aggregate_normalisation_recovers_ranking_from_harsh_reviewer():
    result = aggregate(harsh_reviews())
    by_item = result.by_item()
    for q in range(1, 5):
        assert by_item[f"a{q}"].normalised_mean == pytest.approx(by_item[f"b{q}"].normalised_mean)
    means = [by_item[f"a{q}"].normalised_mean for q in range(1, 5)]
    assert means == sorted(means) and len(set(np.round(means, 9))) == 4
    # True ranking: quality descending, equal quality broken by id.
    assert result.ranking("normalised") == ("a4", "b4", "a3", "b3", "a2", "b2", "a1", "b1")
    assert result.ranking("raw") != result.ranking("normalised")


def test_aggregate_lists_flips_at_cutoff():
    result = aggregate(harsh_reviews(), cutoff=3)
    flips = {flip.item: flip for flip in result.flips}
    assert set(flips) == {"b3", "a3"}
    assert flips["b3"].selected_by == "raw" and flips["b3"].raw_rank <= 3
    assert flips["a3"].selected_by == "normalised" and flips["a3"].normalised_rank <= 3


def test_aggregate_normalisation_removes_harsh_bias_in_random_balanced_design():
    rng = np.random.default_rng(7)
    items = [Item(i) for i in range(150)]
    reviewers = [Reviewer(r) for r in range(8)]
    design = assign(items, reviewers, 3, seed=7)
    quality = rng.normal(6, 1.5, len(items))
    leniency = {0: -2.0}  # reviewer 0 is harsh
    reviews = [
        Review(i, r, quality[i] + leniency.get(r, 0.0) + rng.normal(0, 0.3))
        for i, rs in design.reviewers_by_item.items()
        for r in rs
    ]
    by_item = aggregate(reviews).by_item()
    harsh = np.array([0 in design.reviewers_by_item[i] for i in range(len(items))])

    def bias(attribute):
        error = np.array([getattr(by_item[i], attribute) for i in range(len(items))]) - quality
        return error[harsh].mean() - error[~harsh].mean()

    assert bias("raw_mean") < -0.5
    assert abs(bias("normalised_mean")) < 0.15


def test_aggregate_reviewer_with_one_review_enters_unchanged():
    reviews = harsh_reviews() + [Review("c1", "once", 3.5)]
    result = aggregate(reviews)
    item = result.by_item()["c1"]
    assert item.normalised_mean == pytest.approx(item.raw_mean)
    stats = {s.reviewer: s for s in result.reviewers}
    assert not stats["once"].standardised and stats["H"].standardised


def test_aggregate_reviewer_with_constant_scores_counts_as_pool_mean():
    reviews = harsh_reviews() + [Review("c1", "flat", 7), Review("c2", "flat", 7)]
    result = aggregate(reviews)
    assert result.by_item()["c1"].normalised_mean == pytest.approx(result.pool_mean)


def test_aggregate_all_equal_totals_keep_raw_means():
    reviews = [Review(i, r, 5) for i in range(3) for r in "ab"]
    result = aggregate(reviews)
    assert all(item.normalised_mean == 5 for item in result.items)


def test_aggregate_ranks_break_ties_by_item_id():
    reviews = [Review(i, r, 5) for i in [3, 1, 2] for r in "ab"]
    result = aggregate(reviews)
    assert [(a.item, a.raw_rank, a.normalised_rank) for a in result.items] == [
        (1, 1, 1),
        (2, 2, 2),
        (3, 3, 3),
    ]


def test_aggregate_float_noise_does_not_break_id_tie_break():
    reviews = [Review(1, "a", 0.1 + 0.2), Review(2, "a", 0.3)]
    result = aggregate(reviews)
    assert result.ranking("raw") == (1, 2)


def test_aggregate_flags_disagreement_above_threshold():
    reviews = [Review("calm", "a", 5), Review("calm", "b", 6)]
    reviews += [Review("split", "a", 1), Review("split", "b", 9)]
    by_item = aggregate(reviews, disagreement_threshold=2.0).by_item()
    assert by_item["split"].disagreement and not by_item["calm"].disagreement
    assert not any(a.disagreement for a in aggregate(reviews).items)


def test_aggregate_weighted_mean_from_criteria():
    criteria = [
        Criterion("fit", weight=2, scale_min=0, scale_max=5),
        Criterion("budget", weight=1, scale_min=0, scale_max=5),
        Criterion("note", weight=1, scale_min=0, scale_max=5, counts_in_total=False),
    ]
    reviews = [
        Review("x", "a", scores={"fit": 4, "budget": 2, "note": 5}),
        Review("x", "b", scores={"fit": 2, "budget": 4}),
    ]
    (item,) = aggregate(reviews, criteria).items
    assert item.raw_mean == pytest.approx((10 + 8) / 2)
    assert item.weighted_mean == pytest.approx(2 * 3 + 3)
    assert item.criterion_means == {"fit": 3, "budget": 3, "note": 5}


def test_aggregate_weighted_mean_uses_reviews_that_scored_each_criterion():
    criteria = [Criterion("fit", weight=2, scale_max=5), Criterion("budget", scale_max=5)]
    reviews = [
        Review("x", "a", total=10, scores={"fit": 4, "budget": 2}),
        Review("x", "b", total=7, scores={"fit": 2}),  # budget left out, total given
    ]
    (item,) = aggregate(reviews, criteria).items
    assert item.raw_mean == 8.5
    assert item.weighted_mean == pytest.approx(2 * 3 + 2)


def test_aggregate_review_without_total_needs_complete_scores():
    criteria = [Criterion("fit", scale_max=5), Criterion("budget", scale_max=5)]
    with pytest.raises(MissingScore):
        aggregate([Review("x", "a", scores={"fit": 4})], criteria)


def test_aggregate_rejects_duplicate_review():
    with pytest.raises(ValueError, match="twice"):
        aggregate([Review("x", "a", 1), Review("x", "a", 2)])


def test_aggregate_rejects_empty_input():
    with pytest.raises(ValueError):
        aggregate([])


def realistic_reviews(n_items=400, per_item=5, n_criteria=6, seed=0):
    rng = np.random.default_rng(seed)
    criteria = [Criterion(f"c{j}", weight=1 + j % 3, scale_max=5) for j in range(n_criteria)]
    reviews = [
        Review(i, int(r), scores={c.id: float(rng.integers(0, 6)) for c in criteria})
        for i in range(n_items)
        for r in rng.choice(20, per_item, replace=False)
    ]
    return reviews, criteria


def test_aggregate_400_items_5_reviews_6_criteria_ranks_every_item():
    # Speed is measured in bench/review_bench.py; here the realistic size must be complete.
    reviews, criteria = realistic_reviews()
    result = aggregate(reviews, criteria, cutoff=24)
    assert len(result.items) == len({r.item for r in reviews})
    assert sorted(a.normalised_rank for a in result.items) == list(range(1, len(result.items) + 1))


review_lists = st.lists(
    st.tuples(st.integers(0, 12), st.sampled_from("abcde"), st.integers(0, 10)),
    min_size=1,
    max_size=40,
    unique_by=lambda t: t[:2],
)


@settings(max_examples=80, deadline=None, database=None)
@given(review_lists, st.integers(1, 13))
def test_aggregate_ranks_are_permutations_ordered_by_score(rows, cutoff):
    result = aggregate([Review(i, r, t) for i, r, t in rows], cutoff=cutoff)
    n = len(result.items)
    for rank_key, mean_key in (("raw_rank", "raw_mean"), ("normalised_rank", "normalised_mean")):
        ordered = sorted(result.items, key=lambda a, key=rank_key: getattr(a, key))
        assert [getattr(a, rank_key) for a in ordered] == list(range(1, n + 1))
        means = [round(getattr(a, mean_key), 9) for a in ordered]
        assert means == sorted(means, reverse=True)
    in_by_raw = sum(f.selected_by == "raw" for f in result.flips)
    assert in_by_raw == len(result.flips) - in_by_raw  # both top-N lists have N items


# --- bootstrap --------------------------------------------------------------------------------


def separated_reviews():
    """Three clear leaders, three noisy items around rank 4, three clear trailers."""
    rows = {
        "t1": [9.9] * 3,
        "t2": [9.8] * 3,
        "t3": [9.7] * 3,
        "d1": [9, 3, 6],
        "d2": [8, 4, 6.5],
        "d3": [7, 5, 6.2],
        "z1": [2] * 3,
        "z2": [1.5] * 3,
        "z3": [1] * 3,
    }
    return [Review(i, f"r{j}", t) for i, totals in rows.items() for j, t in enumerate(totals)]


def test_bootstrap_flags_only_items_that_straddle_cutoff():
    result = bootstrap_rank_intervals(separated_reviews(), by="raw", cutoff=4, seed=1)
    by_item = result.by_item()
    assert result.undecided and set(result.undecided) <= {"d1", "d2", "d3"}
    for item in ("t1", "t2", "t3", "z1", "z2", "z3"):
        interval = by_item[item]
        assert interval.low == interval.high == interval.rank
        assert not interval.straddles_cutoff
    for item in result.undecided:
        assert by_item[item].low <= 4 < by_item[item].high


def test_bootstrap_is_deterministic_for_a_seed():
    reviews, criteria = realistic_reviews(60, 4, 3, seed=2)
    first = bootstrap_rank_intervals(reviews, criteria, cutoff=10, seed=5)
    assert first == bootstrap_rank_intervals(reviews, criteria, cutoff=10, seed=5)
    assert first != bootstrap_rank_intervals(reviews, criteria, cutoff=10, seed=6)


def test_bootstrap_intervals_collapse_without_review_spread():
    reviews = [Review(i, r, 10 - i) for i in range(5) for r in "abc"]
    result = bootstrap_rank_intervals(reviews, by="raw", n_resamples=50)
    assert all(iv.low == iv.high == iv.rank for iv in result.intervals)
    assert [iv.item for iv in result.intervals] == [0, 1, 2, 3, 4]


def test_bootstrap_point_ranks_match_aggregate():
    reviews = harsh_reviews()
    ranks = {a.item: a.normalised_rank for a in aggregate(reviews).items}
    result = bootstrap_rank_intervals(reviews, n_resamples=30)
    assert {iv.item: iv.rank for iv in result.intervals} == ranks
    assert all(iv.low <= iv.high for iv in result.intervals)


def test_bootstrap_without_cutoff_flags_nothing():
    result = bootstrap_rank_intervals(separated_reviews(), n_resamples=20)
    assert result.undecided == () and result.cutoff is None


def test_bootstrap_rejects_unknown_ranking_method():
    with pytest.raises(ValueError, match="by must be"):
        bootstrap_rank_intervals(separated_reviews(), by="median")
