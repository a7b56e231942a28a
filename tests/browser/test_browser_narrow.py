"""Issue 18, point 2: no page of the public site or of an account scrolls sideways on a 320 px
phone, in English and in Arabic (right to left). The demo (load_demo) is crawled from the home
page, signed in and not, and the forms behind a button (consultation steps, the expert
application, the nomination) are opened by pressing it."""

import re
from urllib.parse import urlsplit

import pytest
from browser_helpers import sign_in, too_wide
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


def test_no_page_scrolls_sideways_at_320_px(browser, live, demo, tmp_path):
    from django.contrib.auth import get_user_model
    from wagtail.models import Locale

    from awards.models import AwardEditionPage
    from consultations.models import ConsultationPage
    from expertgroup.models import Application, ExpertCallPage

    english = Locale.get_default()  # each call once; `here` puts it under the run's language
    amina = get_user_model().objects.get(email="amina@example.org")
    newcomer = get_user_model().objects.create_user(
        email="newcomer@example.org", username="newcomer", password="x" * 20
    )
    problems: dict[str, list[str]] = {}
    crawled: dict[str, int] = {}
    forms: list[str] = []
    for language, prefix in (("en-GB", "/"), ("ar", "/ar/")):

        def here(url, prefix=prefix):  # the same page in the interface language of the run
            return prefix + re.sub(r"^/(?:en|ar)/", "/", url).lstrip("/")

        for who in (None, amina, newcomer):
            context = browser.new_context(base_url=live.url, locale=language, viewport=NARROW)
            context.set_default_timeout(15_000)
            page = context.new_page()
            if who is not None:
                sign_in(page, live, who)
            seen: set = set()
            key = f"{language} {who.email if who else 'anonymous'}"
            if who is not newcomer:
                crawled[key] = _crawl(page, prefix, problems, seen)
                for path in (
                    "accounts/login/",
                    "accounts/signup/",
                    "accounts/profile/",
                    "accounts/delete/",
                    "accounts/email/",
                    "accounts/password/change/",
                ):
                    crawled[key] += _crawl(page, prefix + path, problems, seen)
                continue
            # The forms behind a button, each started once per language.
            for consultation in ConsultationPage.objects.live().filter(locale=english):
                if consultation.is_open:
                    forms += _press_through(page, here(consultation.url + "respond/"), problems)
            for call in ExpertCallPage.objects.live().filter(locale=english):
                if call.is_open:
                    url = here(call.url + call.reverse_subpage("apply_start"))
                    forms += _press_through(page, url, problems, 1)
                    # The second time the draft exists already: open its form directly.
                    for draft in Application.objects.filter(call=call, user=newcomer):
                        details = call.reverse_subpage("apply_details", args=[draft.pk])
                        url = here(call.url + details)
                        forms += _press_through(page, url, problems, 0)
            for edition in AwardEditionPage.objects.live().filter(locale=english):
                if edition.is_open:
                    url = here(edition.url + edition.reverse_subpage("nominate_start"))
                    forms += _press_through(page, url, problems, 1)
            # The detector itself: a box wider than the screen is found and named.
            page.evaluate(
                "() => { const d = document.createElement('div'); d.id = 'too-wide';"
                " d.style.width = '600px'; d.style.height = '1px';"
                " document.querySelector('main').appendChild(d); }"
            )
            assert any("div#too-wide" in item for item in too_wide(page))
            context.close()
    report = "\n".join(f"{path}: {', '.join(items)}" for path, items in sorted(problems.items()))
    assert not problems, f"{len(problems)} pages wider than 320 px:\n{report}"
    # Not vacuous: many pages of each kind were seen, and the forms were reached.
    assert all(count >= 25 for count in crawled.values()), crawled
    for marker in ("/step/0/", "/details/", "/nominate/"):
        assert sum(marker in path for path in forms) >= 2, (marker, forms)
