"""The Arabic receipt page at 390 px in Chromium: the receipt number in one piece, the time in
the call's zone, each line of the answer laid out in its own direction, nothing wider than the
screen. A screenshot is left in $RTL_SCREENSHOT_DIR (default: pytest's tmp_path)."""

import os
from pathlib import Path

import pytest
from browser_helpers import sign_in
from proof_world import build_world

pytestmark = pytest.mark.browser

ARABIC = "نريد ترجمة المستندات مجاناً للجميع."
ENGLISH = "We want documents translated for free."
GREEK = "Θέλουμε δωρεάν μετάφραση."


def test_arabic_receipt_page_at_390_px(new_page, live, tmp_path):
    from consultations.demo_questionnaire import qid
    from consultations.models import Response

    world = build_world()
    owner = world.users["owner"]
    response = Response.objects.filter(user=owner, status="submitted").first() or (
        Response.objects.filter(user=owner).exclude(receipt_number=None).get()
    )
    answers = dict(response.answers)
    answers[qid("proposal")] = "\n".join([ARABIC, ENGLISH, GREEK])
    Response.objects.filter(pk=response.pk).update(answers=answers)
    consultation = response.consultation

    page = new_page(locale="ar")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live, owner)
    done = consultation.url + consultation.reverse_subpage("respond_done", args=(response.pk,))
    page.goto("/ar" + done)
    folder = Path(os.environ.get("RTL_SCREENSHOT_DIR") or tmp_path)
    page.screenshot(path=str(folder / "rtl_receipt_390.png"), full_page=True)

    assert page.locator("html").get_attribute("dir") == "rtl"
    number = page.locator(f'bdi[dir="ltr"]:text-is("{response.receipt_number}")')
    assert number.count() == 1 and number.first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    def box(text):
        return page.locator(f'.user-line:text-is("{text}")').bounding_box()

    arabic, english, greek = box(ARABIC), box(ENGLISH), box(GREEK)
    block = page.locator(".user-line", has_text=ENGLISH).locator("xpath=..").bounding_box()
    # Every line is a block of the answer's width; the text inside aligns to its own start.
    for line in (ENGLISH, GREEK):
        start = page.evaluate(
            """(text) => { const el = [...document.querySelectorAll('.user-line')]
                .find(e => e.textContent === text); const r = document.createRange();
                r.selectNodeContents(el); return r.getBoundingClientRect().left; }""",
            line,
        )
        assert start - block["x"] < 4, (line, start, block)
    arabic_end = page.evaluate(
        """(text) => { const el = [...document.querySelectorAll('.user-line')]
            .find(e => e.textContent === text); const r = document.createRange();
            r.selectNodeContents(el); return r.getBoundingClientRect().right; }""",
        ARABIC,
    )
    assert block["x"] + block["width"] - arabic_end < 4
    assert arabic and english and greek
