"""Benchmark of the consultations speed targets (issue 5), each beside a baseline in the same run.

    .venv/bin/python bench/consultations_bench.py [--quick] [--postgres] [--profile] [--keep]

Everything happens in a throw-away database: a SQLite file in a new folder under /tmp, or with
``--postgres`` a database ``wp_bench_consultations`` created (and dropped at the end) on
127.0.0.1:5432 (``--postgres-url`` for another server). The repository's db.sqlite3 and media
are never touched. Settings: bench/bench_settings.py (portal.settings.dev with DEBUG off, the
bench database, and bench/baseline_app: a bare view that validates a form and inserts a row).

1. *What we heard* of one consultation with 1,000 / 10,000 / 100,000 submitted responses
   (answers, snapshots and facts written with bulk_create, as consultations.demo_responses
   does; 1 % on behalf of organisations): the page requested through Django's test client in
   this process, warm (median of several requests with the summary cached) and cold (median,
   the cache cleared before each request), and its query count at each size, which must not
   grow. Baseline: a StandardPage (portal.models) on the same database, same client, same
   cache treatment. Target: under 0.5 s warm at 100,000. Also timed over HTTP through
   gunicorn (warm only: the cache lives in each worker).
2. Submitting: gunicorn (2 workers, ``--chdir site portal.wsgi``) on a free loopback port, and a
   bounded load generator here (threads with http.client, a fixed number of requests and of
   seconds per round, rounds alternating between the two endpoints). Baseline: POST to the
   bare view (form + one INSERT). Ours: the final POST of the consultation flow (review page,
   "submit") for drafts created up front, one per virtual user, each with its own session
   cookie minted with Django's session engine, and a CSRF cookie and token like a browser's.
   Throughput = successful requests (302 to the expected page) per second; target: ours >= 0.7x
   the baseline. For scale, a GET of the StandardPage is driven the same way (any request
   Wagtail routes to a page pays for the site, page and restriction lookups).
3. CSV export of all the responses (participation.documents.spreadsheets.iter_csv over
   consultations.documents.response_rows/response_columns) consumed as a stream in a fresh
   process: rows/s, tracemalloc peak and growth of the peak resident set size (VmHWM) after a
   warm-up; baseline: the csv module writing as many plain rows of the same width, made on the
   fly. Target: the export grows memory by under 50 MB. Also the time to the first row (what
   a streamed download waits before its first byte).

``--quick`` uses a tenth of the data (100 / 1,000 / 10,000) and shorter load rounds (about a
minute); a full run takes about 4 minutes on SQLite, 5 to 6 on PostgreSQL (2 cores). Prints
a table measure / ours / baseline / ratio / target / result, writes it to
bench/results/consultations-<database>[-quick].txt, and exits 1 if a target is missed.
``--profile`` then prints where the time goes, measured in this process after the timed parts:
the SQL of one submit, cProfile of 199 submits, of 10 warm requests of what we heard and of
5,000 rows of the CSV export. ``--keep`` keeps the database, named in the table's first line.
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
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SITE = ROOT / "site"
RESULTS = BENCH / "results"
GUNICORN = Path(sys.executable).parent / "gunicorn"
PG_NAME = "wp_bench_consultations"
SLUG = "bench-recognition"
ORG_EVERY = 100  # one response in a hundred is given on behalf of an organisation
CLIENTS = 4  # concurrent virtual users driving the two gunicorn workers

TARGET_WARM_S = 0.5
TARGET_SUBMIT_RATIO = 0.7
TARGET_CSV_MB = 50.0


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


# --- data ------------------------------------------------------------------------------------


def build_site():
    """A home page as the default site's root, a standard page (the baseline), and an open
    consultation with the demo questionnaire."""
    from django.utils import timezone
    from wagtail.models import Locale, Page, Site
    from wagtail.rich_text import RichText

    from consultations.demo_questionnaire import recognition_questionnaire
    from consultations.models import ConsultationIndexPage, ConsultationPage
    from portal.models import HomePage, StandardPage

    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Home", slug="bench-home", locale=Locale.get_default())
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    paragraph = (
        "<p>The platform lets public bodies involve migrants and migrant organisations in the "
        "decisions that concern them: consultations, an expert group and an award.</p>"
    )
    standard = home.add_child(
        instance=StandardPage(
            title="About this platform",
            slug="about",
            intro="Who we are and how answers are used.",
            body=[
                ("heading", "How it works"),
                ("paragraph", RichText(paragraph * 3)),
                ("heading", "Your data"),
                ("paragraph", RichText(paragraph * 2)),
            ],
        )
    )
    standard.save_revision().publish()
    index = home.add_child(instance=ConsultationIndexPage(title="Consultations", slug="consult"))
    index.save_revision().publish()
    now = timezone.now()
    consultation = index.add_child(
        instance=ConsultationPage(
            title="Recognition of qualifications (bench)",
            slug=SLUG,
            intro="How can recognising diplomas be made faster and fairer?",
            opens_at=now - timedelta(days=60),
            closes_at=now + timedelta(days=30),
            audiences=["migrants", "migrant_led"],
            questionnaire=recognition_questionnaire(),
        )
    )
    consultation.save_revision().publish()
    return ConsultationPage.objects.get(pk=consultation.pk), StandardPage.objects.get(
        pk=standard.pk
    )


def make_organisations(count: int) -> list:
    from participation.organisations.models import Organisation

    kinds = [value for value, _label in Organisation.Kind.choices]
    countries = ["DE", "FR", "BE", "NL", "SE", "IT", "ES", "PL", "AT", "GR"]
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench organisation {n}",
            slug=f"bench-organisation-{n}",
            kind=kinds[n % len(kinds)],
            country=countries[n % len(countries)],
            verified=True,
        )
        for n in range(count)
    )
    return list(Organisation.objects.filter(slug__startswith="bench-organisation-").order_by("pk"))


def add_responses(consultation, start: int, stop: int, organisations, chunk: int = 5000) -> int:
    """Submitted responses number start..stop-1, with their facts; returns the facts written."""
    from django.db import transaction

    from consultations.demo_responses import COUNTRIES, _recognition_answers
    from consultations.models import Response, ResponseFact
    from consultations.services import facts_for, search_text
    from participation.questionnaire.export import snapshot
    from participation.questionnaire.structure import parse

    snap = snapshot(parse(consultation.questionnaire))
    rng = random.Random(start)
    opened = consultation.opens_at
    facts_written = 0
    for first in range(start, stop, chunk):
        responses = []
        for n in range(first, min(stop, first + chunk)):
            language, answers = _recognition_answers(rng, n)
            organisation = organisations[n // ORG_EVERY] if n % ORG_EVERY == 0 else None
            response = Response(
                consultation=consultation,
                organisation=organisation,
                respondent_type="organisation" if organisation else "individual",
                country=rng.choice(COUNTRIES),
                language=language,
                status=Response.Status.SUBMITTED,
                answers=answers,
                questionnaire_snapshot=snap,
                receipt_number=f"CONS-BENCH-{n:07d}",
                submitted_at=opened + timedelta(seconds=20 * n),
                publication=rng.choice(["named", "anonymous", "anonymous", "private"]),
                moderation=rng.choice(["approved", "approved", "approved", "pending"]),
                campaign="recognition-letter" if n % 9 == 0 else "",
                version=2,
            )
            response.search_text = search_text(response)
            responses.append(response)
        with transaction.atomic():
            Response.objects.bulk_create(responses)  # primary keys come back (RETURNING)
            facts = [fact for response in responses for fact in facts_for(response)]
            ResponseFact.objects.bulk_create(facts, batch_size=5000)
        facts_written += len(facts)
    return facts_written


def analyze_if_postgres() -> None:
    """PostgreSQL's autovacuum would analyze the freshly loaded tables within a minute;
    do it now so that plans do not depend on when it happens to run."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE consultations_response")
            cursor.execute("VACUUM ANALYZE consultations_responsefact")


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


