"""Issue 18, point 2: no page of the public site or of an account scrolls sideways on a 320 px
phone, in English and in Arabic (right to left). The demo (load_demo) is crawled from the home
page, signed in and not, and the forms behind a button (consultation steps, the expert
application, the nomination) are opened by pressing it."""

import re
from urllib.parse import urlsplit

import pytest
from browser_helpers import too_wide
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
SKIP = re.compile(
    r"^/(?:[a-z]{2}(?:-[a-z]+)?/)?(?:admin|django-admin|review|documents|accounts/logout)"
    r"|/(?:receipt|files|photos|download-data|export)[/.]?|/(?:csv|json)/$|\.(?:pdf|csv|xlsx|json|zip|ics|xml)$"
)
MAX_PAGES = 45  # per language and visitor: every kind of page, not every item of a list


def _crawl(page, start: str, problems: dict, seen: set) -> int:
    queue = [start]
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            response = page.goto(path)
        except PlaywrightError:  # a download (CSV, JSON, PDF) rather than a page
            continue
        if (
            response is None
            or response.status >= 400
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        visited += 1
        _check(page, problems)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(href)
            if parts.netloc != urlsplit(page.url).netloc or parts.query or SKIP.search(parts.path):
                continue
            if parts.path not in seen and parts.path not in queue:
                queue.append(parts.path)
    return visited


def _check(page, problems: dict) -> None:
    bad = too_wide(page)
    if bad:
        problems[urlsplit(page.url).path] = bad


def _press_through(page, url: str, problems: dict, clicks: int = 3) -> list[str]:
    """Open a form that lies behind a button (start, then each step) and check every state."""
    page.goto(url)
    _check(page, problems)
    reached = [urlsplit(page.url).path]
    for _ in range(clicks):
        button = page.locator("main form:not([action*=withdraw]) button[type=submit]").last
        if not button.count():
            break
        before = page.url
        button.click()
        page.wait_for_load_state()
        _check(page, problems)
        if page.url == before:
            break
        reached.append(urlsplit(page.url).path)
    return reached
