"""The reviewer workspace and the editor's documents, in Chromium: a juror declares no conflict
and scores; a conflicted one is refused; the editor builds the summary PDF, sees the charts,
and exports the answers. (Expert call and award items join through the same review world.)"""

import io

import pytest
from browser_helpers import axe_check, sign_in
from proof_world import APPLICANT_TEXT, build_world

pytestmark = pytest.mark.browser


def test_reviewer_declares_and_scores_in_the_workspace(new_page, live):
    from participation.review.models import ConflictDeclaration, Review

    world = build_world()
    ConflictDeclaration.objects.filter(reviewer=world.reviewers["reviewer_assigned"]).delete()
    page = new_page()
    sign_in(page, live, world.users["reviewer_assigned"])
    page.goto("/review/")
    axe_check(page, "review workspace")
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    assert APPLICANT_TEXT not in page.content()  # nothing shown before the conflict question
    axe_check(page, "conflict question")
    page.check("input[name=kind][value=none]")
    page.get_by_role("button", name="Answer").click()
    page.wait_for_load_state()
    assert APPLICANT_TEXT in page.content()
    assert "Nadia Haddad" not in page.content()  # blind review: identifying fields hidden
    axe_check(page, "item, empty scores")
    page.locator("button[name=action][value=submit]").click()  # nothing scored yet
    page.wait_for_load_state()
    axe_check(page, "item, with errors")
    page.check('input[name=score_relevance][value="4"]')
    page.fill("textarea[name=comments]", "Strong experience with recognition procedures.")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    review = Review.objects.get(assignment=world.assignment)
    assert review.scores == {"relevance": 4} and review.submitted_at
    axe_check(page, "item, submitted")

    conflicted = new_page()
    sign_in(conflicted, live, world.users["reviewer_conflicted"])
    response = conflicted.goto(f"/review/{world.process.pk}/items/{world.item.number}/")
    assert response.status == 403 and APPLICANT_TEXT not in conflicted.content()


def test_editor_exports_summary_pdf_and_sees_the_charts(new_page, live):
    from pypdf import PdfReader

    from consultations.models import Response

    world = build_world()
    Response.objects.filter(pk=world.mine.pk).update(publication="named", moderation="approved")
    page = new_page()
    sign_in(page, live, world.users["editor"])
    page.goto(world.page.url + "what-we-heard/")
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 2
    first = charts.first
    assert first.bounding_box()["width"] > 200 and first.bounding_box()["height"] > 100
    # pygal's own styles apply (their <style> carries the CSP nonce): bars are not unstyled
    # black; the tooltip layer, which only pygal's script used, is not sent at all.
    fill = page.evaluate(
        "() => getComputedStyle(document.querySelector('svg[role=img] .rect')).fill"
    )
    assert fill not in ("rgb(0, 0, 0)", "", None), fill
    assert page.evaluate("() => document.querySelector('svg[role=img] .tooltip')") is None
    axe_check(page, "what we heard (charts)")

    page.locator("form.document-request button").click()
    page.wait_for_url("**/documents/generated/**")
    axe_check(page, "document status")
    link = page.locator("a[download]").first
    with page.expect_download() as download_info:
        link.click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert world.page.title in text
    assert "Have you applied for recognition" in text  # a chart's question, with its table

    # The answers as a spreadsheet, from the admin's export.
    response = page.request.get(f"/admin/consultations/{world.page.pk}/responses.csv")
    assert response.status == 200 and world.mine.receipt_number in response.text()