# --- part 1: what we heard -----------------------------------------------------------------


def measure_page(client, url: str, cold_repeat: int, warm_repeat: int) -> dict:
    """Median times (s) cold (cache cleared before each request) and warm, and query counts."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code}")
        return elapsed

    cold = []
    for _ in range(cold_repeat):
        cache.clear()
        cold.append(get())
    get()
    warm = [get() for _ in range(warm_repeat)]
    cache.clear()
    with CaptureQueriesContext(connection) as cold_queries:
        get()
    with CaptureQueriesContext(connection) as warm_queries:
        get()
    return {
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        "cold_queries": len(cold_queries),
        "warm_queries": len(warm_queries),
    }


# --- part 2: submitting under load -----------------------------------------------------------


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


def queries_per_request(drafts: list[Draft]) -> tuple[int, int]:
    """Queries of one submit and of one baseline POST, through the test client in-process."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    with CaptureQueriesContext(connection) as base:
        status = client.post("/bench-baseline/", {"text": "counted"}).status_code
    assert status == 302, status
    # The first submit of a process warms caches (content types, site root paths): count the
    # second, as a warm worker would see it.
    client.cookies[settings.SESSION_COOKIE_NAME] = drafts[0].session_key
    response = client.post(drafts[0].path, {"publication": "anonymous"})
    assert response.status_code == 302 and "/done/" in response["Location"], response
    client.cookies[settings.SESSION_COOKIE_NAME] = drafts[1].session_key
    with CaptureQueriesContext(connection) as ours:
        response = client.post(drafts[1].path, {"publication": "anonymous"})
    assert response.status_code == 302 and "/done/" in response["Location"], response
    return len(ours), len(base)


