"""Benchmark of the consultations speed targets, each beside a baseline in the same run.

    .venv/bin/python bench/consultations_bench.py [--quick] [--postgres] [--scope submit]
                                                  [--profile] [--keep]

``rows()`` gives the rows to bench/run_bench.py (``make bench``); run alone, it prints its table
and writes it to bench/results/consultations-<database>[-quick].txt.

Everything happens in a throw-away database: a SQLite file in a new folder under /tmp, or with
``--postgres`` a database ``wp_bench_consultations`` created (and dropped at the end) on
127.0.0.1:5432 (``--postgres-url`` for another server). The repository's db.sqlite3 and media
are never touched. Settings: bench/bench_settings.py (portal.settings.dev with DEBUG off, the
bench database, and bench/baseline_app: a bare view that validates a form and inserts a row,
and the ``generate_bench_data`` command that makes the data).

1. Data: ``generate_bench_data --responses N`` at 1,000, then 10,000, then 100,000 submitted
   responses (1x, 10x, 100x; the command only adds what is missing).
2. *What we heard* at each size, through Django's test client in this process, warm (median,
   summary cached) and cold (median, cache cleared before each request), and its query count,
   which must not grow; its cold time at the largest size over the smallest must stay under
   2x (it reads the counts table, whatever the number of answers). Baseline: a StandardPage
   (portal.models) on the same database, same client, same cache treatment. Target: under
   0.5 s warm at 100,000. Growth rows: the time at 10x over the time at 1x. Its HTML size at
   the largest size beside the StandardPage's (what a phone downloads and parses); target:
   under 100 KB.
3. CSV and XLSX export of all the responses at each size (participation.documents.spreadsheets
   over consultations.documents.response_rows/response_columns), each in a fresh process:
   rows/s and growth of the peak resident set size (VmHWM) after a warm-up; baseline: the csv
   module / openpyxl's write-only mode writing as many plain rows of the same width, made on
   the fly. Targets (issue 21): CSV at least 0.25x the csv module, XLSX at least 0.5x
   openpyxl, memory growth under 50 MB, the first CSV row within 1 s. Growth rows for the time.
4. Public pages under gunicorn (2 workers, ``--chdir site portal.wsgi``, a free loopback port,
   the same database, 100,000 responses): home, the consultation, what we heard, a theme page,
   each driven by a bounded load generator (threads with http.client, a fixed number of
   seconds per round, rounds alternating between the pages): requests/s and p95 latency, and
   the queries of one warm request; baseline: the StandardPage, driven the same way right after
   each page in each round; the ratio is the median of these paired ratios.
5. Submitting: the final POST of the consultation flow (``consultations:submit``) for drafts
   created up front, one per virtual user, each with its own session cookie minted with
   Django's session engine, and a CSRF cookie and token like a browser's; baseline: POST to the
   bare view (form + one INSERT) and the *floor* (bench/baseline_app/views.py
   ``floor_submit``): the least any submit must do in bare Django (sign the person in from the
   session, submit their draft once with one conditional UPDATE, one INSERT to keep a trace,
   one transaction), with the same sessions; rounds alternate between the three, ours and the
   floor side by side (which goes first changes every round). Throughput = successful requests
   (302 to the expected page) per second; target (issue 21): ours >= 0.5x the floor, the median
   of the rounds' paired ratios. Ours and the floor against form + INSERT are shown for information.

``--scope submit`` (what ``make bench`` runs on PostgreSQL) does 1,000 responses, the what-we-
heard page under gunicorn and submitting only; ``--scope pages`` the public pages under gunicorn
only, at the largest size. ``--scope million`` (PostgreSQL, what ``make bench`` runs as
its part ``consultations-million``) does steps 1 to 4 at 100,000 then 1,000,000 responses (past
the first 20,000, copies made by the server: a few minutes), with growth rows from one to the
other, and no submits. ``--quick`` uses a tenth of the data (a hundredth with ``--scope
million``) and short rounds. ``--profile``
then prints where the time goes, measured in this process after the timed parts: the SQL of
one submit, on PostgreSQL the server's CPU per submit and per floor submit (100 each), cProfile
of 199 submits, of 10 warm requests of what we heard and of 5,000 rows of
the CSV export. ``--keep`` keeps the database.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import itertools
import json
import os
import pstats
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SITE = ROOT / "site"
RESULTS = BENCH / "results"
GUNICORN = Path(sys.executable).parent / "gunicorn"
# WP_BENCH_PG_NAME: another name, so that two checkouts can bench on one server at once.
PG_NAME = os.environ.get("WP_BENCH_PG_NAME", "wp_bench_consultations")
DEFAULT_POSTGRES_URL = os.environ.get(
    "WP_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
CLIENTS = 4  # concurrent virtual users driving the two gunicorn workers

PAGE_KB_LIMIT = 100  # HTML of a public page, for a phone
TARGET_WARM_S = 0.5
# Issue 21, point 3: submitting at least 0.5x the requests/s of the floor (bench/baseline_app
# floor_submit); it replaced issue 5's 0.7x of form + INSERT, which the floor itself cannot reach.
TARGET_SUBMIT_FLOOR_RATIO = 0.5
TARGET_EXPORT_MB = 50.0
# Issue 21, point 4: against the csv module / openpyxl's write-only mode writing as many plain
# rows of the same width, and the first CSV row within a second.
TARGET_EXPORT_RATIO = {"csv": 0.25, "xlsx": 0.5}
TARGET_FIRST_ROW_S = 1.0
# Issue 21, point 2: each public page at least 0.8x the requests/s of a plain StandardPage.
TARGET_PAGE_RATIO = 0.8
ANSWER_PAGES = ("what we heard", "published answers", "progress board")
TARGET_COLD_GROWTH = 2.0  # what we heard, cold, largest size over smallest (100x the answers)

sys.path.insert(0, str(BENCH))
import bench_migrate  # noqa: E402
from bench_table import growth_rows, make_row, render  # noqa: E402

# --- Django in this process and in the children ---------------------------------------------


def django_env(url: str, media: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        WP_BENCH_DATABASE_URL=url,
        WP_BENCH_MEDIA_ROOT=media,
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT)]),
    )
    return env


def setup_django(env: dict) -> None:
    for name in ("DJANGO_SETTINGS_MODULE", "WP_BENCH_DATABASE_URL", "WP_BENCH_MEDIA_ROOT"):
        os.environ[name] = env[name]
    sys.path[:0] = [str(SITE), str(BENCH), str(ROOT)]
    # WhiteNoise looks for collected static files, which only production has.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()


class Database:
    """A throw-away database: a SQLite file in a new /tmp folder, or a PostgreSQL database."""

    def __init__(self, postgres: bool, server_url: str):
        self.postgres = postgres
        self.tmp = tempfile.mkdtemp(prefix="wp_bench_consultations_", dir="/tmp")
        self.media = os.path.join(self.tmp, "media")
        if postgres:
            import psycopg

            self.server_url = server_url
            with psycopg.connect(server_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{PG_NAME}"')
                self.version = conn.execute("SHOW server_version").fetchone()[0]
            base = server_url.rsplit("/", 1)[0]
            self.url = f"{base}/{PG_NAME}"
            self.label = f"PostgreSQL {self.version}, database {PG_NAME}"
        else:
            path = os.path.join(self.tmp, "db.sqlite3")
            self.url = f"sqlite:///{path}"
            import sqlite3

            self.label = f"SQLite {sqlite3.sqlite_version}, {path}"

    def drop(self, keep: bool) -> None:
        if self.postgres and not keep:
            import psycopg

            with psycopg.connect(self.server_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        if not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


# --- data: see bench/baseline_app/benchdata.py (generate_bench_data) ------------------


class Draft:
    def __init__(self, path: str, session_key: str, response_id: int):
        self.path, self.session_key, self.response_id = path, session_key, response_id


def make_drafts(consultation, count: int, prefix: str = "bench-voter") -> list[Draft]:
    """One signed-in virtual user per draft: a user, a complete draft answered by them, and a
    session minted with the configured session engine (as a sign-in would leave it)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from consultations.demo_responses import _recognition_answers
    from consultations.models import Response
    from participation.questionnaire.export import snapshot
    from participation.questionnaire.structure import parse

    User = get_user_model()
    snap = snapshot(parse(consultation.questionnaire))
    rng = random.Random(99)
    users = [
        User(username=f"{prefix}-{n}", email=f"{prefix}-{n}@example.org", is_active=True)
        for n in range(count)
    ]
    for user in users:
        user.set_unusable_password()
    drafts = []
    with transaction.atomic():
        User.objects.bulk_create(users)
        for n, user in enumerate(users):
            language, answers = _recognition_answers(rng, n)
            drafts.append(
                Response(
                    consultation=consultation,
                    user=user,
                    updated_by=user,
                    respondent_type=Response.RespondentType.INDIVIDUAL,
                    country="DE",
                    language=language,
                    answers=answers,
                    questionnaire_snapshot=snap,
                    version=3,  # as after two saved steps
                )
            )
        Response.objects.bulk_create(drafts)
    engine = import_module(settings.SESSION_ENGINE)
    keys = []
    # A real submit comes from the review page, in a session that has just passed the
    # two-factor check (participation.accounts.middleware): mint it in that state, or every
    # submit would pay for a check that a person's session makes once in five minutes.
    from participation.accounts.middleware import MFA_CHECKED_UNTIL, RECHECK_SECONDS

    checked = {MFA_CHECKED_UNTIL: time.time() + RECHECK_SECONDS + 3600}  # the bench's length
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.backends.base import VALID_KEY_CHARS
        from django.contrib.sessions.models import Session
        from django.utils.crypto import get_random_string

        store = engine.SessionStore()
        expire = timezone.now() + timedelta(days=1)
        rows = []
        for user in users:
            key = get_random_string(32, VALID_KEY_CHARS)
            data = {
                "_auth_user_id": str(user.pk),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": user.get_session_auth_hash(),
                **checked,
            }
            encoded = store.encode(data)
            rows.append(Session(session_key=key, session_data=encoded, expire_date=expire))
            keys.append(key)
        Session.objects.bulk_create(rows)
    else:  # any other engine: one session at a time, through its store
        for user in users:
            session = engine.SessionStore()
            session.update(
                _auth_user_id=str(user.pk),
                _auth_user_backend="django.contrib.auth.backends.ModelBackend",
                _auth_user_hash=user.get_session_auth_hash(),
                **checked,
            )
            session.create()
            keys.append(session.session_key)
    return [
        Draft(
            reverse("consultations:submit", args=[draft.pk]),  # where the review page posts
            key,
            draft.pk,
        )
        for draft, key in zip(drafts, keys, strict=True)
    ]


