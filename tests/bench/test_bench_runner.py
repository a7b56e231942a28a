"""bench/run_bench.py: each part's rows() in a child process; a failing part becomes a row."""

import textwrap

import pytest

from bench import run_bench  # puts bench/ on sys.path, as the bench scripts expect


@pytest.fixture
def fake_modules(tmp_path, monkeypatch):
    (tmp_path / "fake_good_bench.py").write_text(
        textwrap.dedent(
            """
            from bench_table import make_row

            def rows(size=1):
                return [make_row(f"thing at {size}", 2.0 * size, 1.0, "s", target=("<", 3))]
            """
        )
    )
    (tmp_path / "fake_broken_bench.py").write_text("def rows():\n    raise RuntimeError('boom')\n")
    (tmp_path / "fake_bad_rows_bench.py").write_text("def rows():\n    return [{'measure': 'x'}]\n")
    (tmp_path / "fake_slow_bench.py").write_text(
        "import time\n\ndef rows():\n    time.sleep(30)\n    return []\n"
    )
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}:{run_bench.BENCH}")
    return tmp_path


def test_run_part_rows_get_their_group_and_kwargs(fake_modules):
    rows = run_bench.run_part("fake", "fake_good_bench", {"size": 2}, 60)
    assert len(rows) == 1
    assert rows[0]["group"] == "fake" and rows[0]["measure"] == "thing at 2"
    assert rows[0]["ok"] is False  # 4.0 is not < 3


def test_run_part_failing_module_becomes_a_row_that_falls_short(fake_modules):
    [row] = run_bench.run_part("broken", "fake_broken_bench", {}, 60)
    assert row["ok"] is False and "failed with exit status" in row["measure"]


def test_run_part_rows_breaking_the_contract_fall_short(fake_modules):
    [row] = run_bench.run_part("bad", "fake_bad_rows_bench", {}, 60)
    assert row["ok"] is False and row["measure"].startswith("bad: not measured")


def test_run_part_overrunning_its_time_limit_falls_short(fake_modules):
    [row] = run_bench.run_part("slow", "fake_slow_bench", {}, 2)
    assert row["ok"] is False and "did not finish in 2 s" in row["measure"]


def test_main_unknown_part_is_refused(capsys):
    with pytest.raises(SystemExit):
        run_bench.main(["--only", "nonsense"])
    assert "unknown part(s): nonsense" in capsys.readouterr().err


def test_the_whole_bench_is_judged_against_its_budget():
    within = run_bench.wall_time_row(1156.4, quick=False)
    assert within["ours"] == 1156 and within["ok"] is True and within["group"] == "bench"
    assert "< 1200 s" in within["target"]
    assert run_bench.wall_time_row(1201, quick=False)["ok"] is False
    assert run_bench.wall_time_row(301, quick=True)["ok"] is False
    assert "--quick" in run_bench.wall_time_row(120, quick=True)["measure"]
