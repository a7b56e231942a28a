"""Data for the benchmarks, generated (never committed): a home page, a plain Wagtail page (the
baseline of the page measures), an open consultation tagged with two themes, and as many
submitted responses as asked, written with bulk_create (answers as consultations.demo_responses
makes them, 1 % on behalf of organisations). Idempotent and incremental: asking for 10,000 when
1,000 exist adds 9,000. Used by the ``generate_bench_data`` command and the benches."""

from __future__ import annotations

import random
from datetime import timedelta

SLUG = "bench-recognition"
THEME_SLUGS = ("education-and-training", "employment-and-skills")
ORG_EVERY = 100  # one response in a hundred is given on behalf of an organisation
# On PostgreSQL, responses past the first TEMPLATES are copies of them made by the server
# (INSERT ... SELECT): a million built in Python takes about half an hour, copied a few minutes.
# A multiple of ORG_EVERY, so a copy is given for an organisation exactly when its template is.
TEMPLATES = 20_000


def build_site():
    """A home page as the default site's root, a standard page (the baseline), and an open
    consultation with the demo questionnaire, tagged with two themes. Returns the
    consultation and the standard page (the existing ones when they exist)."""
    from django.utils import timezone
    from wagtail.models import Locale, Page, Site
    from wagtail.rich_text import RichText

    from consultations.demo_questionnaire import recognition_questionnaire
    from consultations.models import ConsultationIndexPage, ConsultationPage
    from portal.models import HomePage, StandardPage
    from themes.models import Theme

    existing = ConsultationPage.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing, StandardPage.objects.get(slug="about")
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Home", slug="bench-home", locale=Locale.get_default())
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    paragraph = (
        "<p>The platform lets public bodies involve migrants and migrant organisations in the "
        "decisions that concern them: consultations, an expert group and an award.</p>"
    )
    standard = home.add_child(
        instance=StandardPage(
            title="About this platform",
            slug="about",
            intro="Who we are and how answers are used.",
            body=[
                ("heading", "How it works"),
                ("paragraph", RichText(paragraph * 3)),
                ("heading", "Your data"),
                ("paragraph", RichText(paragraph * 2)),
            ],
        )
    )
    standard.save_revision().publish()
    index = home.add_child(instance=ConsultationIndexPage(title="Consultations", slug="consult"))
    index.save_revision().publish()
    now = timezone.now()
    consultation = index.add_child(
        instance=ConsultationPage(
            title="Recognition of qualifications (bench)",
            slug=SLUG,
            intro="How can recognising diplomas be made faster and fairer?",
            opens_at=now - timedelta(days=60),
            closes_at=now + timedelta(days=30),
            audiences=["migrants", "migrant_led"],
            questionnaire=recognition_questionnaire(),
        )
    )
    consultation.themes.set(Theme.objects.filter(slug__in=THEME_SLUGS))
    consultation.save_revision().publish()
    # The progress board (monitoring's demo: indicators with their values, commitments), whose
    # participation figures count the consultation's answers.
    from monitoring import demo as monitoring_demo

    monitoring_demo.load(home)
    return ConsultationPage.objects.get(pk=consultation.pk), StandardPage.objects.get(
        pk=standard.pk
    )


def make_organisations(count: int) -> list:
    """At least ``count`` verified organisations (created when missing), in creation order."""
    from participation.organisations.models import Organisation

    have = Organisation.objects.filter(slug__startswith="bench-organisation-").count()
    kinds = [value for value, _label in Organisation.Kind.choices]
    countries = ["DE", "FR", "BE", "NL", "SE", "IT", "ES", "PL", "AT", "GR"]
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench organisation {n}",
            slug=f"bench-organisation-{n}",
            kind=kinds[n % len(kinds)],
            country=countries[n % len(countries)],
            verified=True,
        )
        for n in range(have, count)
    )
    return list(Organisation.objects.filter(slug__startswith="bench-organisation-").order_by("pk"))