class QueryCounter:
    """Counts the statements this thread sends to the database. (CaptureQueriesContext reads
    positions in Django's query log, a bounded deque: once earlier captures have filled it, it
    reports 0 queries.)"""

    def __enter__(self):
        from django.db import connection

        self.count = 0
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        return self

    def _count(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc_info):
        return self._wrapper.__exit__(*exc_info)

    def __len__(self) -> int:
        return self.count


# --- part 1: what we heard -----------------------------------------------------------------


def measure_page(client, url: str, cold_repeat: int, warm_repeat: int) -> dict:
    """Median times (s) cold (cache cleared before each request) and warm, and query counts."""
    from django.core.cache import cache

    size = {}

    def get():
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code}")
        size["bytes"] = len(response.content)
        return elapsed

    cold = []
    for _ in range(cold_repeat):
        cache.clear()
        cold.append(get())
    get()
    warm = [get() for _ in range(warm_repeat)]
    cache.clear()
    with QueryCounter() as cold_queries:
        get()
    with QueryCounter() as warm_queries:
        get()
    return {
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        "cold_queries": len(cold_queries),
        "warm_queries": len(warm_queries),
        "kb": round(size["bytes"] / 1000, 1),  # the HTML a phone downloads and parses
    }


# --- gunicorn and the load generator -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with 2 workers on a free loopback port, started and stopped by the bench."""

    def __init__(self, env: dict, tmp: str):
        self.port = free_port()
        self.log_path = os.path.join(tmp, "gunicorn.log")
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "--chdir",
                str(SITE),
                "portal.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                status, _, _ = self.request("GET", "/bench-baseline/")
                if status:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not answer in 60 s; see {self.log_path}")
            time.sleep(0.2)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, response.getheader("Location", ""), data
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the gunicorn master we started; it stops its workers
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()

    def log_tail(self, chars: int = 4000) -> str:
        with open(self.log_path) as log:
            return log.read()[-chars:]


