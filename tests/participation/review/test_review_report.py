"""The committee report PDF (``review.committee_report``): ranking, charts, disagreement, flips,
the selection with its quota table, price of diversity and reserves, or why a run is infeasible.
Tagged, editors only, and rebuilt only when the reviews, assignments or run change."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader
from review_helpers import full_scores, make_application

from participation.documents import registry
from participation.documents import services as documents
from participation.documents.models import GeneratedDocument
from participation.review import services
from participation.review.models import Quota, Review
from participation.review.report import KIND, clean_params

pytestmark = pytest.mark.django_db

# name, gender, region, and the two reviews' (relevance 0-5, experience 0-20): total = 2r + e
PEOPLE = [
    ("Pia One", "m", "north", [(5, 20), (5, 18)]),
    ("Pablo Two", "m", "north", [(5, 18), (4, 18)]),
    ("Paul Three", "m", "south", [(5, 20), (0, 1)]),  # the reviewers disagree
    ("Petra Four", "f", "south", [(3, 15), (3, 14)]),
    ("Polly Five", "f", "east", [(2, 12), (2, 10)]),
    ("Pat Six", "x", "east", [(1, 5), (1, 4)]),
]


@pytest.fixture
def committee(world, make_process):
    """A blind process with 6 applications, each reviewed by two of three reviewers."""
    process = make_process(name="Expert group: final", seats=3, disagreement_threshold=5.0)
    phase = process.phases.get()
    reviewers = [
        services.add_reviewer(process, reviewer.user, world.editor) for reviewer in world.reviewers
    ]
    items = []
    for index, (name, gender, region, scores) in enumerate(PEOPLE):
        application = make_application(
            world.call, name=name, attributes={"gender": gender, "region": region}
        )
        item = services.sync_item(process, application)
        for offset, (relevance, experience) in enumerate(scores):
            reviewer = reviewers[(index + offset) % len(reviewers)]
            assignment = services.add_assignment(phase, item, reviewer, world.editor)
            services.save_review(
                assignment,
                reviewer.user,
                scores=full_scores(relevance, experience),
                expected_version=0,
                submit=True,
            )
        items.append(item)
    world.final, world.final_phase, world.final_items = process, phase, items
    return world


def quota(process, attribute, value, low=None, high=None):
    return Quota.objects.create(
        process=process, attribute=attribute, value=value, min=low, max=high
    )


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def params(world, run=None):
    values = {"process": world.final.pk, "phase": world.final_phase.pk, "lang": "en"}
    if run is not None:
        values["run"] = run.pk
    return values


def test_report_prints_ranking_charts_selection_quotas_price_and_reserves(committee):
    quota(committee.final, "gender", "f", low=2)
    run = services.run_selection(committee.final_phase, 3, committee.editor, basis="raw")
    assert run.feasible

    built = documents.build_now(KIND, params(committee, run))
    assert built.content_type == "application/pdf"
    assert built.filename == (
        f"committee-report-{committee.final.pk}-phase-{committee.final_phase.pk}-run-{run.pk}.pdf"
    )
    reader, text = pdf_text(built.content)

    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA)
    assert reader.metadata.title == "Committee report: Expert group: final"
    assert "Contents" in text
    # The ranking, with both ranks, means, spread, interval and the disagreement flag.
    for heading in ("Ranking", "Rank (normalised)", "Rank (raw)", "Normalised mean", "Spread"):
        assert heading in text
    assert "Application 1" in text and "Application of Pia One" in text  # editors see titles
    assert "reviewers disagree" in text
    # Charts (SVG with their data tables), leniency per reviewer.
    assert "Distribution of review totals" in text
    assert "Leniency: each reviewer" in text and "Alice" in text and "Chiara" in text
    # The disagreement section lists the item the reviewers disagree on, with its totals.
    disagreement = text[text.index("Items whose reviewers disagree") :]
    assert "Application 3" in disagreement and "1, 30" in disagreement
    assert "Decisions that flip" in text
    # The selection: members, quota table, merit and price of diversity, reserve list.
    result = run.result
    assert "Selected members" in text and "Replacement if they withdraw" in text
    assert "Quota table" in text and "gender = f" in text
    assert "In the unconstrained top" in text
    assert "Price of diversity" in text
    assert f"{result['price_of_diversity']:.2f}" in text
    assert f"{result['merit']:.2f}" in text and f"{result['unconstrained_merit']:.2f}" in text
    assert "Reserve list" in text
    first_reserve = result["reserve"][0]["candidate"]
    reserve_section = text[text.index("Reserve list, in order") :]
    number = next(i.number for i in committee.final_items if i.pk == first_reserve)
    assert f"Application {number}" in reserve_section
    # Special-category attributes only in aggregate: no region (not a quota), no per-member value.
    assert "region" not in text and "north" not in text and "Attributes" not in text


def test_infeasible_run_prints_its_explanation_and_relaxation(committee):
    quota(committee.final, "gender", "f", low=3)  # only two women
    quota(committee.final, "gender", "x", low=1)
    run = services.run_selection(committee.final_phase, 3, committee.editor)
    assert not run.feasible

    _reader, text = pdf_text(documents.build_now(KIND, params(committee, run)).content)
    assert "Why no selection meets the quotas" in text
    assert "The quotas cannot all be met" in text
    assert "gender = f: lower “at least” from 3 to 2" in text
    assert "Reserve list" not in text and "Selected members" not in text
    assert "gender = f" in text and "gender = x" in text  # the quota table still shows


def test_a_phase_without_reviews_still_gives_a_report(world):
    _reader, text = pdf_text(
        documents.build_now(
            KIND, {"process": world.process.pk, "phase": world.phase.pk, "lang": "en"}
        ).content
    )
    assert "No submitted reviews in this phase yet." in text
    assert "No counted reviews yet" in text


def test_only_editors_may_request_or_view_it(committee, make_user):
    kind = registry.get(KIND)
    cleaned = clean_params(params(committee))
    reviewer = committee.reviewers[0].user
    staff_without_permission = make_user("staff@example.org", is_staff=True)
    assert kind.can_request(committee.editor, cleaned)
    assert not kind.can_request(reviewer, cleaned)
    assert not kind.can_request(staff_without_permission, cleaned)
    with pytest.raises(PermissionDenied):
        documents.request_document(KIND, params(committee), reviewer)
    document = GeneratedDocument(kind=KIND, params=cleaned, requested_by=committee.editor)
    assert not documents.can_access(reviewer, document)
    assert not kind.can_view(staff_without_permission, document)


def test_parameters_are_checked(committee, make_process):
    base = params(committee)
    with pytest.raises(ValidationError):
        clean_params({**base, "process": "x"})
    with pytest.raises(ValidationError):
        clean_params({**base, "process": 999999})
    with pytest.raises(ValidationError):
        clean_params({**base, "phase": "1; drop"})
    other = make_process(name="Other")
    with pytest.raises(ValidationError):
        clean_params({**base, "phase": other.phases.get().pk})  # not this process's phase
    with pytest.raises(ValidationError):
        clean_params({**base, "run": 999999})
    with pytest.raises(ValidationError):
        clean_params({"process": committee.final.pk, "lang": "en"})  # no phase, no run
    run = services.run_selection(committee.final_phase, 2, committee.editor)
    cleaned = clean_params({"process": str(committee.final.pk), "run": str(run.pk), "lang": "xx"})
    assert cleaned == {
        "process": committee.final.pk,
        "phase": committee.final_phase.pk,  # taken from the run
        "run": run.pk,
        "lang": "en",  # unknown languages fall back to the site's
    }
    assert clean_params({**base, "lang": "uk"})["lang"] == "uk"


def test_fingerprint_follows_reviews_assignments_and_the_run(committee):
    kind = registry.get(KIND)
    cleaned = clean_params(params(committee))
    first = kind.compute_fingerprint(cleaned)
    assert kind.compute_fingerprint(clean_params(params(committee))) == first  # unchanged

    review = Review.objects.filter(assignment__phase=committee.final_phase).first()
    services.save_review(
        review.assignment,
        review.assignment.reviewer.user,
        scores=full_scores(0, 0),
        expected_version=review.version,
        submit=True,
    )
    after_review = kind.compute_fingerprint(cleaned)
    assert after_review != first

    assignment = review.assignment
    services.remove_assignment(assignment, committee.editor)
    assert kind.compute_fingerprint(cleaned) != after_review

    run = services.run_selection(committee.final_phase, 2, committee.editor)
    with_run = clean_params(params(committee, run))
    before_apply = kind.compute_fingerprint(with_run)
    services.apply_selection(run, committee.editor)
    assert kind.compute_fingerprint(with_run) != before_apply


def test_an_unchanged_report_is_served_again(committee):
    run = services.run_selection(committee.final_phase, 3, committee.editor)
    document = documents.request_document(KIND, params(committee, run), committee.editor)
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE, document.error
    with document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    again = documents.request_document(KIND, params(committee, run), committee.editor)
    assert again.pk == document.pk


def test_buttons_on_the_results_and_selection_run_pages(client, committee):
    client.force_login(committee.editor)
    action = reverse("documents:request", args=[KIND])
    results = client.get(
        reverse("review_admin:results", args=[committee.final.pk, committee.final_phase.pk])
    )
    assert results.status_code == 200
    html = results.content.decode()
    assert f'action="{action}"' in html and "Committee report (PDF)" in html
    assert f'name="phase" value="{committee.final_phase.pk}"' in html

    run = services.run_selection(committee.final_phase, 3, committee.editor)
    page = client.get(reverse("review_admin:selection_run", args=[committee.final.pk, run.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{action}"' in html and f'name="run" value="{run.pk}"' in html
