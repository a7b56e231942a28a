"""Benchmark of the Wagtail page editor (issue 18, point 6): a consultation's beside a plain page's.

    .venv/bin/python bench/editor_bench.py [--no-browser] [--quick] [--keep]

In a throw-away SQLite database (a new folder under /tmp) with the settings of
bench/bench_settings.py (dev settings, DEBUG off): the bench site of ``generate_bench_data``
(home page and a StandardPage: the baseline) and the demo's consultations
(``consultations.demo.load``: three consultations, 420 responses). The consultation measured is
the demo's one with the largest questionnaire (most blocks, options included). Signed in as a
superuser with TOTP set up (staff must have it).

1. Server time: the median of 10 warm GETs of /admin/pages/<id>/edit/ through Django's test
   client in this process (after 2 that fill the caches), beside the StandardPage's editor.
   Target: under 2 s.
2. The HTML size and the queries of both editors, for information.
3. In Chromium (Playwright, headless /usr/bin/chromium) against a threaded WSGI server in this
   process that also serves the admin's static files: the time from ``page.goto`` until the
   editor is usable, i.e. its StreamField has drawn its blocks (the consultation's
   questionnaire, the StandardPage's body); the first visit (empty browser cache) for
   information, then the median of 5 visits with the browser's cache. Target: under 2 s.
   Without Playwright or Chromium these rows say why they were not measured.

``--quick``: 5 requests and 3 visits instead of 10 and 5. About a minute in all on 2 cores.

``rows()`` returns the table (bench/bench_table.py); run as a script it prints it, writes
bench/results/editor.txt and exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SITE = ROOT / "site"
RESULTS = BENCH / "results"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# The launch flags of the browser tests (tests/browser/conftest.py).
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TARGET_S = 2.0
SERVER_RUNS = 10
BROWSER_RUNS = 5
# Usable: the StreamField's stream container holds a child per top-level block.
DRAWN_JS = """([field, count]) => {
  const box = document.querySelector(
    `[data-contentpath="${field}"] [data-streamfield-stream-container]`);
  return !!box && box.querySelectorAll(':scope > [data-streamfield-child]').length >= count;
}"""

sys.path.insert(0, str(BENCH))
import bench_migrate  # noqa: E402
from bench_table import make_row, render  # noqa: E402


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


def _blocks(stream) -> int:
    """Blocks of a questionnaire, the blocks inside them (options, ...) included."""
    raw = stream.raw_data if hasattr(stream, "raw_data") else stream

    def count(value) -> int:
        if isinstance(value, dict):
            own = 1 if "type" in value and "value" in value else 0
            return own + sum(count(v) for v in value.values())
        if isinstance(value, list):
            return sum(count(v) for v in value)
        return 0

    return count(list(raw))


def build():
    """The bench site, the demo's consultations and a superuser; returns (consultation, its
    number of top-level questionnaire blocks, the StandardPage, the user)."""
    from allauth.mfa.totp.internal.auth import TOTP
    from baseline_app.benchdata import build_site
    from django.contrib.auth import get_user_model

    from consultations import demo as consultations_demo
    from consultations.models import ConsultationPage

    _bench_consultation, standard = build_site()
    index = consultations_demo.load(standard.get_parent().specific)
    slugs = [spec["slug"] for spec in consultations_demo.CONSULTATIONS]
    pages = ConsultationPage.objects.child_of(index).filter(slug__in=slugs)
    largest = max(pages, key=lambda page: _blocks(page.questionnaire))
    user = get_user_model().objects.create_superuser(
        username="bench-editor", email="editor@example.org", password="bench-only-not-secret"
    )
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # staff must have TOTP set up
    return largest, len(largest.questionnaire.raw_data), standard, user


def _server_time(client, url: str, runs: int) -> tuple[float, int, int]:
    """Median seconds of warm GETs, the HTML's bytes and the queries of one GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(times), len(response.content), len(captured)


class LiveServer:
    """The site (WSGI) and its static files from the finders, as the browser tests' live
    server, on a free loopback port in a thread of this process."""

    def __init__(self):
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
        from django.core.wsgi import get_wsgi_application

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        self.server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
        self.server.set_app(StaticFilesHandler(get_wsgi_application()))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def _browser_unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}"
    return None