def run_load(server: Server, requests, seconds: float, clients: int = CLIENTS) -> dict:
    """Send each of `requests` (path, body, headers, expected redirect) at most once from
    `clients` threads, until they are used up or `seconds` have passed (in-flight requests are
    then finished). With a body: a POST, successful when answered by a 302 to a location
    containing the expected text; without: a GET, successful when answered by a 200."""
    counter = itertools.count()
    lock = threading.Lock()
    ok, errors, latencies = [0], [], []
    deadline = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < deadline:
            index = next(counter)
            if index >= len(requests):
                return
            path, body, headers, expect = requests[index]
            start = time.perf_counter()
            try:
                method = "GET" if body is None else "POST"
                status, location, data = server.request(method, path, body, headers)
            except OSError as error:
                status, location, data = None, "", str(error).encode()
            elapsed = time.perf_counter() - start
            with lock:
                if (status == 302 and expect in location) if body else status == 200:
                    ok[0] += 1
                    latencies.append(elapsed)
                else:
                    errors.append((status, path, f"-> {location} {data[:300]!r}"))

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "ok": ok[0],
        "errors": errors,
        "used": ok[0] + len(errors),
        "seconds": elapsed,
        "rps": ok[0] / elapsed if elapsed else 0.0,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else float("nan"),
    }


def csrf_pair() -> tuple[str, str]:
    from django.conf import settings
    from django.utils.crypto import get_random_string

    secret = get_random_string(32)  # what a browser holds in its cookie after any form page
    return f"{settings.CSRF_COOKIE_NAME}={secret}", secret


def baseline_requests(count: int, offset: int):
    cookie, token = csrf_pair()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    return [
        (
            "/bench-baseline/",
            urlencode({"csrfmiddlewaretoken": token, "text": f"answer {offset + n}"}).encode(),
            headers,
            "/bench-baseline/",
        )
        for n in range(count)
    ]


def page_requests(path: str, count: int):
    return [(path, None, {}, "")] * count


def submit_requests(drafts: list[Draft]):
    from django.conf import settings

    cookie, token = csrf_pair()
    body = urlencode({"csrfmiddlewaretoken": token, "publication": "anonymous"}).encode()
    return [
        (
            draft.path,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"{cookie}; {settings.SESSION_COOKIE_NAME}={draft.session_key}",
            },
            f"/{draft.response_id}/done/",
        )
        for draft in drafts
    ]


FLOOR_DRAFTS_PER_USER = 12  # the floor runs as fast as the baseline: it needs many drafts


def make_floor_drafts(drafts: list[Draft]) -> list[tuple[int, str]]:
    """(floor draft id, session key): drafts of bench/baseline_app's floor view, owned by the
    same people, signed in by the same sessions, as the consultation drafts."""
    from baseline_app.models import FloorDraft

    from consultations.models import Response

    owner_of = dict(
        Response.objects.filter(pk__in=[d.response_id for d in drafts]).values_list("pk", "user")
    )
    rows = [
        FloorDraft(owner_id=owner_of[draft.response_id])
        for _ in range(FLOOR_DRAFTS_PER_USER)
        for draft in drafts
    ]
    created = FloorDraft.objects.bulk_create(rows)
    sessions = [draft.session_key for _ in range(FLOOR_DRAFTS_PER_USER) for draft in drafts]
    return [(row.pk, key) for row, key in zip(created, sessions, strict=True)]


def floor_requests(floor_drafts: list[tuple[int, str]]):
    from django.conf import settings

    cookie, token = csrf_pair()
    body = urlencode({"csrfmiddlewaretoken": token}).encode()
    return [
        (
            f"/bench-baseline/floor/{pk}/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"{cookie}; {settings.SESSION_COOKIE_NAME}={key}",
            },
            f"/floor/{pk}/done/",
        )
        for pk, key in floor_drafts
    ]


