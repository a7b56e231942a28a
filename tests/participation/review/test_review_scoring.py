"""Weighted totals and scale validation (pure Python, no Django)."""

import math

import pytest

from participation.review.algorithms.scoring import (
    Criterion,
    MissingScore,
    ScoreOutOfScale,
    UnknownCriterion,
    check_score,
    total_range,
    validate_scores,
    weighted_total,
)

CRITERIA = (
    Criterion("relevance", weight=2.0, scale_min=0, scale_max=5),
    Criterion("experience", weight=1.0, scale_min=0, scale_max=5),
    Criterion("languages", weight=0.5, scale_min=1, scale_max=4),
    Criterion("eligible", weight=1.0, scale_min=0, scale_max=1, counts_in_total=False),
)


def test_weighted_total_is_weighted_sum_of_counted_criteria():
    scores = {"relevance": 4, "experience": 3, "languages": 2, "eligible": 1}
    assert weighted_total(scores, CRITERIA) == pytest.approx(2 * 4 + 3 + 0.5 * 2)


def test_weighted_total_ignores_non_counted_criteria():
    base = {"relevance": 4, "experience": 3, "languages": 2}
    assert weighted_total({**base, "eligible": 0}, CRITERIA) == weighted_total(
        {**base, "eligible": 1}, CRITERIA
    )


def test_weighted_total_allows_missing_non_counted_score():
    assert weighted_total({"relevance": 1, "experience": 1, "languages": 1}, CRITERIA) == 3.5


def test_weighted_total_raises_score_out_of_scale_with_criterion_and_range():
    with pytest.raises(ScoreOutOfScale) as caught:
        weighted_total({"relevance": 6, "experience": 3, "languages": 2}, CRITERIA)
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.criterion_id, error.score, error.scale_min, error.scale_max) == (
        "relevance",
        6,
        0,
        5,
    )
    assert "relevance" in str(error) and "0 to 5" in str(error)


def test_weighted_total_checks_non_counted_scores_too():
    with pytest.raises(ScoreOutOfScale):
        weighted_total({"relevance": 1, "experience": 1, "languages": 1, "eligible": 2}, CRITERIA)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 0.5])
def test_check_score_rejects_non_finite_and_below_minimum(bad):
    with pytest.raises(ScoreOutOfScale):
        check_score(CRITERIA[2], bad)


def test_weighted_total_raises_missing_score_for_counted_criterion():
    with pytest.raises(MissingScore, match="languages"):
        weighted_total({"relevance": 1, "experience": 1}, CRITERIA)


def test_weighted_total_without_validation_still_refuses_missing_score():
    with pytest.raises(MissingScore):
        weighted_total({"relevance": 1}, CRITERIA, validate=False)


def test_validate_scores_raises_unknown_criterion():
    with pytest.raises(UnknownCriterion, match="budget"):
        validate_scores({"budget": 1}, CRITERIA, require_counted=False)


def test_validate_scores_accepts_bounds_inclusive():
    validate_scores({"relevance": 0, "experience": 5, "languages": 4}, CRITERIA)


def test_total_range_covers_counted_criteria_only():
    assert total_range(CRITERIA) == (0.5, 2 * 5 + 5 + 0.5 * 4)


def test_criterion_rejects_inverted_scale():
    with pytest.raises(ValueError):
        Criterion("x", scale_min=5, scale_max=1)
