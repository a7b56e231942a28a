"""The public pages' throughput under load: each page paired with a baseline run next to it."""

from bench import consultations_bench as bench


def test_paired_rounds_keep_the_ratio_while_the_machine_drifts(monkeypatch):
    # The machine slows down by a tenth from one pair of runs to the next; the page is always
    # 0.8x the baseline.
    timed_runs = iter(range(100))
    served = {"/page/": 80.0, "/plain/": 100.0}

    def run_load(server, requests, seconds):
        path = requests[0][0]
        speed = 1.0 if seconds >= 60 else 1.0 - 0.1 * (next(timed_runs) // 2)  # 60 s: warm-up
        rps = served[path] * speed
        return {"rps": rps, "p95": 1 / rps, "errors": []}

    monkeypatch.setattr(bench, "run_load", run_load)
    figures = bench.drive_pages(None, {"page": "/page/", "baseline": "/plain/"}, 3, 1.5)

    # each pair sees the same speed: 0.8 in every round, whatever the drift between rounds
    assert abs(figures["page"]["ratio"] - 0.8) < 1e-9
    assert figures["page"]["baseline"]["rps"] == figures["baseline"]["rps"]
    rows = bench.page_rows({"page": "/page/"}, figures, {"page": 3, "baseline": 3}, {}, "SQLite", 1)
    assert rows[0]["ratio"] == figures["page"]["ratio"] and rows[0]["ok"] is True


def test_submitting_is_judged_on_the_median_of_its_paired_rounds():
    # ours and the floor side by side: round 2 ran while the machine was busy, on both sides
    ours = [{"rps": 50.0}, {"rps": 20.0}, {"rps": 60.0}]
    floor = [{"rps": 100.0}, {"rps": 30.0}, {"rps": 100.0}]
    assert bench.paired_ratio(ours, floor) == 0.6  # medians apart would give 50 / 100


def test_exports_below_the_largest_size_keep_each_exports_run_of_median_time():
    runs = [
        {("csv", "ours"): {"seconds": 0.30, "rows": 1}, ("csv", "plain"): {"seconds": 0.1}},
        {("csv", "ours"): {"seconds": 0.90, "rows": 2}, ("csv", "plain"): {"seconds": 0.3}},
        {("csv", "ours"): {"seconds": 0.20, "rows": 3}, ("csv", "plain"): {"seconds": 0.2}},
    ]
    median = bench.median_exports(runs)
    # the slow run of ours is left out, and each export is taken from its own median run
    assert median[("csv", "ours")] == {"seconds": 0.30, "rows": 1}
    assert median[("csv", "plain")] == {"seconds": 0.2}
    assert bench.median_exports(runs[:1]) == runs[0]
