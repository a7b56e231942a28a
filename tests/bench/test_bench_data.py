"""bench/baseline_app/benchdata.py (the generate_bench_data command): incremental, idempotent."""

import pytest

from bench.baseline_app.benchdata import ORG_EVERY, SLUG, THEME_SLUGS, generate
from consultations.models import ConsultationPage, Response, ResponseFact


@pytest.mark.django_db
def test_generate_adds_only_the_missing_responses():
    first = generate(5)
    assert (first["added"], first["responses"]) == (5, 5)
    assert first["facts_added"] > 0
    second = generate(12)
    assert (second["added"], second["responses"]) == (7, 12)
    again = generate(3)  # fewer than exist: nothing added, nothing removed
    assert (again["added"], again["responses"]) == (0, 12)
    consultation = ConsultationPage.objects.get(slug=SLUG)
    responses = Response.objects.filter(consultation=consultation)
    assert responses.filter(status=Response.Status.SUBMITTED).count() == 12
    numbers = sorted(responses.values_list("receipt_number", flat=True))
    assert numbers == [f"CONS-BENCH-{n:07d}" for n in range(12)]  # no number twice
    assert responses.exclude(organisation=None).count() == len(range(0, 12, ORG_EVERY))
    assert ResponseFact.objects.filter(response__consultation=consultation).count() == (
        first["facts_added"] + second["facts_added"]
    )


@pytest.mark.django_db
def test_generate_builds_one_site_tagged_with_themes():
    generate(0)
    generate(0)
    consultation = ConsultationPage.objects.get(slug=SLUG)  # one, not two
    assert consultation.live
    assert sorted(consultation.themes.values_list("slug", flat=True)) == sorted(THEME_SLUGS)
