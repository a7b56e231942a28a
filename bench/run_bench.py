"""``make bench``: every speed target beside its baseline, measured in one run, in ONE table.

    .venv/bin/python bench/run_bench.py [--quick] [--only review,documents,...] [--strict]

Runs the ``rows()`` of each bench module in a child process of its own (each sets Django up
with its own settings and database), one after the other, then prints one table (measure,
ours, baseline, unit, ratio, target, result) and writes it to bench/results/bench.txt, with the
same rows in bench/results/bench.json. A part that fails or overruns its time limit becomes a
row that falls short; the others still run. Exits 0 when everything was measured (even if
targets fall short: the table and its last line say so), 1 with ``--strict`` when a target
falls short or a part did not run.

Before the parts, it migrates one SQLite and one PostgreSQL database at once (20 s on two cores,
bench/bench_migrate.py); the six parts that need a fresh database copy them in a second
instead of migrating for 20 s each.

Parts (13-17 minutes in all on a 2-core machine; 785 s on 4 December 2026):

* review - bench/review_bench.py: assignment, selection, aggregation at 40 / 400 / 4,000;
* documents - bench/documents_bench.py: summary PDF of 500 submissions against WeasyPrint
  alone, a receipt in a warm worker, CSV writer;
* campaigns - bench/campaigns_bench.py: grouping 1,000 / 10,000 / 100,000 answers;
* languages - bench/languages_bench.py: the language of 10,000 / 100,000 answers against
  Lingua's own batch call;
* topics - bench/topics_bench.py: the topics of 10,000 / 100,000 answers against a plain
  scikit-learn pipeline (TfidfVectorizer + NMF), time and peak memory in fresh processes;
* consultations-sqlite - bench/consultations_bench.py on a throw-away SQLite database: data
  made by ``generate_bench_data`` at 1,000 / 10,000 / 100,000 responses, public pages under
  gunicorn, what we heard, CSV and XLSX exports, submitting;
* consultations-postgres - the same module on a throw-away PostgreSQL database (127.0.0.1:5432,
  ``WP_BENCH_POSTGRES_URL``): submitting and one page;
* monitoring - bench/monitoring_bench.py: the progress board's time, queries and HTML size;
* importing - bench/importing_bench.py: importing 50,000 rows of answers from a CSV against
  ``bulk_create`` of the same answers, its peak memory, and a file whose 49,999th row is wrong;
* editor - bench/editor_bench.py: the Wagtail page editor of the demo's largest consultation
  against a StandardPage's, server time, HTML size and, in Chromium, the time to a usable
  editor.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(BENCH))

import bench_migrate  # noqa: E402
from bench_table import check_rows, error_row, make_row, render, to_json  # noqa: E402

# (group, module, keyword arguments of rows(), time limit in seconds: a guard against a hung
# part, set at about three times what the part takes on an idle machine)
PARTS = [
    ("review", "review_bench", {}, 300),
    ("documents", "documents_bench", {}, 400),
    # Memory of the grouping (bench/campaigns_bench.py alone) costs a minute more: time only.
    ("campaigns", "campaigns_bench", {"rss": False, "traced": False}, 300),
    ("languages", "languages_bench", {}, 900),
    ("topics", "topics_bench", {}, 300),
    ("consultations-sqlite", "consultations_bench", {"postgres": False}, 900),
    ("consultations-postgres", "consultations_bench", {"postgres": True, "scope": "submit"}, 400),
    # Issue 21 point 5: what grows from 100,000 to a million answers, on PostgreSQL.
    ("consultations-million", "consultations_bench", {"postgres": True, "scope": "million"}, 1500),
    ("monitoring", "monitoring_bench", {}, 400),
    ("editor", "editor_bench", {}, 300),
    # Issue 20 point 3: importing 50,000 rows against bulk_create (about a minute and a half).
    ("importing", "importing_bench", {}, 300),
]
# The parts that start from a migrated database, and its engine (bench_migrate).
TEMPLATE_ENGINE = {
    "consultations-sqlite": "sqlite",
    "consultations-postgres": "postgres",
    "consultations-million": "postgres",
    "monitoring": "sqlite",
    "editor": "sqlite",
    "importing": "sqlite",
}
# --quick: a tenth of the data (a hundredth for the million), shorter rounds and fewer repeats:
# it checks the machinery in under 5 minutes (173 s on 4 December, against 339 s before the
# templates and these cuts). Targets set for the full sizes are judged there only.
QUICK = {
    "documents": {"quick": True},
    "campaigns": {"sizes": (1_000, 10_000)},
    "languages": {"sizes": (1_000, 10_000)},
    "topics": {"sizes": (1_000, 10_000)},
    "consultations-sqlite": {"quick": True},
    "consultations-postgres": {"quick": True},
    "consultations-million": {"quick": True},
    "editor": {"quick": True},
    "importing": {"quick": True},
}


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def child(module: str, kwargs: str, out: str) -> None:
    """In the child: import the module, call rows(**kwargs), write the rows as JSON."""
    rows = check_rows(importlib.import_module(module).rows(**json.loads(kwargs)))
    Path(out).write_text(json.dumps(rows, default=str))


def run_part(group: str, module: str, kwargs: dict, limit: float) -> list[dict]:
    """The rows of one part, measured in a child process; a failure becomes one row."""
    with tempfile.NamedTemporaryFile(suffix=".json", prefix="wp_bench_") as out:
        command = [sys.executable, __file__, "--child", module, json.dumps(kwargs), out.name]
        try:
            # The child's own output (progress, its tables) goes to our stderr: stdout keeps
            # only the final table.
            done = subprocess.run(command, stdout=sys.stderr, timeout=limit, check=False)
        except subprocess.TimeoutExpired:
            return [error_row(group, f"did not finish in {limit:.0f} s")]
        if done.returncode != 0:
            return [error_row(group, f"failed with exit status {done.returncode}, see above")]
        rows = json.loads(Path(out.name).read_text() or "[]")
    if not rows:
        return [error_row(group, "no rows")]
    return [{**row, "group": group} for row in rows]


def run_parts(only: set[str] | None, quick: bool) -> tuple[list[dict], list[tuple[str, float]]]:
    """Each part (or those in ``only``) in turn: their rows, and each part's wall time."""
    rows: list[dict] = []
    timings = []
    for group, module, kwargs, limit in PARTS:
        if only and group not in only:
            continue
        if not (BENCH / f"{module}.py").exists():
            log(f"--- {group}: {module}.py does not exist (yet); skipped")
            continue
        log(f"--- {group} ({module}.py, at most {limit} s)")
        began = time.perf_counter()
        part_kwargs = {**kwargs, **(QUICK.get(group, {}) if quick else {})}
        rows += run_part(group, module, part_kwargs, limit)
        timings.append((group, round(time.perf_counter() - began, 1)))
        log(f"--- {group} done in {time.perf_counter() - began:.0f} s")
    return rows, timings