def http_get_median(server: Server, path: str, repeat: int) -> float:
    for _ in range(4):  # each worker's first requests fill its cache
        status, _, _ = server.request("GET", path)
        assert status == 200, (path, status)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        status, _, _ = server.request("GET", path)
        times.append(time.perf_counter() - start)
        assert status == 200, (path, status)
    return statistics.median(times)


# --- part 3: CSV export (in a fresh process) -------------------------------------------------


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def child_csv(kind: str) -> None:
    """Run in a child process: time the export, then its memory (RSS peak, tracemalloc)."""
    setup_django(os.environ)
    from consultations.documents import response_columns, response_rows
    from consultations.models import ConsultationPage, Response
    from participation.documents.spreadsheets import iter_csv

    consultation = ConsultationPage.objects.get(slug=SLUG)
    expected = Response.objects.filter(
        consultation=consultation, status=Response.Status.SUBMITTED
    ).count()

    if kind == "ours":

        def export():
            return iter_csv(response_rows(consultation), response_columns(consultation))

    else:
        import csv

        width = len(response_columns(consultation))

        def plain_rows():
            fixed = ["2026-03-01 10:00:00", "individual", "", "", "DE", "en", "anonymous"]
            fixed += ["approved", "false", ""]
            for n in range(expected):
                yield [f"CONS-BENCH-{n:07d}", *fixed, *[f"answer {n}"] * (width - 11)]

        def export():
            class Echo:
                def write(self, value):
                    return value

            writer = csv.writer(Echo())
            yield "\ufeff"
            yield writer.writerow([f"column {i}" for i in range(width)])
            for row in plain_rows():
                yield writer.writerow(row)

    warm = export()
    for _line in itertools.islice(warm, 1000):  # imports, first queries, the columns
        pass
    warm.close()
    hwm_before, rss_before = _status_kb("VmHWM"), _status_kb("VmRSS")
    start = time.perf_counter()
    lines = size = 0
    first_row = None
    for line in export():
        lines += 1
        size += len(line)
        if lines == 3:  # BOM, header, then the first row
            first_row = time.perf_counter() - start
    seconds = time.perf_counter() - start
    hwm_after = _status_kb("VmHWM")
    tracemalloc.start()
    for _line in export():
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(  # noqa: T201
        json.dumps(
            {
                "rows": lines - 2,  # BOM, header
                "expected": expected,
                "seconds": seconds,
                "first_row": first_row,
                "chars": size,
                "rss_before_mb": rss_before / 1024,
                "rss_growth_mb": (hwm_after - hwm_before) / 1024,
                "traced_peak_mb": peak / 1e6,
            }
        )
    )


