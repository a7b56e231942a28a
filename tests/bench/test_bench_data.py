"""bench/baseline_app/benchdata.py (the generate_bench_data command): incremental, idempotent."""

import pytest

from bench.baseline_app.benchdata import ORG_EVERY, SLUG, THEME_SLUGS, generate
from consultations import counts
from consultations.models import ConsultationPage, Response


@pytest.mark.django_db
def test_generate_adds_only_the_missing_responses():
    first = generate(5)
    assert (first["added"], first["responses"]) == (5, 5)
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
    # Counted as they were added: the table equals a recount from the answers.
    assert counts.current(consultation.pk) == counts.recount(consultation.pk)
    assert counts.summary(consultation.pk)["totals"]["responses"] == 12


@pytest.mark.django_db
def test_generate_builds_one_site_tagged_with_themes():
    generate(0)
    generate(0)
    consultation = ConsultationPage.objects.get(slug=SLUG)  # one, not two
    assert consultation.live
    assert sorted(consultation.themes.values_list("slug", flat=True)) == sorted(THEME_SLUGS)
