"""Demo content for the award, called by `manage.py load_demo`. Idempotent and fast.

The 2026 edition has run its course: four categories, about 40 nominations in many scripts,
juries with scores (longlist round), a published shortlist and winners, a closed audience vote.
The 2027 edition is open, so a newcomer can nominate; its "Local communities" jury reads the
early nominations now. Oleksandr is a juror of "Local communities" in both editions; Samira
nominated one of the winners."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from participation.review import services as review
from participation.review.models import Assignment, ConflictDeclaration, Review
from themes.models import Theme

from . import figures, services
from .models import (
    DEFAULT_CATEGORIES,
    AudienceVote,
    AwardCategory,
    AwardEditionPage,
    AwardIndexPage,
    Nomination,
)

NOMINEES = {
    "schools": [
        ("École Jean Jaurès", "FR"),
        ("Grundschule am Park", "DE"),
        ("Scuola Dante Alighieri", "IT"),
        ("Szkoła Podstawowa nr 12", "PL"),
        ("Колегіум Надія", "UA"),
        ("Colegio Los Olivos", "ES"),
        ("Basisschool De Brug", "NL"),
        ("مدرسة الأمل", "BE"),
        ("Escola Aberta", "PT"),
        ("Volksschule Brigittenau", "AT"),
    ],
    "communities": [
        ("Quartier Solidaire Molenbeek", "BE"),
        ("Nachbarschaftshaus Wedding", "DE"),
        ("Comunità di Riace", "IT"),
        ("Dom Sąsiedzki", "PL"),
        ("Громада разом", "UA"),
        ("Barrio Abierto Lavapiés", "ES"),
        ("Wijkcentrum Oost", "NL"),
        ("ጎረቤት ማህበር", "SE"),
        ("Kylätalo Kontula", "FI"),
        ("Κοινότητα Αλληλεγγύης", "GR"),
    ],
    "culture": [
        ("Théâtre des Exilés", "FR"),
        ("Refugee Orchestra Berlin", "DE"),
        ("Teatro Migrante", "IT"),
        ("Galeria Wspólna", "PL"),
        ("Студія Світло", "UA"),
        ("Coro de los Mundos", "ES"),
        ("Verhalenhuis", "NL"),
        ("فرقة الحكايات", "SE"),
        ("Museu da Memória", "PT"),
        ("Kulturverein Brücke", "AT"),
    ],
    "sports-youth": [
        ("Football for All", "IE"),
        ("SV Integration 04", "DE"),
        ("Polisportiva Insieme", "IT"),
        ("Klub Sportowy Razem", "PL"),
        ("Юні Спортсмени", "UA"),
        ("Club Deportivo Mestizo", "ES"),
        ("Jeugdclub Samen", "NL"),
        ("نادي الشباب المتحد", "DK"),
        ("Youth Hub Tallinn", "EE"),
        ("Basket Sans Frontières", "FR"),
    ],
}


def _juror(email, name, languages):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            username=email.split("@")[0],
            email=email,
            display_name=name,
            languages_spoken=languages,
        )
        user.set_unusable_password()  # demo jurors who only exist to have scored
        user.save()
    return user


@transaction.atomic
def load(home):
    index = AwardIndexPage.objects.child_of(home).first()
    if index is not None:
        return index
    index = home.add_child(
        instance=AwardIndexPage(
            title="Integration award",
            slug="integration-award",
            intro=(
                "The action plan's award for schools, local communities, artistic and cultural "
                "organisations, and sports and youth clubs that make integration work."
            ),
        )
    )
    index.save_revision().publish()
    themes = list(Theme.objects.filter(locale=Locale.get_default()).order_by("pk")[:3])
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    past = _edition(
        index,
        "Integration Award 2026",
        "2026",
        now - timedelta(days=150),
        now - timedelta(days=100),
        themes,
    )
    _run_past_edition(past, now)
    current = _edition(
        index,
        "Integration Award 2027",
        "2027",
        now - timedelta(days=3),
        now + timedelta(days=60),
        themes,
    )
    _jury_at_work(current, now)
    return index


def _edition(index, title, year, opens, closes, themes):
    edition = AwardEditionPage(
        title=title,
        slug=f"award-{year}",
        intro="Projects that bring migrants and their neighbours together, nominated by anyone.",
        opens_at=opens,
        closes_at=closes,
        eligibility=(
            "<p>Organisations and informal groups active in the EU, with a project running for at "
            "least a year in which migrants take part in shaping it.</p>"
        ),
        prizes="<p>€10,000 per category winner, a film about the project, a visit to Brussels.</p>",
        contact_email="award@example.org",
    )
    index.add_child(instance=edition)
    for position, (_key, name) in enumerate(DEFAULT_CATEGORIES):
        AwardCategory.objects.create(
            page=edition,
            name=str(name),
            sort_order=position,
            description=f"{name}: projects of at least one year.",
            criteria=(
                "Results for integration\nMigrants take part in shaping it\n"
                "Lasting and transferable"
            ),
            prize="€10,000",
        )
    edition.themes.set(themes)
    edition.save_revision().publish()
    return AwardEditionPage.objects.get(pk=edition.pk)


# Nominations that arrived early in the open edition; its "Local communities" jury reads them as
# they come (the longlist round is open), so the demo's juror can score today.
EARLY_NOMINEES = [
    ("Buurthuis De Horizon", "NL"),
    ("Centro Vecinal Encuentros", "ES"),
    ("Сусідський центр Разом", "PL"),
    ("بيت الجيران", "DE"),
    ("Kvarterscentrum Gemenskap", "SE"),
    ("Ομάδα Γειτονιάς Πειραιά", "GR"),
]


def _submitted_nomination(edition, category, name, country, *, submitted_at, **fields):
    """A nomination submitted and confirmed by its nominee, in English, with consent."""
    return Nomination.objects.create(
        edition=edition,
        category=category,
        nominee_name=name,
        nominee_country=country,
        contact_name="Demo contact",
        publication_consent=True,
        status=Nomination.Status.SUBMITTED,
        submitted_at=submitted_at,
        confirmed_at=submitted_at,
        language="en",
        **fields,
    )


def _jury_at_work(edition, now):
    from participation.accounts.models import User

    rng = random.Random(2027)
    oleksandr = User.objects.filter(email="oleksandr@example.org").first()
    category = edition.categories.get(sort_order=1)  # Local communities
    for n, (name, country) in enumerate(EARLY_NOMINEES):
        _submitted_nomination(
            edition,
            category,
            name,
            country,
            kind=Nomination.Kind.SELF if n % 2 else Nomination.Kind.THIRD_PARTY,
            contact_email=f"early{n}@example.org",
            project_title=f"{name}: open doors",
            description=(
                f"{name} opens its rooms to newcomers every evening: language cafés, homework "
                "help, and a council where new and old neighbours decide together."
            ),
            results=f"{rng.randint(40, 300)} neighbours took part this year.",
            evidence_links=["https://example.org/report"],
            receipt_number=f"AWD-DEMO-E{n:03d}",
            submitted_at=now - timedelta(days=2, hours=n * 7),
        )
    process = services.ensure_process(category)
    process.phases.filter(position=0).update(
        opens_at=now - timedelta(days=1), closes_at=edition.closes_at + timedelta(days=20)
    )
    review.import_items(process)
    jurors = [
        _juror(f"jury.2027.{i}@example.org", f"Juror {i + 1} ({category.name})", ["en"])
        for i in range(2)
    ]
    reviewers = [review.add_reviewer(process, user, role="jury") for user in jurors]
    if oleksandr is not None:
        review.add_reviewer(process, oleksandr, role="jury")  # declares and scores in the demo
    phase = process.phases.get(position=0)
    items = list(review.phase_items(phase))
    for reviewer in [*reviewers, *process.reviewers.filter(user=oleksandr)]:
        Assignment.objects.bulk_create(
            [Assignment(phase=phase, item=i, reviewer=reviewer) for i in items]
        )
    for reviewer in reviewers:
        ConflictDeclaration.objects.bulk_create(
            [ConflictDeclaration(item=i, reviewer=reviewer, kind="none") for i in items]
        )
        Review.objects.bulk_create(
            [
                Review(
                    assignment=a,
                    scores={
                        c: rng.randint(2, 5) for c in ("impact", "participation", "sustainability")
                    },
                    status=Review.Status.SUBMITTED,
                    version=1,
                    submitted_at=now - timedelta(hours=rng.randint(1, 20)),
                )
                for a in Assignment.objects.filter(phase=phase, reviewer=reviewer)[:4]
            ]
        )


def _run_past_edition(edition, now):
    from participation.accounts.models import User

    rng = random.Random(2026)
    samira = User.objects.filter(email="samira@example.org").first()
    oleksandr = User.objects.filter(email="oleksandr@example.org").first()
    submitted_at = edition.closes_at - timedelta(days=10)
    for position, category in enumerate(edition.categories.all()):
        key = DEFAULT_CATEGORIES[position][0]
        for n, (name, country) in enumerate(NOMINEES[key]):
            _submitted_nomination(
                edition,
                category,
                name,
                country,
                kind=Nomination.Kind.SELF if n % 3 else Nomination.Kind.THIRD_PARTY,
                user=samira if (key == "culture" and n == 0) else None,
                contact_email=f"contact{position}{n}@example.org",
                project_title=f"{name}: together",
                description=(
                    f"{name} runs weekly activities where newcomers and long-time residents "
                    "plan, learn and celebrate together."
                ),
                results=f"{rng.randint(30, 400)} took part; {rng.randint(2, 20)} found work.",
                evidence_links=["https://example.org/press"],
                receipt_number=f"AWD-DEMO-{position}{n:03d}",
                submitted_at=submitted_at,
            )
        process = services.ensure_process(category)
        category.refresh_from_db()
        process.phases.update(opens_at=now - timedelta(days=90), closes_at=now + timedelta(days=1))
        review.import_items(process)
        jurors = [
            _juror(f"jury.{key}.{i}@example.org", f"Juror {i + 1} ({category.name})", ["en"])
            for i in range(2)
        ]
        if key == "communities" and oleksandr is not None:
            jurors.append(oleksandr)
        reviewers = [review.add_reviewer(process, user, role="jury") for user in jurors]
        phase = process.phases.get(position=0)
        items = list(review.phase_items(phase))
        quality = {item.pk: rng.random() for item in items}
        for reviewer in reviewers:
            leniency = rng.choice([-1, 0, 1])
            ConflictDeclaration.objects.bulk_create(
                [ConflictDeclaration(item=i, reviewer=reviewer, kind="none") for i in items]
            )
            assignments = Assignment.objects.bulk_create(
                [Assignment(phase=phase, item=i, reviewer=reviewer) for i in items]
            )
            Review.objects.bulk_create(
                [
                    Review(
                        assignment=a,
                        scores={
                            c: max(
                                0,
                                min(
                                    5,
                                    round(quality[a.item_id] * 5)
                                    + leniency
                                    + rng.choice([-1, 0, 0, 1]),
                                ),
                            )
                            for c in ("impact", "participation", "sustainability")
                        },
                        status=Review.Status.SUBMITTED,
                        version=1,
                        submitted_at=now - timedelta(days=60),
                    )
                    for a in assignments
                ]
            )
        results, rows = services.ranking(category, phase)
        ranked = [nomination for _row, nomination in rows if nomination is not None]
        review.advance(phase, [row.item.pk for row, _n in rows[:5]], None)
        decisions = {n.pk: ("shortlisted", "") for n in ranked[:3]}
        decisions[ranked[0].pk] = (
            "winner",
            f"For what {ranked[0].nominee_name} built with its neighbours.",
        )
        services.set_outcomes(category, decisions, None)
        if key == "culture" and samira is not None:
            # Samira's nomination is among the winners, so she can follow it from her account.
            Nomination.objects.filter(category=category, user=samira).update(outcome="winner")
        services.add_note(
            category, jurors[0], "We read every nomination twice; the top three were clear.", phase
        )
        process.phases.update(opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=30))
    AwardEditionPage.objects.filter(pk=edition.pk).update(
        audience_prize=True,
        vote_opens_at=now - timedelta(days=40),
        vote_closes_at=now - timedelta(days=20),
        shortlist_published_at=now - timedelta(days=40),
        winners_published_at=now - timedelta(days=15),
        winners_intro="<p>Four projects that show what integration looks like every day.</p>",
    )
    figures.changed()  # the updates above send no signal
    voters = [
        u for u in User.objects.filter(email__in=["amina@example.org", "oleksandr@example.org"])
    ]
    shortlisted = list(services.shortlisted(edition))
    for user, nomination in zip(voters, shortlisted, strict=False):
        AudienceVote.objects.get_or_create(
            edition=edition, user=user, defaults={"nomination": nomination}
        )