def _browser_times(session: tuple[str, str], pages: list[tuple[str, str, int]], runs: int) -> dict:
    """For each (path, field, blocks): seconds from goto to the field's blocks drawn, on a
    first visit (empty cache) and the median of visits with the cache, in one browser."""
    from playwright.sync_api import sync_playwright

    server = LiveServer()
    found = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            for path, field, blocks in pages:
                # A context per page: the first visit of each starts with an empty cache.
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                name, value = session
                context.add_cookies([{"name": name, "value": value, "url": server.url}])
                page = context.new_page()
                times = []
                for _ in range(1 + runs):
                    start = time.perf_counter()
                    response = page.goto(server.url + path, wait_until="commit")
                    if response is None or response.status != 200:
                        raise RuntimeError(f"{path}: {response and response.status}")
                    page.wait_for_function(DRAWN_JS, arg=[field, blocks], timeout=30_000)
                    times.append(time.perf_counter() - start)
                found[path] = {"first": times[0], "warm": statistics.median(times[1:])}
                context.close()
            browser.close()
    finally:
        server.stop()
    return found


def rows(browser: bool = True, keep: bool = False, quick: bool = False) -> list[dict]:
    server_runs, browser_runs = (5, 3) if quick else (SERVER_RUNS, BROWSER_RUNS)
    tmp = tempfile.mkdtemp(prefix="wp_bench_editor_", dir="/tmp")
    try:
        _setup(f"sqlite:///{tmp}/db.sqlite3", os.path.join(tmp, "media"))
        from django.conf import settings
        from django.test import Client

        bench_migrate.migrate()
        consultation, blocks, standard, user = build()
        client = Client()
        client.force_login(user)
        edit = "/admin/pages/{}/edit/".format
        ours_s, ours_bytes, ours_queries = _server_time(client, edit(consultation.pk), server_runs)
        base_s, base_bytes, base_queries = _server_time(client, edit(standard.pk), server_runs)
        what = (
            f"the consultation \u201c{consultation.slug}\u201d: {blocks} questions and "
            f"sections, {_blocks(consultation.questionnaire)} blocks with their options"
        )
        found = [
            make_row(
                f"page editor of a consultation, server time, warm median of {server_runs} "
                f"({what}; baseline: a StandardPage's editor)",
                round(ours_s, 4),
                round(base_s, 4),
                "s",
                target=("<", TARGET_S),
            ),
            make_row(
                "page editor of a consultation, HTML size (baseline: a StandardPage's editor)",
                round(ours_bytes / 1000, 1),
                round(base_bytes / 1000, 1),
                "KB",
            ),
            make_row(
                "page editor of a consultation, queries (baseline: a StandardPage's editor)",
                ours_queries,
                base_queries,
                "queries",
            ),
        ]
        reason = _browser_unavailable() if browser else "--no-browser"
        label = "page editor of a consultation in Chromium, goto until its questionnaire is drawn"
        if reason:
            found.append(make_row(f"{label}: not measured ({reason})", None, None, "s", ok=None))
            return found
        session = (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
        from django.db import connections

        connections.close_all()  # the server's threads open their own
        times = _browser_times(
            session,
            [
                (edit(consultation.pk), "questionnaire", blocks),
                (edit(standard.pk), "body", len(standard.body)),
            ],
            browser_runs,
        )
        ours, base = times[edit(consultation.pk)], times[edit(standard.pk)]
        found += [
            make_row(
                f"{label}, median of {browser_runs} with the browser's cache (baseline: a "
                "StandardPage's editor until its body is drawn)",
                round(ours["warm"], 3),
                round(base["warm"], 3),
                "s",
                target=("<", TARGET_S),
            ),
            make_row(
                f"{label}, first visit (empty browser cache)",
                round(ours["first"], 3),
                round(base["first"], 3),
                "s",
            ),
        ]
        return found
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-browser", action="store_true", help="server time and size only")
    parser.add_argument("--keep", action="store_true", help="keep the database under /tmp")
    parser.add_argument("--quick", action="store_true", help="fewer requests and visits")
    args = parser.parse_args()
    found = rows(browser=not args.no_browser, keep=args.keep, quick=args.quick)
    table = render(found, ["editor bench: " + time.strftime("%Y-%m-%d %H:%M"), ""])
    print(table)  # noqa: T201 - a script reports on stdout
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "editor.txt").write_text(table)
    return 0 if all(row["ok"] is not False for row in found) else 1


if __name__ == "__main__":
    sys.exit(main())