# Issue 21 point 5: the whole bench under 20 minutes on this 2-core machine, --quick under 5.
BUDGET_SECONDS = {False: 1200, True: 300}


def wall_time_row(seconds: float, quick: bool) -> dict:
    """The bench's own wall time, every part included, against its budget."""
    row = make_row(
        f"make bench{' --quick' if quick else ''}, wall time of every part",
        round(seconds),
        None,
        "s",
        target=("<", BUDGET_SECONDS[quick]),
    )
    return {**row, "group": "bench"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="less data: checks the machinery")
    parser.add_argument("--only", help="comma-separated parts: " + ", ".join(p[0] for p in PARTS))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target falls short")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0

    only = set(args.only.split(",")) if args.only else None
    unknown = (only or set()) - {p[0] for p in PARTS}
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    load = os.getloadavg()
    timings: list[tuple[str, float]] = []
    # The run's migrated databases, which the parts copy instead of migrating (bench_migrate).
    templates = tempfile.mkdtemp(prefix="wp_bench_templates_", dir="/tmp")
    os.environ[bench_migrate.TEMPLATES] = templates
    try:
        engines = {TEMPLATE_ENGINE[group] for group in TEMPLATE_ENGINE if not only or group in only}
        if engines:
            began = time.perf_counter()
            log(f"--- migrating a database for {', '.join(sorted(engines))}, at once")
            for report in bench_migrate.build_templates(sorted(engines), templates).values():
                log(f"    {report}")
            timings.append(("templates", round(time.perf_counter() - began, 1)))
        rows, part_timings = run_parts(only, args.quick)
        timings += part_timings
    finally:
        bench_migrate.drop_templates(templates)
        shutil.rmtree(templates, ignore_errors=True)

    seconds = time.perf_counter() - started
    if only is None:  # issue 21 point 5: the whole bench within its budget
        rows.append(wall_time_row(seconds, args.quick))
    # CPU time of every process the parts ran (gunicorn and its workers included): unlike the
    # wall time, it hardly changes when other work shares the machine.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    parts = ", ".join(f"{group} {part:.0f} s" for group, part in timings)
    heading = [
        f"make bench{' --quick' if args.quick else ''}: {date}; {machine}; load average at "
        f"start {load[0]:.2f}; {seconds:.0f} s wall, {cpu:.0f} s CPU ({parts})",
        "ratio = ours / baseline (for requests/s and rows/s, below 1 is slower); every "
        "baseline is measured in the same run.",
        "",
    ]
    table = render(rows, heading)
    print(table)  # noqa: T201
    RESULTS.mkdir(exist_ok=True)
    suffix = "-quick" if args.quick else ""
    (RESULTS / f"bench{suffix}.txt").write_text(table)
    meta = {
        "date": date,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_at_start": load[0],
        },
        "quick": args.quick,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "part_seconds": dict(timings),
    }
    (RESULTS / f"bench{suffix}.json").write_text(to_json(rows, meta) + "\n")
    log(f"written: {RESULTS / f'bench{suffix}.txt'} and bench{suffix}.json")
    short = any(row["ok"] is False for row in rows)
    return 1 if args.strict and short else 0


if __name__ == "__main__":
    sys.exit(main())
