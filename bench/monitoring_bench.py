"""Benchmark of the monitoring board (issue 10), beside a baseline in the same run.

    .venv/bin/python bench/monitoring_bench.py [--postgres] [--keep]

In a throw-away database (a SQLite file in a new folder under /tmp, or with ``--postgres`` a
database ``wp_bench_monitoring`` created and dropped on 127.0.0.1:5432), with the settings of
bench/bench_settings.py (dev settings, DEBUG off): 20 indicators over the nine themes, each with
values for 30 countries x 10 years (6,000 values), 600 commitments with two progress updates
each, and 10,000 submitted responses to a consultation tagged with every theme.

Measures, through Django's test client in this process:

1. the board of the whole action plan, warm (the median of 15 requests after a first one that
   fills the chart cache); baseline: a plain Wagtail StandardPage in the same database. Target:
   under 0.3 s warm.
2. the same board cold (chart cache cleared before each request), for information.
3. its query count with 1/10 of the commitments and values and with all of them: must not grow.
4. the board of one theme, warm.
5. the HTML size of both boards (what a phone downloads and parses) beside the StandardPage's;
   target: under 100 KB each.

``rows()`` returns the table (keys measure, ours, baseline, unit, ratio, target, ok); run as a
script it prints it, writes bench/results/monitoring-<database>.txt and exits 1 if a target is
missed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SITE = ROOT / "site"
RESULTS = BENCH / "results"
PG_NAME = "wp_bench_monitoring"
TARGET_WARM_S = 0.3
PAGE_KB_LIMIT = 100  # HTML of a public page, for a phone
YEARS = 10
COUNTRIES = 30
INDICATORS = 20
COMMITMENTS = 600
RESPONSES = 10_000
EU_AND_NEIGHBOURS = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE NO CH IS"
).split()


def _setup(url: str, media: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        WP_BENCH_DATABASE_URL=url,
        WP_BENCH_MEDIA_ROOT=media,
    )
    for path in (str(ROOT), str(BENCH), str(SITE)):
        if path not in sys.path:
            sys.path.insert(0, path)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()


class Database:
    def __init__(self, postgres: bool, server_url: str):
        self.postgres = postgres
        self.server_url = server_url
        self.tmp = tempfile.mkdtemp(prefix="wp_bench_monitoring_", dir="/tmp")
        self.media = os.path.join(self.tmp, "media")
        if postgres:
            import psycopg

            with psycopg.connect(server_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{PG_NAME}"')
            self.url = server_url.rsplit("/", 1)[0] + f"/{PG_NAME}"
            self.label = "PostgreSQL"
        else:
            path = os.path.join(self.tmp, "db.sqlite3")
            self.url = f"sqlite:///{path}"
            self.label = "SQLite"

    def drop(self, keep: bool) -> None:
        if keep:
            return
        from django.db import connections

        connections.close_all()
        if self.postgres:
            import psycopg

            with psycopg.connect(self.server_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


def build(fraction: float = 1.0, *, home=None):
    """Pages (once), then a share of the data: indicators, values, commitments, responses."""
    from django.utils import timezone
    from wagtail.models import Locale, Page, Site
    from wagtail.rich_text import RichText

    from consultations.models import ConsultationIndexPage, ConsultationPage, Response
    from monitoring.models import (
        Commitment,
        Indicator,
        IndicatorValue,
        MonitoringBoardPage,
        ProgressUpdate,
    )
    from portal.models import HomePage, StandardPage
    from themes.models import Theme

    rng = random.Random(10)  # noqa: S311 - made-up figures
    themes = list(Theme.objects.filter(locale=Locale.get_default()))
    pages = {}
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(title="Home", slug="bench-home", locale=Locale.get_default())
        )
        site = Site.objects.get(is_default_site=True)
        site.root_page = home
        site.save()
        paragraph = "<p>The platform lets public bodies involve migrants in decisions.</p>"
        standard = home.add_child(
            instance=StandardPage(
                title="About",
                slug="about",
                intro="Who we are.",
                body=[("heading", "How it works"), ("paragraph", RichText(paragraph * 3))],
            )
        )
        standard.save_revision().publish()
        board = home.add_child(instance=MonitoringBoardPage(title="Progress", slug="progress"))
        board.save_revision().publish()
        index = home.add_child(instance=ConsultationIndexPage(title="C", slug="consult"))
        index.save_revision().publish()
        now = timezone.now()
        consultation = index.add_child(
            instance=ConsultationPage(
                title="Bench consultation",
                slug="bench",
                intro="x",
                opens_at=now - timedelta(days=60),
                closes_at=now - timedelta(days=1),
            )
        )
        consultation.themes.set(themes)
        consultation.save_revision().publish()
        pages = {"home": home, "standard": standard, "board": board, "consultation": consultation}
    consultation = ConsultationPage.objects.get(slug="bench")
    done = Indicator.objects.count()
    wanted = max(1, round(INDICATORS * fraction))
    values = []
    for n in range(done, wanted):
        indicator = Indicator.objects.create(
            theme=themes[n % len(themes)], name=f"Indicator {n}", slug=f"ind-{n}", unit="%"
        )
        for country in EU_AND_NEIGHBOURS[:COUNTRIES]:
            level = rng.uniform(20, 80)
            for year in range(2015, 2015 + YEARS):
                level += rng.uniform(-2, 2)
                values.append(
                    IndicatorValue(
                        indicator=indicator,
                        country=country,
                        year=year,
                        value=Decimal(str(round(level, 2))),
                    )
                )
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    have = Commitment.objects.count()
    statuses = [s for s, _label in Commitment.Status.choices]
    updates = []
    for n in range(have, round(COMMITMENTS * fraction)):
        status = statuses[n % 4]
        commitment = Commitment.objects.create(
            title=f"Commitment {n}",
            status=status,
            progress=rng.randint(0, 100),
            dropped_reason="Bench" if status == "dropped" else "",
            due_on=date.today() + timedelta(days=n),
            consultation=consultation,
        )
        commitment.themes.set(rng.sample(themes, 2))
        for k in range(2):
            updates.append(
                ProgressUpdate(
                    commitment=commitment,
                    date=date.today() - timedelta(days=10 * k),
                    text="Progress.",
                    status=status,
                    progress=commitment.progress,
                )
            )
    ProgressUpdate.objects.bulk_create(updates, batch_size=2000)
    have = Response.objects.count()
    now = timezone.now()
    Response.objects.bulk_create(
        [
            Response(
                consultation=consultation,
                respondent_type="individual",
                status=Response.Status.SUBMITTED,
                receipt_number=f"CONS-B{n:07d}",
                submitted_at=now,
                country=rng.choice(EU_AND_NEIGHBOURS),
            )
            for n in range(have, round(RESPONSES * fraction))
        ],
        batch_size=2000,
    )
    return pages


def _timed(client, url, runs, cold=False):
    from django.core.cache import cache

    times = []
    for _ in range(runs):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def rows(postgres: bool = False, server_url: str = "", keep: bool = False) -> list[dict]:
    server_url = server_url or "postgres://postgres@127.0.0.1:5432/postgres"
    database = Database(postgres, server_url)
    try:
        _setup(database.url, database.media)
        import bench_migrate  # bench/ is on the path once _setup has run
        from django.core.cache import cache
        from django.test import Client

        bench_migrate.migrate()
        pages = build(0.1)
        client = Client(HTTP_HOST="localhost")
        board = pages["board"].url
        client.get(board)
        queries_small = _queries(client, board)
        cache.clear()
        client.get(board)
        build(1.0, home=pages["home"])
        cache.clear()
        client.get(board)  # fills the chart cache
        queries_large = _queries(client, board)
        cache.clear()
        cold = _timed(client, board, 3, cold=True)
        client.get(board)
        warm = _timed(client, board, 15)
        theme_url = board + "employment-and-skills/"
        client.get(theme_url)
        theme_warm = _timed(client, theme_url, 15)
        client.get(pages["standard"].url)
        baseline = _timed(client, pages["standard"].url, 15)
        # The HTML a phone downloads and parses (charts drawn, warm cache).
        kb = {
            name: round(len(client.get(url).content) / 1000, 1)
            for name, url in (
                ("board", board),
                ("theme", theme_url),
                ("standard", pages["standard"].url),
            )
        }
        size = f"{INDICATORS} indicators x {COUNTRIES} countries x {YEARS} years"
        return [
            {
                "measure": f"all-themes board, warm ({size}, {COMMITMENTS} commitments, "
                f"{RESPONSES:,} responses; {database.label})",
                "ours": round(warm, 4),
                "baseline": round(baseline, 4),
                "unit": "s",
                "ratio": round(warm / baseline, 1) if baseline else None,
                "target": "under 0.3 s warm",
                "ok": warm < TARGET_WARM_S,
            },
            {
                "measure": "all-themes board, cold (charts drawn again)",
                "ours": round(cold, 4),
                "baseline": round(baseline, 4),
                "unit": "s",
                "ratio": round(cold / baseline, 1) if baseline else None,
                "target": "",
                "ok": None,  # for information
            },
            {
                "measure": "one theme's board, warm",
                "ours": round(theme_warm, 4),
                "baseline": round(baseline, 4),
                "unit": "s",
                "ratio": round(theme_warm / baseline, 1) if baseline else None,
                "target": "under 0.3 s warm",
                "ok": theme_warm < TARGET_WARM_S,
            },
            {
                "measure": "all-themes board, HTML size (baseline: a StandardPage)",
                "ours": kb["board"],
                "baseline": kb["standard"],
                "unit": "KB",
                "ratio": round(kb["board"] / kb["standard"], 1) if kb["standard"] else None,
                "target": f"under {PAGE_KB_LIMIT} KB",
                "ok": kb["board"] < PAGE_KB_LIMIT,
            },
            {
                "measure": "one theme's board, HTML size (baseline: a StandardPage)",
                "ours": kb["theme"],
                "baseline": kb["standard"],
                "unit": "KB",
                "ratio": round(kb["theme"] / kb["standard"], 1) if kb["standard"] else None,
                "target": f"under {PAGE_KB_LIMIT} KB",
                "ok": kb["theme"] < PAGE_KB_LIMIT,
            },
            {
                "measure": "all-themes board queries, 1/10 of the data vs all of it",
                "ours": queries_large,
                "baseline": queries_small,
                "unit": "queries",
                "ratio": round(queries_large / queries_small, 2) if queries_small else None,
                "target": "does not grow",
                "ok": queries_large <= queries_small,
            },
        ]
    finally:
        database.drop(keep)


def _table(found: list[dict]) -> str:
    lines = ["| measure | ours | baseline | unit | ratio | target | result |", "|---" * 7 + "|"]
    for row in found:
        lines.append(
            "| {measure} | {ours} | {baseline} | {unit} | {ratio} | {target} | {ok} |".format(
                **{**row, "ok": {True: "ok", False: "MISSED", None: "info"}[row["ok"]]}
            )
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    found = rows(args.postgres, args.postgres_url, args.keep)
    table = _table(found)
    print(table)  # noqa: T201 - a script reports on stdout
    RESULTS.mkdir(exist_ok=True)
    name = "postgresql" if args.postgres else "sqlite"
    (RESULTS / f"monitoring-{name}.txt").write_text(table + "\n")
    return 0 if all(row["ok"] is not False for row in found) else 1


if __name__ == "__main__":
    sys.exit(main())
