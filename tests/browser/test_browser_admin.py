"""The Wagtail admin still works under its (looser, path-scoped) Content Security Policy: the
editor's main screens load with no CSP violation and no script error, and the page editor's
scripts run (its tabs switch)."""

import pytest
from browser_helpers import sign_in
from proof_world import build_world

pytestmark = pytest.mark.browser


def test_admin_screens_work_under_the_csp(new_page, live):
    world = build_world()
    page = new_page()
    sign_in(page, live, world.users["editor"])
    for url in [
        "/admin/",
        f"/admin/pages/{world.page.pk}/edit/",
        f"/admin/pages/{world.page.get_parent().pk}/",
        "/admin/snippets/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/consultations/responses/",
        "/admin/review/",
        "/admin/reports/participation-by-theme/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        if url.endswith("/edit/"):
            # Stimulus-driven tabs: only work if the admin's scripts were allowed to run.
            page.locator("[role=tab]").nth(1).click()
            assert page.locator("[role=tab]").nth(1).get_attribute("aria-selected") == "true"
            # The languages chooser got its filter box (participation/chooser.js ran here too).
            if "/pages/" in url and url.startswith(f"/admin/pages/{world.page.pk}/"):
                assert page.locator("[data-chooser] input[type=search]").count() >= 1
    # new_page fails the test on any CSP violation or script error
