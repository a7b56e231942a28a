"""Demo content for this plugin, called by `manage.py load_demo`. Idempotent."""

import random
from datetime import date, timedelta
from decimal import Decimal

from wagtail.models import Locale

from themes.models import Theme

from .models import Commitment, Indicator, IndicatorValue, MonitoringBoardPage, ProgressUpdate
from .versions import bump

COUNTRIES = ["DE", "FR", "IT", "ES", "PL", "SE", "AT", "BE"]
YEARS = range(2019, 2025)

# theme slug: two indicators (code, name, unit, higher is better, start value, yearly drift)
INDICATORS = {
    "education-and-training": [
        ("early-leavers", "Early leavers from education and training", "%", False, 22, -0.8),
        ("qualifications-recognised", "Foreign qualifications recognised", "%", True, 38, 2.1),
    ],
    "employment-and-skills": [
        ("employment-rate", "Employment rate, 20-64, born outside the EU", "%", True, 58, 1.2),
        ("overqualification", "Over-qualification rate", "%", False, 40, -0.6),
    ],
    "health": [
        ("unmet-medical-needs", "Self-reported unmet medical needs", "%", False, 6, -0.3),
        ("good-health", "Perceived good health", "%", True, 70, 0.5),
    ],
    "housing": [
        ("housing-overcrowding", "Overcrowding rate", "%", False, 28, -0.7),
        ("housing-cost-overburden", "Housing cost overburden rate", "%", False, 24, -0.4),
    ],
    "building-strong-partnerships": [
        ("integration-strategies", "Regions with an integration strategy", "%", True, 45, 3.0),
        ("migrant-councils", "Cities with a migrant advisory council", "%", True, 20, 2.0),
    ],
    "eu-funding": [
        ("amif-integration-share", "Share of AMIF spent on integration", "%", True, 20, 1.0),
        ("esf-migrant-projects", "ESF+ projects reaching migrants", "projects", True, 120, 15),
    ],
    "participation-and-encounters": [
        ("voter-registration", "Registration of eligible migrant voters", "%", True, 55, 1.5),
        ("volunteering", "Volunteering in the last year", "%", True, 18, 0.4),
    ],
    "monitoring-and-evidence": [
        ("indicators-published", "Zaragoza indicators published", "indicators", True, 10, 1),
        ("disaggregated-surveys", "Surveys disaggregated by migrant background", "%", True, 30, 4),
    ],
    "digital-tools": [
        ("digital-skills", "Basic digital skills", "%", True, 48, 1.8),
        ("online-services", "Public services usable in several languages", "%", True, 25, 3.2),
    ],
}

COMMITMENTS = [
    # title, theme slugs, department, status, progress, reason, updates
    (
        "One-stop shop for the recognition of qualifications",
        ["education-and-training", "employment-and-skills"],
        "Ministry of Education, recognition office",
        Commitment.Status.IN_PROGRESS,
        60,
        "",
        [("Pilot opened in three regions.", 30), ("Online application form released.", 60)],
    ),
    (
        "Interpreters paid for in every public hospital",
        ["health"],
        "Ministry of Health",
        Commitment.Status.PLANNED,
        0,
        "",
        [],
    ),
    (
        "Language courses with childcare",
        ["education-and-training", "participation-and-encounters"],
        "Integration office",
        Commitment.Status.DONE,
        100,
        "",
        [("Courses in 40 towns.", 70), ("All regions covered.", 100)],
    ),
    (
        "Separate municipal housing lists for newcomers",
        ["housing"],
        "Housing department",
        Commitment.Status.DROPPED,
        10,
        "Respondents showed that separate lists would segregate; common lists are reformed "
        "instead.",
        [("Legal study done.", 10)],
    ),
]


def _page(home):
    board = MonitoringBoardPage.objects.first()
    if board is None:
        board = home.add_child(
            instance=MonitoringBoardPage(
                title="Progress board",
                slug="progress",
                intro=(
                    "Are commitments kept? Participation, commitments and indicators of the "
                    "action plan's themes, with the data to reuse."
                ),
            )
        )
        board.save_revision().publish()
    return board


def _indicators(themes):
    if Indicator.objects.exists():
        return
    rng = random.Random(10)  # noqa: S311 - made-up demo figures
    values = []
    for slug, specs in INDICATORS.items():
        theme = themes.get(slug)
        if theme is None:
            continue
        for order, (code, name, unit, higher, start, drift) in enumerate(specs):
            indicator = Indicator.objects.create(
                theme=theme,
                name=name,
                slug=code,
                unit=unit,
                higher_is_better=higher,
                definition=f"{name}, people born outside the EU (demo figures).",
                source="Demo data, shaped like Eurostat's migrant integration statistics",
                sort_order=order,
            )
            for country in COUNTRIES:
                level = start * rng.uniform(0.7, 1.3)
                for year in YEARS:
                    level = max(0, level + drift * rng.uniform(0.2, 1.8))
                    values.append(
                        IndicatorValue(
                            indicator=indicator,
                            country=country,
                            year=year,
                            value=Decimal(str(round(level, 1))),
                        )
                    )
    IndicatorValue.objects.bulk_create(values)
    bump()  # bulk writes send no signal (monitoring/versions.py)


def _commitments(themes):
    from participation.outcomes import outcome_source

    from . import services

    # The housing consultation's outcome items become tracked commitments: those the outcome
    # source offers (the original's items only: a translated consultation has copies of them,
    # the same promises), as the admin's list of outcomes to track does.
    source = outcome_source()
    for item in source.offered() if source is not None else ():
        commitment = services.commitment_from_outcome(item)
        if not commitment.updates.exists():
            commitment.owner_department = "City housing departments"
            commitment.starts_on = date.today() - timedelta(days=60)
            commitment.due_on = date.today() + timedelta(days=300)
            ProgressUpdate.objects.create(
                commitment=commitment,
                date=date.today() - timedelta(days=20),
                text="Funding agreed with the first cities.",
                status=Commitment.Status.IN_PROGRESS,
                progress=25,
            )
            commitment.status, commitment.progress = Commitment.Status.IN_PROGRESS, 25
            commitment.notified_state = commitment.state_signature()
            commitment.save()
    for title, slugs, department, status, progress, reason, updates in COMMITMENTS:
        if Commitment.objects.filter(title=title).exists():
            continue
        commitment = Commitment.objects.create(
            title=title,
            owner_department=department,
            status=status,
            progress=progress,
            dropped_reason=reason,
            starts_on=date.today() - timedelta(days=400),
            due_on=date.today() + timedelta(days=200),
            completed_on=date.today() - timedelta(days=10) if status == "done" else None,
        )
        commitment.themes.set([themes[s] for s in slugs if s in themes])
        for n, (text, percent) in enumerate(updates):
            ProgressUpdate.objects.create(
                commitment=commitment,
                date=date.today() - timedelta(days=200 - 90 * n),
                text=text,
                status=Commitment.Status.IN_PROGRESS if percent < 100 else status,
                progress=percent,
            )
        # Demo data: nobody follows yet, nobody is emailed.
        Commitment.objects.filter(pk=commitment.pk).update(
            notified_state=commitment.state_signature()
        )


def load(home):
    """Build the demo pages under `home`; return the page to link from the navigation."""
    themes = {t.slug: t for t in Theme.objects.filter(locale=Locale.get_default())}
    board = _page(home)
    _indicators(themes)
    _commitments(themes)
    return board