def run_child_csv(kind: str, env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", f"csv-{kind}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"CSV child ({kind}) failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- profile (optional) -------------------------------------------------------------------


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


# --- table ------------------------------------------------------------------------------------

ROWS: list[tuple[str, str, str, str, str, str]] = []
MISSED: list[str] = []


def row(measure, ours, baseline="-", ratio="-", target="-", ok=None) -> None:
    verdict = "-" if ok is None else ("pass" if ok else "falls short")
    if ok is False:
        MISSED.append(measure)
    ROWS.append((measure, ours, baseline, ratio, target, verdict))


def render() -> str:
    header = ("measure", "ours", "baseline", "ratio", "target", "result")
    widths = [max(len(r[i]) for r in [header, *ROWS]) for i in range(len(header))]

    def fmt(cells):
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([fmt(header), rule, *(fmt(r) for r in ROWS)])


STARTED = time.perf_counter()


def progress(message: str) -> None:
    sys.stderr.write(f"[{time.perf_counter() - STARTED:6.1f} s] {message}\n")
    sys.stderr.flush()


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, short rounds")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "WP_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="a database on the server where the bench creates and drops its own",
    )
    parser.add_argument("--profile", action="store_true", help="add cProfile summaries")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_csv(args.child.removeprefix("csv-"))
        return 0

    began = time.perf_counter()
    load_at_start = os.getloadavg()
    scale = 10 if args.quick else 1
    sizes = [1_000 // scale, 10_000 // scale, 100_000 // scale]
    rounds, round_seconds, pool = (2, 2.5, 600) if args.quick else (3, 10.0, 4000)
    database = Database(args.postgres, args.postgres_url)
    env = django_env(database.url, database.media)
    server = None
    profile_text = ""
    try:
        progress(f"database: {database.label}; migrating")
        setup_django(env)
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        call_command("migrate", verbosity=0, interactive=False)
        consultation, standard = build_site()
        organisations = make_organisations(sizes[-1] // ORG_EVERY + 1)
        wwh_url = consultation.url + consultation.reverse_subpage("what_we_heard")
        client = Client()

        # 1. What we heard at three sizes, beside the standard page.
        pages, facts, have = {}, 0, 0
        for size in sizes:
            started = time.perf_counter()
            facts += add_responses(consultation, have, size, organisations)
            have = size
            analyze_if_postgres()
            took = time.perf_counter() - started
            progress(f"{size:,} responses, {facts:,} facts in {took:.1f} s")
            cold_repeat = 3 if size == sizes[-1] or args.quick else 5
            warm_repeat = 10 if args.quick else 15
            pages[size] = (
                measure_page(client, wwh_url, cold_repeat, warm_repeat),
                measure_page(client, standard.url, cold_repeat, warm_repeat),
            )

        # 3. CSV export of all the responses, streamed, in fresh processes.
        connection.close()
        progress("CSV export (child processes)")
        csv_ours = run_child_csv("ours", env)
        csv_plain = run_child_csv("plain", env)
        if csv_ours["rows"] != csv_ours["expected"]:
            raise RuntimeError(f"CSV exported {csv_ours['rows']} rows of {csv_ours['expected']}")

        # 2. Submitting under load, beside the bare view.
        progress(f"creating {pool:,} drafts, users and sessions")
        drafts = make_drafts(consultation, pool)
        queries_ours, queries_base = queries_per_request(drafts[:2])
        drafts = drafts[2:]
        connection.close()
        progress("starting gunicorn")
        server = Server(env, database.tmp)
        http_ours = http_get_median(server, wwh_url, 15)
        http_base = http_get_median(server, standard.url, 15)
        # Warm both endpoints in both workers.
        warm = run_load(server, baseline_requests(40, 10_000_000), 30)
        warm_ours = run_load(server, submit_requests(drafts[:40]), 30)
        drafts = drafts[warm_ours["used"] :]
        for result in (warm, warm_ours):
            if result["errors"]:
                status, path, body = result["errors"][0]
                raise RuntimeError(f"warm-up POST {path}: {status} {body}")
        run_load(server, page_requests(standard.url, 40), 30)
        base_runs, ours_runs, page_runs, used = [], [], [], 0
        per_round = len(drafts) // rounds
        for number in range(rounds):
            progress(f"load round {number + 1}/{rounds}")
            base_runs.append(
                run_load(server, baseline_requests(20_000, number * 20_000), round_seconds)
            )
            page_runs.append(run_load(server, page_requests(standard.url, 20_000), round_seconds))
            ours = run_load(server, submit_requests(drafts[used : used + per_round]), round_seconds)
            used += ours["used"]
            ours_runs.append(ours)
        server.stop()
        server = None

        if args.profile:
            progress("profiling in-process")
            profile_text = profile(
                make_drafts(consultation, 200, "bench-profile"), consultation, wwh_url
            )
    finally:
        if server is not None:
            server.stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop(args.keep)

    # The table: what we heard, submitting, CSV.
    for size in sizes:
        ours, base = pages[size]
        last = size == sizes[-1]
        row(
            f"what we heard, {size:,} responses, warm, s",
            f"{ours['warm']:.3f}",
            f"{base['warm']:.3f}",
            f"{ours['warm'] / base['warm']:.1f}x",
            f"< {TARGET_WARM_S} s" if last else "-",
            ours["warm"] < TARGET_WARM_S if last else None,
        )
    for size in sizes:
        ours, base = pages[size]
        row(
            f"what we heard, {size:,} responses, cold (cache cleared), s",
            f"{ours['cold']:.3f}",
            f"{base['cold']:.3f}",
            f"{ours['cold'] / base['cold']:.1f}x",
        )
    for kind in ("cold", "warm"):
        counts = [pages[size][0][f"{kind}_queries"] for size in sizes]
        base_counts = [pages[size][1][f"{kind}_queries"] for size in sizes]
        row(
            f"what we heard, queries {kind}, at {' / '.join(f'{s:,}' for s in sizes)}",
            " / ".join(map(str, counts)),
            " / ".join(map(str, base_counts)),
            "-",
            "constant",
            len(set(counts)) == 1,
        )
    row(
        f"what we heard over HTTP (gunicorn), {sizes[-1]:,}, warm, s",
        f"{http_ours:.3f}",
        f"{http_base:.3f}",
        f"{http_ours / http_base:.1f}x",
    )

    base_rps = statistics.median(r["rps"] for r in base_runs)
    ours_rps = statistics.median(r["rps"] for r in ours_runs)
    ratio = ours_rps / base_rps
    errors = [e for r in base_runs + ours_runs + page_runs for e in r["errors"]]
    row(
        f"submit, requests/s ({CLIENTS} clients, 2 workers, median of {rounds} rounds)",
        f"{ours_rps:.1f}",
        f"{base_rps:.1f}",
        f"{ratio:.2f}x",
        f">= {TARGET_SUBMIT_RATIO}x",
        ratio >= TARGET_SUBMIT_RATIO,
    )
    row(
        "submit, requests/s in each round",
        " ".join(f"{r['rps']:.0f}" for r in ours_runs),
        " ".join(f"{r['rps']:.0f}" for r in base_runs),
    )
    row(
        "submit, median latency in each round, ms",
        " ".join(f"{r['p50'] * 1000:.0f}" for r in ours_runs),
        " ".join(f"{r['p50'] * 1000:.0f}" for r in base_runs),
    )
    row(
        "submit, requests done / failed",
        f"{sum(r['ok'] for r in ours_runs)} / {sum(len(r['errors']) for r in ours_runs)}",
        f"{sum(r['ok'] for r in base_runs)} / {sum(len(r['errors']) for r in base_runs)}",
        "-",
        "0 failed",
        not errors,
    )
    row("submit, SQL queries per request", str(queries_ours), str(queries_base))
    page_rps = statistics.median(r["rps"] for r in page_runs)
    row(
        "for scale: GET of a plain Wagtail page (StandardPage), requests/s",
        f"{page_rps:.1f}",
        f"{base_rps:.1f}",
        f"{page_rps / base_rps:.2f}x",
    )

    rows_count = csv_ours["rows"]
    row(
        f"CSV export, {rows_count:,} responses, rows/s",
        f"{rows_count / csv_ours['seconds']:,.0f}",
        f"{csv_plain['rows'] / csv_plain['seconds']:,.0f}",
        f"{csv_plain['seconds'] / csv_ours['seconds']:.2f}x",
    )
    row(
        "CSV export, time to the first row, s",
        f"{csv_ours['first_row']:.2f}",
        f"{csv_plain['first_row']:.4f}",
    )
    row(
        "CSV export, RSS peak growth after warm-up, MB",
        f"{csv_ours['rss_growth_mb']:.1f}",
        f"{csv_plain['rss_growth_mb']:.1f}",
        "-",
        f"< {TARGET_CSV_MB:.0f} MB",
        csv_ours["rss_growth_mb"] < TARGET_CSV_MB,
    )
    row(
        "CSV export, tracemalloc peak, MB",
        f"{csv_ours['traced_peak_mb']:.1f}",
        f"{csv_plain['traced_peak_mb']:.1f}",
        "-",
        f"< {TARGET_CSV_MB:.0f} MB",
        csv_ours["traced_peak_mb"] < TARGET_CSV_MB,
    )

    total = time.perf_counter() - began
    heading = [
        f"consultations bench{' (quick)' if args.quick else ''}: {database.label}",
        f"data: {sizes[-1]:,} submitted responses, {facts:,} facts, 1 in {ORG_EVERY} for an "
        f"organisation; load average at start {load_at_start[0]:.2f} on {os.cpu_count()} cores; "
        f"{total:.0f} s in all",
    ]
    footer = [
        "",
        "Baselines: what we heard = a StandardPage (portal.models), same database, client, cache;",
        "submit = POST to a bare view (Form + one INSERT) in the same gunicorn and middleware;",
        "CSV = csv.writer over as many plain rows of the same width, made on the fly.",
        "Times are medians. Ratio: ours / baseline for times, and for submit (throughput);",
        "for CSV rows/s: ours / baseline throughput.",
    ]
    if errors:
        status, path, body = errors[0]
        footer.append(f"first failed request: {status} {path} {body[:200]}")
    text = "\n".join([*heading, "", render(), *footer]) + "\n"
    print(text)  # noqa: T201
    if profile_text:
        print(profile_text)  # noqa: T201
    RESULTS.mkdir(exist_ok=True)
    kind = "postgres" if args.postgres else "sqlite"
    (RESULTS / f"consultations-{kind}{'-quick' if args.quick else ''}.txt").write_text(text)
    if MISSED:
        print("falls short: " + "; ".join(MISSED))  # noqa: T201
    return 1 if MISSED else 0


if __name__ == "__main__":
    sys.exit(main())