def queries_per_request(drafts: list[Draft]) -> tuple[int, int]:
    """Queries of one submit and of one baseline POST, through the test client in-process."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    with QueryCounter() as base:
        status = client.post("/bench-baseline/", {"text": "counted"}).status_code
    assert status == 302, status
    # The first submit of a process warms caches (content types, site root paths): count the
    # second, as a warm worker would see it.
    client.cookies[settings.SESSION_COOKIE_NAME] = drafts[0].session_key
    response = client.post(drafts[0].path, {"publication": "anonymous"})
    assert response.status_code == 302 and "/done/" in response["Location"], response
    client.cookies[settings.SESSION_COOKIE_NAME] = drafts[1].session_key
    with QueryCounter() as ours:
        response = client.post(drafts[1].path, {"publication": "anonymous"})
    assert response.status_code == 302 and "/done/" in response["Location"], response
    return len(ours), len(base)


# --- exports (each in a fresh process) -------------------------------------------------------


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def export_figures(fmt: str, kind: str) -> dict:
    """Export all the submitted responses (``kind`` "ours") or as many plain rows of the same
    width ("plain") as CSV or XLSX, after a warm-up of 1,000 rows: the time, the rows and the
    growth of the peak resident set. Run in a process of its own (forked by child_exports)."""
    import csv

    from baseline_app.benchdata import SLUG
    from openpyxl import Workbook

    from consultations.documents import response_columns, response_rows
    from consultations.models import ConsultationPage, Response
    from participation.documents.spreadsheets import iter_csv, write_xlsx

    consultation = ConsultationPage.objects.get(slug=SLUG)
    expected = Response.objects.filter(
        consultation=consultation, status=Response.Status.SUBMITTED
    ).count()
    columns = response_columns(consultation)
    width = len(columns)

    def plain_rows(count):
        fixed = ["2026-03-01 10:00:00", "individual", "", "", "DE", "en", "anonymous"]
        fixed += ["approved", "false", "", "online"]
        for n in range(count):
            yield [f"CONS-BENCH-{n:07d}", *fixed, *[f"answer {n}"] * (width - len(fixed) - 1)]

    class Echo:
        def write(self, value):
            return value

    def export(limit=None):
        """Returns the number of rows written and the seconds to the first row."""
        start = time.perf_counter()
        if fmt == "csv":
            if kind == "ours":
                lines = iter_csv(response_rows(consultation, columns, for_csv=True), columns)
            else:
                writer = csv.writer(Echo())
                header = [writer.writerow([f"column {i}" for i in range(width)])]
                body = (writer.writerow(row) for row in plain_rows(limit or expected))
                lines = itertools.chain(["\ufeff"], header, body)
            count, first_row = -2, None  # BOM, header
            for _line in itertools.islice(lines, None if limit is None else limit + 2):
                count += 1
                if count == 1:
                    first_row = time.perf_counter() - start
            if hasattr(lines, "close"):
                lines.close()
            return count, first_row
        with tempfile.TemporaryFile(suffix=".xlsx") as handle:
            if kind == "ours":
                rows = response_rows(consultation, columns)
                if limit is not None:
                    rows = itertools.islice(rows, limit)
                count = write_xlsx(rows, columns, handle)
            else:
                workbook = Workbook(write_only=True)
                sheet = workbook.create_sheet("Data")
                sheet.append([f"column {i}" for i in range(width)])
                count = 0
                for row in plain_rows(limit or expected):
                    sheet.append(row)
                    count += 1
                workbook.save(handle)
        return count, None

    export(1000)  # imports, first queries, the columns
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # resets the peak (VmHWM) to the current resident set
    except OSError:
        pass
    hwm_before, rss_before = _status_kb("VmHWM"), _status_kb("VmRSS")
    start = time.perf_counter()
    count, first_row = export()
    seconds = time.perf_counter() - start
    hwm_after = _status_kb("VmHWM")
    # A small export takes a few milliseconds: repeat it for half a second (a fifth with
    # --quick; at most 50 times) and take the mean, which is what one long export averages too.
    # (The best of several small runs against one large run would make the growth look worse
    # than it is.)
    runs, least = 1, float(os.environ.get("WP_BENCH_EXPORT_SECONDS", "0.5"))
    while seconds < least and runs < 50:
        start = time.perf_counter()
        export()
        seconds += time.perf_counter() - start
        runs += 1
    seconds /= runs
    return {
        "rows": count,
        "expected": expected,
        "seconds": seconds,
        "first_row": first_row,
        "rss_before_mb": rss_before / 1024,
        # the peak above what the process held before: what the export itself added
        "rss_growth_mb": max(0, hwm_after - max(hwm_before, rss_before)) / 1024,
    }


FORMATS = ("csv", "xlsx")
KINDS = ("ours", "plain")


def _exports(formats) -> list[tuple[str, str]]:
    return [(fmt, kind) for fmt in formats for kind in KINDS]


def child_exports() -> None:
    """Run in a fresh process: set Django up once, then measure each export in a process forked
    from it (its own memory peak, no allocator state left by the others, no start-up cost),
    ``WP_BENCH_EXPORT_RUNS`` times in turn; print the figures of each run as JSON."""
    setup_django(os.environ)
    from django.db import connections

    connections.close_all()  # each forked process opens its own connection
    exports = _exports(os.environ.get("WP_BENCH_EXPORT_FORMATS", "csv,xlsx").split(","))
    runs = []
    for _ in range(int(os.environ.get("WP_BENCH_EXPORT_RUNS", "1"))):
        results = {}
        for fmt, kind in exports:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the forked process
                os.close(read)
                status = 0
                try:
                    data = json.dumps(export_figures(fmt, kind)).encode()
                except BaseException as error:  # noqa: BLE001 - reported to the parent
                    data, status = json.dumps({"error": repr(error)}).encode(), 1
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                os._exit(status)
            os.close(write)
            with os.fdopen(read, "rb") as pipe:
                results[f"{fmt}-{kind}"] = json.loads(pipe.read() or b"{}")
            os.waitpid(pid, 0)
        runs.append(results)
    print(json.dumps(runs))  # noqa: T201


def run_child_exports(
    env: dict, formats=FORMATS, runs: int = 1, least_seconds: float = 0.5
) -> list[dict]:
    """The figures of the exports (ours and plain rows, in each of ``formats``) at the current
    size, from a fresh process: one dict per run, each export repeated for at least
    ``least_seconds``."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", "exports"],
        env={
            **env,
            "WP_BENCH_EXPORT_FORMATS": ",".join(formats),
            "WP_BENCH_EXPORT_RUNS": str(runs),
            "WP_BENCH_EXPORT_SECONDS": str(least_seconds),
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"export child failed:\n{result.stderr[-3000:]}")
    found = []
    for figures in json.loads(result.stdout.strip().splitlines()[-1]):
        for fmt, kind in _exports(formats):
            data = figures.get(f"{fmt}-{kind}", {})
            if "error" in data or data.get("rows") != data.get("expected"):
                raise RuntimeError(f"{fmt} export ({kind}): {data}")
        found.append({(fmt, kind): figures[f"{fmt}-{kind}"] for fmt, kind in _exports(formats)})
    return found


def median_exports(runs: list[dict]) -> dict:
    """Of several runs of ``run_child_exports``, each export's run of median time."""
    return {
        key: sorted((run[key] for run in runs), key=lambda figures: figures["seconds"])[
            len(runs) // 2
        ]
        for key in runs[0]
    }


# --- profile (optional) -------------------------------------------------------------------


def server_cpu_ms(client, posts: list[tuple[str, str]]) -> float | None:
    """PostgreSQL's CPU (user + system) per POST of ``posts`` (path, session key), from the
    statistics it logs for each statement when ``log_statement_stats`` is on, sent to this
    client. None on SQLite or without the right to turn it on (a superuser's)."""
    from django.conf import settings
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET log_statement_stats = on; SET client_min_messages = log")
    except DatabaseError:
        return None
    seconds = []

    def note(diagnostic):
        text = f"{diagnostic.message_primary}\n{diagnostic.message_detail or ''}"
        found = re.search(r"([\d.]+) s user, ([\d.]+) s system", text)
        if found:
            seconds.append(float(found[1]) + float(found[2]))

    connection.connection.add_notice_handler(note)
    try:
        for path, key in posts:
            client.cookies[settings.SESSION_COOKIE_NAME] = key
            status = client.post(path, {"publication": "anonymous"}).status_code
            assert status == 302, status
    finally:
        connection.connection.remove_notice_handler(note)
        with connection.cursor() as cursor:
            cursor.execute("RESET log_statement_stats; RESET client_min_messages")
    return 1000 * sum(seconds) / len(posts)