def add_responses(consultation, start: int, stop: int, organisations, chunk: int = 5000) -> int:
    """Submitted responses number start..stop-1, counted (consultations.counts) in the same
    transaction; returns how many were added."""
    from django.db import transaction

    from consultations.demo_responses import COUNTRIES, _recognition_answers
    from consultations.models import Response
    from consultations.services import count_added, search_text
    from participation.questionnaire.export import snapshot
    from participation.questionnaire.structure import parse

    snap = snapshot(parse(consultation.questionnaire))
    rng = random.Random(start)
    opened = consultation.opens_at
    counted = 0
    for first in range(start, stop, chunk):
        responses = []
        for n in range(first, min(stop, first + chunk)):
            language, answers = _recognition_answers(rng, n)
            organisation = organisations[n // ORG_EVERY] if n % ORG_EVERY == 0 else None
            response = Response(
                consultation=consultation,
                organisation=organisation,
                respondent_type="organisation" if organisation else "individual",
                country=rng.choice(COUNTRIES),
                language=language,
                status=Response.Status.SUBMITTED,
                answers=answers,
                questionnaire_snapshot=snap,
                receipt_number=f"CONS-BENCH-{n:07d}",
                submitted_at=opened + timedelta(seconds=20 * n),
                publication=rng.choice(["named", "anonymous", "anonymous", "private"]),
                moderation=rng.choice(["approved", "approved", "approved", "pending"]),
                campaign="recognition-letter" if n % 9 == 0 else "",
                version=2,
            )
            response.search_text = search_text(response)
            responses.append(response)
        with transaction.atomic():
            Response.objects.bulk_create(responses)  # primary keys come back (RETURNING)
            count_added(Response.objects.filter(pk__range=(responses[0].pk, responses[-1].pk)))
        counted += len(responses)
    return counted


def copy_responses(consultation, start: int, stop: int, organisations, chunk: int = 100_000):
    """PostgreSQL: submitted responses number start..stop-1, each a copy of template number
    n % TEMPLATES (its answers, language, country, moderation...) with its own receipt number,
    submission time, organisation and campaign as ``add_responses`` would give them; then the
    answer counts rebuilt from the answers (``rebuild_counts``, the real recount)."""
    from django.db import connection, transaction

    from consultations.models import Response
    from consultations.services import rebuild_counts

    fixed = {"id", "receipt_number", "submitted_at", "organisation", "campaign"}
    copied = [f.column for f in Response._meta.concrete_fields if f.name not in fixed]
    columns = ", ".join(copied)
    from_template = ", ".join(f"t.{column}" for column in copied)
    organisation_ids = [organisation.pk for organisation in organisations]
    sql = f"""
        INSERT INTO {Response._meta.db_table}
            ({columns}, receipt_number, submitted_at, organisation_id, campaign)
        SELECT {from_template},
            'CONS-BENCH-' || lpad(n::text, 7, '0'),
            %(opened)s + n * interval '20 seconds',
            CASE WHEN n %% {ORG_EVERY} = 0
                THEN (%(organisations)s::bigint[])[n / {ORG_EVERY} + 1] END,
            CASE WHEN n %% 9 = 0 THEN 'recognition-letter' ELSE '' END
        FROM generate_series(%(first)s, %(last)s) AS n
        JOIN {Response._meta.db_table} t
            ON t.consultation_id = %(consultation)s
            AND t.receipt_number = 'CONS-BENCH-' || lpad((n %% {TEMPLATES})::text, 7, '0')
    """
    for first in range(start, stop, chunk):
        last = min(stop, first + chunk) - 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "opened": consultation.opens_at,
                    "organisations": organisation_ids,
                    "first": first,
                    "last": last,
                    "consultation": consultation.pk,
                },
            )
            if cursor.rowcount != last - first + 1:
                raise RuntimeError(f"copied {cursor.rowcount} responses for {first}..{last}")
    with transaction.atomic():
        rebuild_counts(consultation.pk)


def analyze_if_postgres() -> None:
    """PostgreSQL's autovacuum would analyze the freshly loaded tables within a minute;
    do it now so that plans do not depend on when it happens to run."""
    from django.db import connection

    if connection.vendor == "postgresql":
        # VACUUM also fills the visibility map (index-only scans) but cannot run inside a
        # transaction (a test's); ANALYZE alone can.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} consultations_response")
            cursor.execute(f"{command} consultations_answercount")


def generate(responses: int) -> dict:
    """The site and ``responses`` submitted responses (adds only the missing ones)."""
    from consultations.models import Response

    consultation, standard = build_site()
    have = Response.objects.filter(
        consultation=consultation, status=Response.Status.SUBMITTED
    ).count()
    if responses > have:
        from django.db import connection

        organisations = make_organisations(responses // ORG_EVERY + 1)
        made_here = responses
        if connection.vendor == "postgresql":
            made_here = min(responses, max(have, TEMPLATES))
        add_responses(consultation, have, made_here, organisations)
        if responses > made_here:
            copy_responses(consultation, max(have, made_here), responses, organisations)
        analyze_if_postgres()
    return {
        "consultation": consultation,
        "standard": standard,
        "added": max(0, responses - have),
        "responses": max(responses, have),
    }
