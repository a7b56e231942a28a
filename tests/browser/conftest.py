"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Without Chromium (or Playwright) they are skipped, and the run ends with a banner saying so;
with REQUIRE_BROWSER=1 (CI) a missing browser fails them instead. Never `playwright install`:
the browser is Debian's (`make browser-deps`).
"""

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "security"))

import migration_data  # noqa: E402
from proof_world import create_double_tables  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
_SKIPPED: list[str] = []


def _serve_one_request_at_a_time():
    """On SQLite the live server's threads share this thread's one in-memory connection, so two
    requests at once (an autosave still posting while the next page loads) mix their savepoints
    and break the connection for every later test of the process. There the live server serves
    one request at a time, its body included, and the tests take the same lock before they touch
    the database (``live``). PostgreSQL keeps real concurrency."""
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(ThreadedWSGIServer):
        def set_app(self, application):
            if not self.connections_override:
                return super().set_app(application)

            def serially(environ, start_response):
                with REQUESTS:
                    if not OPEN.is_set():
                        # Between tests (a beacon sent as the last test's pages closed): the
                        # database is being flushed, so nothing may touch it.
                        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                        return [b"between tests"]
                    result = application(environ, start_response)
                    try:
                        return list(result)
                    finally:
                        if hasattr(result, "close"):
                            result.close()

            return super().set_app(serially)

    LiveServerThread.server_class = OneRequestAtATime


REQUESTS = threading.Lock()
OPEN = threading.Event()  # set while a test runs; requests between tests are turned away
_serve_one_request_at_a_time()


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (make browser-deps, or set CHROMIUM_PATH)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _unavailable()
    if reason is None:
        return
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if browser_items and os.environ.get("REQUIRE_BROWSER") == "1":
        # CI: a missing browser is a failure there, never a silent skip.
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))
        _SKIPPED.append(reason)


def pytest_terminal_summary(terminalreporter):
    if _SKIPPED:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(_SKIPPED)} browser tests did not run: {_SKIPPED[0]}. "
            "Install Debian's Chromium with `make browser-deps` (root), or see README.md."
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The review engine's test doubles get their tables; the data migrations' rows were kept by
    # tests/conftest.py and come back before each browser test (migration_data).
    with django_db_blocker.unblock():
        create_double_tables()


@pytest.fixture(scope="module")
def _async_unsafe():
    """Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls
    beside a running loop: allowed here, for the browser tests' modules only."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(django_db_setup, _async_unsafe):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live(browser, live_server, settings, tmp_path):
    """The live server, with the data migrations' rows (root page, site, locales, themes)
    restored for every test (the live server needs a transactional database)."""
    with REQUESTS:  # a request the last test left running ends before the database is touched
        migration_data.restore_if_flushed()
        OPEN.set()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield live_server
    with REQUESTS:  # ... and before the database is flushed; later ones are turned away
        OPEN.clear()


@pytest.fixture
def server_at_rest():
    """``with server_at_rest:`` reads the database while no live-server request runs (SQLite
    shares one connection between them)."""
    return REQUESTS


@pytest.fixture
def new_page(browser, live):
    """Pages in fresh browser contexts (separate cookies), each collecting console errors and
    CSP violations, which fail the test."""
    contexts = []
    problems: list[str] = []

    def make(locale="en-GB"):
        context = browser.new_context(base_url=live.url, locale=locale)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, "browser errors: " + "\n".join(problems)


@pytest.fixture
def demo(live, settings):
    """The README's demo (load_demo) on the live server, in English and Arabic."""
    from django.core.management import call_command

    settings.DEBUG = True  # load_demo refuses without (the README's passwords)
    call_command("load_demo", "--languages", "ar", verbosity=0)
    settings.DEBUG = False
