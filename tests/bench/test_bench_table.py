"""The table of ``make bench``: verdicts, ratios, growth rows, rendering and the JSON."""

import json

import pytest

from bench.bench_table import (
    GROWTH_LIMIT,
    check_rows,
    error_row,
    figure,
    growth_rows,
    make_row,
    render,
    to_json,
)


def test_make_row_target_on_ours_passes_and_falls_short():
    quick = make_row("receipt", 0.05, 0.1, "s", target=("<", 0.1))
    slow = make_row("receipt", 0.2, 0.1, "s", target=("<", 0.1))
    assert quick["ok"] is True and quick["target"] == "< 0.1 s"
    assert slow["ok"] is False
    assert slow["ratio"] == pytest.approx(2.0)


def test_make_row_target_on_ratio_uses_ours_over_baseline():
    row = make_row("submit", 70.0, 100.0, "requests/s", target=(">=", 0.7), on="ratio")
    assert row["ok"] is True and row["target"] == ">= 0.7x"
    row = make_row("submit", 69.0, 100.0, "requests/s", target=(">=", 0.7), on="ratio")
    assert row["ok"] is False


def test_make_row_without_target_is_information_only():
    row = make_row("home", 18.7, 37.7, "requests/s")
    assert row["ok"] is None and row["target"] is None
    assert set(row) == {"measure", "ours", "baseline", "unit", "ratio", "target", "ok"}


@pytest.mark.parametrize("ours", [None, float("nan"), "n/a"])
def test_make_row_target_with_unmeasured_figure_falls_short(ours):
    row = make_row("pdf", ours, 1.0, "s", target=("<=", 1.15), on="ratio")
    assert row["ok"] is False
    assert row["ratio"] is None


def test_make_row_zero_baseline_has_no_ratio():
    assert make_row("memory", 8.0, 0, "MB")["ratio"] is None


def test_growth_rows_worse_than_linear_falls_short():
    rows = growth_rows("export", ["1,000", "10,000", "100,000"], [1.0, 9.0, 150.0], [1, 10, 100])
    assert [row["measure"] for row in rows] == [
        "growth 1,000 -> 10,000: export",
        "growth 10,000 -> 100,000: export",
    ]
    assert rows[0]["ours"] == pytest.approx(9.0) and rows[0]["ok"] is True
    assert rows[1]["ours"] == pytest.approx(150 / 9) and rows[1]["ok"] is False
    assert rows[1]["baseline"] == pytest.approx(10.0)  # the baseline's own growth


def test_growth_rows_noise_allowance_is_bounded():
    at_limit = growth_rows("x", ["1", "10"], [1.0, GROWTH_LIMIT], [1.0, 10.0])[0]
    above = growth_rows("x", ["1", "10"], [1.0, GROWTH_LIMIT + 0.01], [1.0, 10.0])[0]
    assert at_limit["ok"] is True and above["ok"] is False


def test_growth_rows_of_a_sort_are_judged_against_n_log_n():
    """400 -> 4,000 items: n log n is 10 x log(4000) / log(400) = 13.8; 20 % more for noise."""
    sorting = growth_rows("rank", ["400", "4,000"], [1.0, 13.1], [1, 10], n_log_n=[400, 4000])
    assert sorting[0]["ok"] is True and sorting[0]["target"] == "<= 16.6 (n log n 13.8)"
    too_slow = growth_rows("rank", ["400", "4,000"], [1.0, 17.0], [1, 10], n_log_n=[400, 4000])
    assert too_slow[0]["ok"] is False
    linear = growth_rows("rank", ["400", "4,000"], [1.0, 13.1], [1, 10])
    assert linear[0]["ok"] is False and linear[0]["target"] == "<= 12 (linear 10)"


def test_render_marks_falling_short_in_column_and_summary():
    rows = [
        {**make_row("receipt", 0.05, 0.1, "s", target=("<", 0.1)), "group": "documents"},
        {
            **make_row("submit", 44.8, 576.0, "requests/s", target=(">=", 0.7), on="ratio"),
            "group": "consultations",
        },
        {**make_row("home", 18.7, 37.7, "requests/s"), "group": "consultations"},
    ]
    text = render(rows, ["heading"])
    lines = text.splitlines()
    assert lines[0] == "heading"
    assert "[documents]" in lines and "[consultations]" in lines
    submit = next(line for line in lines if line.startswith("submit"))
    assert submit.endswith("FALLS SHORT") and "0.08x" in submit
    assert next(line for line in lines if line.startswith("receipt")).endswith("pass")
    assert next(line for line in lines if line.startswith("home")).rstrip().endswith("-")
    assert lines[-1] == "3 rows, 2 with a target: 1 pass, 1 FALL SHORT: submit"


def test_render_all_pass_says_none_falls_short():
    text = render([make_row("receipt", 0.05, 0.1, "s", target=("<", 0.1))])
    assert text.splitlines()[-1] == "1 rows, 1 with a target: 1 pass, none falls short"


def test_error_row_falls_short_visibly():
    row = error_row("consultations-postgres", "failed with exit status 1")
    assert row["ok"] is False
    assert "not measured" in render([row]).splitlines()[-1]


def test_check_rows_rejects_a_row_missing_a_key():
    row = make_row("a", 1.0, 2.0, "s")
    del row["baseline"]
    with pytest.raises(ValueError, match="lacks baseline"):
        check_rows([row])


def test_check_rows_rejects_an_ok_that_is_not_a_verdict():
    with pytest.raises(ValueError, match="ok must be"):
        check_rows([{**make_row("a", 1.0, 2.0, "s"), "ok": "yes"}])


def test_check_rows_keeps_only_the_contract_keys():
    row = {**make_row("a", 1.0, 2.0, "s"), "group": "g", "extra": 1}
    assert set(check_rows([row])[0]) == {
        "measure",
        "ours",
        "baseline",
        "unit",
        "ratio",
        "target",
        "ok",
        "group",
    }


def test_to_json_lists_what_falls_short():
    rows = [
        make_row("pdf", 1.3, 1.0, "s", target=("<=", 1.15), on="ratio"),
        make_row("receipt", 0.05, 0.1, "s", target=("<", 0.1)),
    ]
    data = json.loads(to_json(rows, {"date": "2026-11-21"}))
    assert data["date"] == "2026-11-21"
    assert data["summary"] == {"rows": 2, "with_target": 2, "pass": 1, "falls_short": ["pdf"]}
    assert data["rows"][0]["result"] == "FALLS SHORT"
    assert data["rows"][0]["ratio"] == pytest.approx(1.3)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "-"),
        (12345.6, "12,346"),
        (44.84, "44.8"),
        (1.234, "1.23"),
        (0.01234, "0.0123"),
        (22, "22"),
        (float("nan"), "-"),
        ("12 / 12", "12 / 12"),
    ],
)
def test_figure_formats_numbers_by_size(value, text):
    assert figure(value) == text


def test_make_row_judges_a_given_ratio_not_ours_over_baseline():
    # the median of paired ratios can differ from the ratio of the medians
    row = make_row("page", 80.0, 120.0, "requests/s", target=(">=", 0.8), on="ratio", ratio=0.85)
    assert (row["ratio"], row["ok"]) == (0.85, True)
    row = make_row("page", 100.0, 100.0, "requests/s", target=(">=", 0.8), on="ratio", ratio=0.7)
    assert (row["ratio"], row["ok"]) == (0.7, False)
