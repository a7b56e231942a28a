"""bench/baseline_app/benchdata.py (the generate_bench_data command): incremental, idempotent."""

import pytest

from bench.baseline_app.benchdata import ORG_EVERY, SLUG, THEME_SLUGS, generate
from consultations import counts, snapshots
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
    # Their questionnaire snapshot is recorded for the exports, once.
    assert len(snapshots.of_consultation(consultation.pk)) == 1
    assert snapshots.scan(responses) == snapshots.of_consultation(consultation.pk)


@pytest.mark.django_db
def test_generate_builds_one_site_tagged_with_themes():
    generate(0)
    generate(0)
    consultation = ConsultationPage.objects.get(slug=SLUG)  # one, not two
    assert consultation.live
    assert sorted(consultation.themes.values_list("slug", flat=True)) == sorted(THEME_SLUGS)


@pytest.mark.django_db
def test_on_postgresql_the_responses_past_the_templates_are_copies_made_by_the_server(
    monkeypatch,
):
    from django.db import connection

    from bench.baseline_app import benchdata

    if connection.vendor != "postgresql":
        pytest.skip("the server-side copy is PostgreSQL's; SQLite makes every response")
    monkeypatch.setattr(benchdata, "TEMPLATES", 200)
    generate(150)
    result = generate(650)  # 50 more made in Python, then 450 copies
    assert (result["added"], result["responses"]) == (500, 650)
    consultation = ConsultationPage.objects.get(slug=SLUG)
    responses = Response.objects.filter(consultation=consultation)
    numbers = sorted(responses.values_list("receipt_number", flat=True))
    assert numbers == [f"CONS-BENCH-{n:07d}" for n in range(650)]
    by_number = {r.receipt_number: r for r in responses}
    copy, template = by_number["CONS-BENCH-0000437"], by_number["CONS-BENCH-0000037"]
    assert (copy.answers, copy.language, copy.country) == (
        template.answers,
        template.language,
        template.country,
    )
    assert copy.submitted_at - template.submitted_at == benchdata.timedelta(seconds=20 * 400)
    organisations = responses.exclude(organisation=None)
    assert organisations.count() == organisations.values("organisation").distinct().count() == 7
    assert sorted(int(r.receipt_number[-7:]) for r in organisations) == list(range(0, 650, 100))
    assert responses.filter(campaign="recognition-letter").count() == len(range(0, 650, 9))
    # The counts were rebuilt from the answers: the table equals a recount.
    assert counts.current(consultation.pk) == counts.recount(consultation.pk)
    assert counts.summary(consultation.pk)["totals"]["responses"] == 650
    # The copies share their templates' questionnaire snapshot: the exports' table has it.
    assert snapshots.scan(responses) == snapshots.of_consultation(consultation.pk)