def profile(drafts: list[Draft], consultation, what_we_heard_url: str) -> str:
    """Where the time goes: the SQL of one submit, cProfile of submits (test client,
    in-process), of warm requests of what we heard, and of 5,000 rows of the CSV export."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from consultations.documents import response_columns, response_rows
    from participation.documents.spreadsheets import iter_csv

    def stats(profiler, title, sort="cumulative", limit=40):
        out.write(f"\n--- cProfile: {title}, by {sort} time\n")
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(limit)

    out = io.StringIO()
    client = Client()
    spare, drafts = drafts[0], drafts[1:]
    measured, drafts = drafts[:100], drafts[100:]
    floor = make_floor_drafts(measured)[: len(measured)]
    ours_ms = server_cpu_ms(client, [(d.path, d.session_key) for d in measured])
    floor_ms = server_cpu_ms(client, [(f"/bench-baseline/floor/{pk}/", key) for pk, key in floor])
    if ours_ms is not None:
        out.write(
            f"\n--- the database server's CPU per request (log_statement_stats): submit "
            f"{ours_ms:.2f} ms, the floor {floor_ms:.2f} ms\n"
        )
    client.cookies[settings.SESSION_COOKIE_NAME] = spare.session_key
    with CaptureQueriesContext(connection) as queries:
        client.post(spare.path, {"publication": "anonymous"})
    out.write(f"\n--- the {len(queries)} SQL statements of one submit request\n")
    for number, query in enumerate(queries, start=1):
        out.write(f"{number:3d} {query['time']}s  {query['sql'][:160]}\n")
    profiler = cProfile.Profile()
    for draft in drafts:
        client.cookies[settings.SESSION_COOKIE_NAME] = draft.session_key
        profiler.enable()
        status = client.post(draft.path, {"publication": "anonymous"}).status_code
        profiler.disable()
        assert status == 302, status
    stats(profiler, f"{len(drafts)} submit requests")
    stats(profiler, f"{len(drafts)} submit requests", "tottime", 25)
    out.write("\n--- what the review view and submit_response call (cumulative)\n")
    callees = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    callees.print_callees(r"respond\.py:\d+\(review\)")
    callees.print_callees(r"services\.py:\d+\(submit_response\)")
    callees.print_callees(r"pages\.py:\d+\(route_for_request\)")

    client = Client()
    client.get(what_we_heard_url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        client.get(what_we_heard_url)
    profiler.disable()
    stats(profiler, "10 warm requests of what we heard", limit=30)

    profiler = cProfile.Profile()
    profiler.enable()
    lines = iter_csv(response_rows(consultation), response_columns(consultation))
    for _line in itertools.islice(lines, 5000):
        pass
    lines.close()
    profiler.disable()
    stats(profiler, "5,000 rows of the CSV export", "tottime", 25)
    return out.getvalue()


# --- the run ------------------------------------------------------------------------------------

STARTED = time.perf_counter()


def progress(message: str) -> None:
    sys.stderr.write(f"[consultations {time.perf_counter() - STARTED:6.1f} s] {message}\n")
    sys.stderr.flush()


def page_queries(client, url: str) -> int:
    """Queries of a warm request (the second one: the first fills the caches); raises
    RuntimeError when the page does not answer 200."""

    for _ in range(2):
        with QueryCounter() as queries:
            status = client.get(url).status_code
        if status != 200:
            raise RuntimeError(f"GET {url} answered {status}")
    return len(queries)


def drive_pages(server: Server, pages: dict[str, str], rounds: int, seconds: float) -> dict:
    """Each page driven for ``seconds``, then the baseline (``pages["baseline"]``) right after
    it, for ``rounds`` rounds that alternate between the pages. A page's ratio is the median of
    its paired ratios (page / the baseline run next to it): drift of the machine over the minute
    hits both sides of a pair alike, where a baseline measured once would carry it into every
    ratio. Also the median requests/s and p95 latency of each page and of its baselines."""
    for path in pages.values():  # every worker fills its caches (what we heard's summary)
        warm = run_load(server, page_requests(path, 8), 60)
        if warm["errors"]:
            status, failed, body = warm["errors"][0]
            raise RuntimeError(f"warm-up GET {failed}: {status} {body}")
    baseline = pages["baseline"]
    runs: dict[str, list[tuple[dict, dict]]] = {name: [] for name in pages if name != "baseline"}
    for _ in range(rounds):
        for name in runs:
            ours = run_load(server, page_requests(pages[name], 1_000_000), seconds)
            base = run_load(server, page_requests(baseline, 1_000_000), seconds)
            runs[name].append((ours, base))

    def summary(results):
        return {
            "rps": statistics.median(r["rps"] for r in results),
            "p95": statistics.median(r["p95"] for r in results),
            "errors": [e for r in results for e in r["errors"]],
        }

    figures = {}
    for name, pairs in runs.items():
        figures[name] = {
            **summary([ours for ours, _ in pairs]),
            "baseline": summary([base for _, base in pairs]),
            "ratio": paired_ratio(*zip(*pairs, strict=True)),
        }
    every_baseline = [base for pairs in runs.values() for _, base in pairs]
    figures["baseline"] = summary(every_baseline)
    return figures


def paired_ratio(ours_runs: list[dict], base_runs: list[dict]) -> float:
    """The median of ours / baseline over runs made side by side (the same round)."""
    return statistics.median(
        ours["rps"] / base["rps"] if base["rps"] else 0.0
        for ours, base in zip(ours_runs, base_runs, strict=True)
    )


def page_rows(urls, http, queries, broken, engine, last) -> list[dict]:
    """The rows of the public pages under gunicorn, each against the StandardPage."""
    table = []
    for name in urls:
        ours = http[name]
        base = ours["baseline"]  # the StandardPage runs paired with this page's
        at = f" at {last:,} responses" if name in ANSWER_PAGES else ""
        table.append(
            make_row(
                f"page {name}{at} ({engine}, gunicorn), requests/s (baseline: StandardPage, "
                "median of paired rounds)",
                ours["rps"],
                base["rps"],
                "requests/s",
                target=(">=", TARGET_PAGE_RATIO),
                on="ratio",
                ratio=ours["ratio"],
            )
        )
        table.append(
            make_row(
                f"page {name}{at} ({engine}, gunicorn), p95",
                ours["p95"] * 1000,
                base["p95"] * 1000,
                "ms",
            )
        )
        table.append(
            make_row(
                f"page {name}, queries per request", queries[name], queries["baseline"], "queries"
            )
        )
    for name, reason in broken.items():
        table.append(
            make_row(
                f"page {name} ({engine}): not measured, {reason}",
                None,
                None,
                "",
                ok=False,
                target_text="answers 200",
            )
        )
    page_errors = [e for name in http for e in http[name]["errors"]]
    if page_errors:
        status, path, body = page_errors[0]
        table.append(
            make_row(
                f"pages ({engine}): failed requests, first {status} {path}",
                len(page_errors),
                0,
                "requests",
                ok=False,
                target_text="0 failed",
            )
        )
    return table


def run(
    postgres: bool = False,
    scope: str = "full",
    quick: bool = False,
    postgres_url: str = DEFAULT_POSTGRES_URL,
    keep: bool = False,
    with_profile: bool = False,
) -> dict:
    """Measure; returns the rows, a heading and the profile text (if asked)."""
    began = time.perf_counter()
    load_at_start = os.getloadavg()
    # "million" (PostgreSQL): what grows from 100,000 to 1,000,000 answers: what we heard,
    # the exports and the public pages; no submits (issue 21 points 2, 4 and 5)
    million = scope == "million"
    full = scope in ("full", "million")
    # "pages": the public pages under gunicorn only, at the largest size (no exports, no submit)
    only_pages = scope == "pages"
    scale = 10 if quick else 1
    if million and quick:  # 1,000 then 10,000: the machinery only (1,000,000 takes minutes)
        scale = 100
    sizes = [1_000 // scale, 10_000 // scale, 100_000 // scale] if full else [1_000 // scale]
    if only_pages:
        sizes = [100_000 // scale]
    if million:
        sizes = [100_000 // scale, 1_000_000 // scale]
    rounds, round_seconds, pool = (2, 1.5, 500) if quick else (3, 5.0, 2500)
    # each page paired with a baseline run right after it (drive_pages)
    page_rounds, page_seconds = (1, 0.5) if quick else (3, 1.5)
    database = Database(postgres, postgres_url)
    engine = "PostgreSQL" if postgres else "SQLite"
    env = django_env(database.url, database.media)
    server = None
    profile_text = ""
    pages, exports, queries, http, broken, api = {}, {}, {}, {}, {}, {}
    try:
        progress(f"database: {database.label}; migrating (or copying this run's template)")
        setup_django(env)
        from baseline_app.benchdata import THEME_SLUGS, build_site
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        progress(f"database {bench_migrate.migrate()}")
        consultation, standard = build_site()
        wwh_url = consultation.url + consultation.reverse_subpage("what_we_heard")
        urls = {
            "home": "/",
            "consultation": consultation.url,
            "what we heard": wwh_url,
            f"theme ({THEME_SLUGS[0]})": f"/themes/{THEME_SLUGS[0]}/",
            "published answers": consultation.url
            + consultation.reverse_subpage("published_responses"),
        }
        from monitoring.models import MonitoringBoardPage

        board = MonitoringBoardPage.objects.live().first()
        if board is not None:  # built by build_site (monitoring's demo data)
            urls["progress board"] = board.url
            urls[f"progress board ({THEME_SLUGS[0]})"] = board.url + board.reverse_subpage(
                "theme_board", args=[THEME_SLUGS[0]]
            )
        if not full and not only_pages:
            urls = {"what we heard": wwh_url}
        api_url = f"/api/v2/consultations/{consultation.pk}/answers/?limit=100"
        client = Client()

        last_size = sizes[-1]
        for size in sizes:
            started = time.perf_counter()
            call_command("generate_bench_data", responses=size, stdout=io.StringIO())
            progress(f"{size:,} responses in {time.perf_counter() - started:.1f} s")
            cold_repeat = 3 if size == sizes[-1] or quick else 5
            if only_pages:
                continue
            pages[size] = (
                measure_page(client, wwh_url, cold_repeat, 10 if quick else 15),
                measure_page(client, standard.url, cold_repeat, 10 if quick else 15),
            )
            if full:  # the read API's published answers: a page of 100
                api[size] = measure_page(client, api_url, cold_repeat, 10 if quick else 15)
            if full:
                connection.close()
                progress(f"exports of {size:,} responses (child processes)")
                # A million rows of XLSX would take a quarter of an hour at openpyxl's own
                # speed (near a sheet's limit of 1,048,576 rows): the full part measures XLSX.
                formats = ("csv",) if million else FORMATS
                # Below the largest size an export takes 0.01-2 s: the run of median time of
                # three, else one slow run reads as growth (12.5 from 1,000 to 10,000 rows).
                runs = 1 if size == last_size else 3
                least = 0.2 if quick else 0.5
                exports[size] = median_exports(run_child_exports(env, formats, runs, least))

        queries["baseline"] = page_queries(client, standard.url)
        for name, url in list(urls.items()):
            try:
                queries[name] = page_queries(client, url)
            except RuntimeError as error:  # one broken page must not hide the other figures
                broken[name] = str(error)
                del urls[name]
        if only_pages or million:
            connection.close()
            server = Server(env, database.tmp)
            progress("pages under load")
            http = drive_pages(
                server, {**urls, "baseline": standard.url}, page_rounds, page_seconds
            )
            server.stop()
            server = None
        if only_pages:
            return {
                "rows": page_rows(urls, http, queries, broken, engine, sizes[-1]),
                "heading": [f"consultations bench{' (quick)' if quick else ''}, pages: {engine}"],
                "profile": "",
                "engine": engine,
            }
        if million:  # no submits: the table now (the database is dropped on the way out)
            progress(f"one moderation decision on {100_000 // scale:,} of the answers")
            decided = decide_all(consultation, 100_000 // scale)
            return {
                "rows": [
                    *page_rows(urls, http, queries, broken, engine, sizes[-1]),
                    *size_rows(sizes, pages, exports, api),
                    *decision_rows(decided, engine),
                ],
                "heading": [
                    f"consultations bench{' (quick)' if quick else ''}, million: {database.label}",
                    f"data: {sizes[0]:,} then {sizes[-1]:,} submitted responses; load average "
                    f"at start {load_at_start[0]:.2f} on {os.cpu_count()} cores; "
                    f"{time.perf_counter() - began:.0f} s in all",
                ],
                "profile": "",
                "engine": engine,
            }
        progress(f"creating {pool:,} drafts, users and sessions")
        drafts = make_drafts(consultation, pool)
        queries_ours, queries_base = queries_per_request(drafts[:2])
        drafts = drafts[2:]
        floor_drafts = make_floor_drafts(drafts)
        connection.close()
        progress("starting gunicorn")
        server = Server(env, database.tmp)
        progress("pages under load")
        http = drive_pages(server, {**urls, "baseline": standard.url}, page_rounds, page_seconds)
        # Warm both submit endpoints in both workers.
        warm = run_load(server, baseline_requests(40, 10_000_000), 30)
        warm_ours = run_load(server, submit_requests(drafts[:40]), 30)
        drafts = drafts[warm_ours["used"] :]
        warm_floor = run_load(server, floor_requests(floor_drafts[:40]), 30)
        floor_drafts = floor_drafts[warm_floor["used"] :]
        for result in (warm, warm_ours, warm_floor):
            if result["errors"]:
                status, path, body = result["errors"][0]
                raise RuntimeError(f"warm-up POST {path}: {status} {body}")
        base_runs, ours_runs, floor_runs, used, floor_used = [], [], [], 0, 0
        per_round = len(drafts) // rounds
        for number in range(rounds):
            progress(f"submit round {number + 1}/{rounds}")
            base_runs.append(
                run_load(server, baseline_requests(20_000, number * 20_000), round_seconds)
            )
            # ours and the floor side by side, the first of the pair changing every round
            for side in ("ours", "floor") if number % 2 == 0 else ("floor", "ours"):
                if side == "ours":
                    ours = run_load(
                        server, submit_requests(drafts[used : used + per_round]), round_seconds
                    )
                    used += ours["used"]
                    ours_runs.append(ours)
                else:
                    floor = run_load(
                        server, floor_requests(floor_drafts[floor_used:]), round_seconds
                    )
                    floor_used += floor["used"]
                    floor_runs.append(floor)
        server.stop()
        server = None
        if full:
            progress(f"one moderation decision on {last_size:,} answers")
            decided = decide_all(consultation)

        if with_profile:
            progress("profiling in-process")
            profile_text = profile(
                make_drafts(consultation, 300, "bench-profile"), consultation, wwh_url
            )
    except BaseException:
        if server is not None:  # the server's errors say why a request failed
            server.stop()
            sys.stderr.write(f"gunicorn log (end):\n{server.log_tail()}\n")
            server = None
        raise
    finally:
        if server is not None:
            server.stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop(keep)

    table = page_rows(urls, http, queries, broken, engine, sizes[-1])
    last = sizes[-1]

    if full:
        table += size_rows(sizes, pages, exports, api)

    if full:
        table += decision_rows(decided, engine)

    # Submitting under load.
    base_rps = statistics.median(r["rps"] for r in base_runs)
    ours_rps = statistics.median(r["rps"] for r in ours_runs)
    floor_rps = statistics.median(r["rps"] for r in floor_runs)
    errors = [e for r in base_runs + ours_runs + floor_runs for e in r["errors"]]
    table.append(
        make_row(
            f"submit a response ({engine}, gunicorn), requests/s (baseline: form + INSERT)",
            ours_rps,
            base_rps,
            "requests/s",
        )
    )
    # The floor: what any submit that signs the person in, refuses a second submit and keeps a
    # trace must cost (bench/baseline_app/views.py floor_submit). It shows how much of the
    # target's room the bare essentials already take, and ours against them.
    table.append(
        make_row(
            f"submit floor ({engine}, gunicorn): session sign-in + conditional UPDATE + "
            "INSERT, requests/s (baseline: form + INSERT)",
            floor_rps,
            base_rps,
            "requests/s",
        )
    )
    table.append(
        make_row(
            f"submit a response ({engine}, gunicorn), requests/s (baseline: the floor, median "
            "of paired rounds)",
            ours_rps,
            floor_rps,
            "requests/s",
            target=(">=", TARGET_SUBMIT_FLOOR_RATIO),
            on="ratio",
            ratio=paired_ratio(ours_runs, floor_runs),
        )
    )
    table.append(
        make_row(
            f"submit a response ({engine}), median latency",
            statistics.median(r["p50"] for r in ours_runs) * 1000,
            statistics.median(r["p50"] for r in base_runs) * 1000,
            "ms",
        )
    )
    table.append(
        make_row(
            f"submit a response ({engine}), failed requests",
            sum(len(r["errors"]) for r in ours_runs),
            sum(len(r["errors"]) for r in base_runs + floor_runs),
            "requests",
            ok=not errors,
            target_text="0 failed",
        )
    )
    table.append(
        make_row(
            f"submit a response ({engine}), queries per request",
            queries_ours,
            queries_base,
            "queries",
        )
    )
    heading = [
        f"consultations bench{' (quick)' if quick else ''}, {scope}: {database.label}",
        f"data: {last:,} submitted responses, 1 in 100 for an organisation; load average at "
        f"start {load_at_start[0]:.2f} on {os.cpu_count()} cores; "
        f"{time.perf_counter() - began:.0f} s in all",
    ]
    if errors:
        status, path, body = errors[0]
        heading.append(f"first failed submit: {status} {path} {body[:200]}")
    return {"rows": table, "heading": heading, "profile": profile_text, "engine": engine}


def decision_rows(decided: dict, engine: str) -> list[dict]:
    return [
        make_row(
            f"one moderation decision on {decided['answers']:,} answers at once ({engine}: "
            "spam, the counts follow), s (baseline: a plain UPDATE of the flag)",
            decided["ours"],
            decided["baseline"],
            "s",
            target=("<", 30),
        ),
        make_row(
            f"counts after that decision ({engine}) equal a full recount",
            "yes" if decided["right"] else "NO",
            "-",
            "",
            ok=decided["right"],
            target_text="equal",
        ),
    ]


def decide_all(consultation, count: int = 100_000) -> dict:
    """A flood marked as spam in one decision (consultations.moderation.decide, what the
    admin's "Decide for all listed" runs), beside a plain UPDATE of the same flag; then the
    counts against a full recount."""
    from django.contrib.auth import get_user_model

    from consultations import counts
    from consultations.models import Response
    from consultations.moderation import decide

    answers = Response.objects.filter(consultation=consultation, status="submitted")
    edge = answers.order_by("pk").values_list("pk", flat=True)[min(count, answers.count()) - 1]
    answers = answers.filter(pk__lte=edge)  # the first `count` of them
    editor = get_user_model().objects.create(username="bench-moderator")
    started = time.perf_counter()
    answers.update(spam=True)
    baseline = time.perf_counter() - started
    answers.update(spam=False)
    started = time.perf_counter()
    changed = decide(consultation, answers, "spam", editor)
    ours = time.perf_counter() - started
    right = counts.current(consultation.pk) == counts.recount(consultation.pk)
    return {"answers": changed, "ours": ours, "baseline": baseline, "right": right}


def size_rows(sizes: list[int], pages: dict, exports: dict, api: dict) -> list[dict]:
    """What we heard in this process and the exports, at each size; figures at the largest."""
    table = []
    labels = [f"{size:,}" for size in sizes]
    last = sizes[-1]
    for size in sizes:
        ours, base = pages[size]
        table.append(
            make_row(
                f"what we heard, {size:,} responses, warm (in-process; baseline: StandardPage)",
                ours["warm"],
                base["warm"],
                "s",
                target=("<", TARGET_WARM_S) if size == last else None,
            )
        )
    ours, base = pages[last]
    table.append(
        make_row(
            f"what we heard, HTML size, {last:,} responses (baseline: StandardPage)",
            ours["kb"],
            base["kb"],
            "KB",
            target=("<", PAGE_KB_LIMIT),
        )
    )
    for size in sizes:
        ours, base = pages[size]
        table.append(
            make_row(
                f"what we heard, {size:,} responses, cold (cache cleared)",
                ours["cold"],
                base["cold"],
                "s",
            )
        )
    # The counts table (consultations/counts.py): a cold summary reads the same rows at any
    # number of answers, so its time stays flat from the smallest size to the largest.
    first = sizes[0]
    table.append(
        make_row(
            f"what we heard, cold at {last:,} over cold at {first:,} responses "
            "(baseline: StandardPage)",
            pages[last][0]["cold"] / pages[first][0]["cold"],
            pages[last][1]["cold"] / pages[first][1]["cold"],
            "x cost",
            target=("<=", TARGET_COLD_GROWTH),
            target_text=f"<= {TARGET_COLD_GROWTH:g} (near constant)",
        )
    )
    for kind in ("cold", "warm"):
        counts = [pages[size][0][f"{kind}_queries"] for size in sizes]
        base_counts = [pages[size][1][f"{kind}_queries"] for size in sizes]
        table.append(
            make_row(
                f"what we heard, queries {kind}, at {' / '.join(labels)} responses",
                counts[-1],
                base_counts[-1],
                "queries",
                ok=len(set(counts)) == 1,
                target_text=f"constant ({' / '.join(map(str, counts))})",
            )
        )
    for kind in ("cold", "warm"):
        counts = [api[size][f"{kind}_queries"] for size in sizes]
        table.append(
            make_row(
                f"read API, published answers (100 a page), queries {kind}, "
                f"at {' / '.join(labels)} responses (baseline: StandardPage)",
                counts[-1],
                pages[last][1][f"{kind}_queries"],
                "queries",
                ok=len(set(counts)) == 1,
                target_text=f"constant ({' / '.join(map(str, counts))})",
            )
        )
    for size in sizes:
        table.append(
            make_row(
                f"read API, published answers (100 a page), {size:,} responses, warm "
                "(in-process; baseline: StandardPage)",
                api[size]["warm"],
                pages[size][1]["warm"],
                "s",
            )
        )
    for kind in ("warm", "cold"):
        table += growth_rows(
            f"what we heard, {kind} (baseline: StandardPage)",
            labels,
            [pages[size][0][kind] for size in sizes],
            [pages[size][1][kind] for size in sizes],
        )

    # Exports at each size; figures at the largest.
    for fmt, plain in (("csv", "csv module"), ("xlsx", "openpyxl write-only")):
        if (fmt, "ours") not in exports[last]:
            continue
        ours, base = exports[last][(fmt, "ours")], exports[last][(fmt, "plain")]
        table.append(
            make_row(
                f"{fmt.upper()} export, {last:,} responses (baseline: {plain}, plain rows)",
                ours["rows"] / ours["seconds"],
                base["rows"] / base["seconds"],
                "rows/s",
                target=(">=", TARGET_EXPORT_RATIO[fmt]),
                on="ratio",
            )
        )
        table.append(
            make_row(
                f"{fmt.upper()} export, {last:,} responses, peak memory growth (RSS)",
                ours["rss_growth_mb"],
                base["rss_growth_mb"],
                "MB",
                target=("<", TARGET_EXPORT_MB),
            )
        )
        if fmt == "csv":
            table.append(
                make_row(
                    f"CSV export, {last:,} responses, time to the first row",
                    ours["first_row"],
                    base["first_row"],
                    "s",
                    target=("<", TARGET_FIRST_ROW_S),
                )
            )
        table += growth_rows(
            f"{fmt.upper()} export time",
            labels,
            [exports[size][(fmt, "ours")]["seconds"] for size in sizes],
            [exports[size][(fmt, "plain")]["seconds"] for size in sizes],
        )
    return table


def rows(
    postgres: bool = False,
    scope: str = "full",
    quick: bool = False,
    postgres_url: str = DEFAULT_POSTGRES_URL,
) -> list[dict]:
    """The rows of the table (bench/bench_table.py)."""
    return run(postgres, scope, quick, postgres_url)["rows"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, short rounds")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="a database on the server where the bench creates and drops its own",
    )
    parser.add_argument(
        "--scope",
        choices=["full", "submit", "pages", "million"],
        default="full",
        help="submit: 1,000 responses, what we heard under gunicorn and submitting only; "
        "pages: the public pages under gunicorn at 100,000; million (PostgreSQL): what we "
        "heard, the exports and the pages at 100,000 then 1,000,000, no submits",
    )
    parser.add_argument("--profile", action="store_true", help="add cProfile summaries")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scope == "million" and not args.postgres:
        parser.error("--scope million needs --postgres (a million built in Python takes 30 min)")
    if args.child:
        child_exports()
        return 0
    result = run(args.postgres, args.scope, args.quick, args.postgres_url, args.keep, args.profile)
    text = render(result["rows"], [*result["heading"], ""])
    print(text)  # noqa: T201
    if result["profile"]:
        print(result["profile"])  # noqa: T201
    RESULTS.mkdir(exist_ok=True)
    name = f"consultations-{result['engine'].lower()}{'-quick' if args.quick else ''}.txt"
    (RESULTS / name).write_text(text)
    return 1 if any(row["ok"] is False for row in result["rows"]) else 0


if __name__ == "__main__":
    sys.exit(main())
