"""Demo content, called by `manage.py load_demo`. Idempotent and fast (bulk inserts).

A completed call (about 400 generated applications, screening, a committee of 9 with scores, a
selection of 24 under quotas with a reserve list, announced members; amina@example.org has an
application in it), an open call a newcomer can apply to, and a small call whose scoring is open
now (miriam.reviewer@example.org, the demo's committee member, has it all to score).
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from participation.review import services as review
from participation.review.models import Assignment, Phase, Quota, Review
from participation.submissions.services import new_receipt_number
from themes.models import Theme

from . import figures, services
from .models import (
    Application,
    EligibilityCriterion,
    ExpertCallIndexPage,
    ExpertCallPage,
    LetterTemplate,
    Screening,
    SensitiveDeclaration,
)

APPLICATIONS = 396
# The demo editor runs the call and may open special-category data, so is not on the committee
# (the review engine refuses such a reviewer).
COMMITTEE = 9
SEATS = 24
# A second, small call whose scoring is open now; the committee member the demo signs in as.
UNDER_REVIEW_SLUG = "housing-working-group-2026"
UNDER_REVIEW_APPLICATIONS = 18
REVIEWER_EMAIL = "miriam.reviewer@example.org"

# (first names, family names, countries where such applicants live, languages)
NAME_POOLS = [
    (
        ["Amal", "Youssef", "Layla", "Omar", "Rania", "Karim"],
        ["Haddad", "Mansour", "Saleh"],
        "DE FR BE SE",
        "ar",
    ),
    (["أمل", "يوسف", "ليلى", "عمر", "رنا"], ["الحسن", "منصور", "حداد", "الخطيب"], "DE NL FR", "ar"),
    (
        ["Олена", "Андрій", "Ірина", "Тарас", "Оксана"],
        ["Коваленко", "Шевченко", "Бондар"],
        "PL CZ DE",
        "uk",
    ),
    (["Анна", "Дмитрий", "Светлана"], ["Иванова", "Петров", "Смирнова"], "LV EE FI", "ru"),
    (["ሰላም", "ዮናስ", "ሄለን", "ዳዊት"], ["ተስፋዬ", "ገብረ", "ሃይሉ"], "IT SE DE", "ti"),
    (["Mehmet", "Ayşe", "Elif", "Emre"], ["Yılmaz", "Demir", "Kaya"], "DE AT NL", "tr"),
    (["फ़ातिमा", "राहुल", "प्रिया"], ["शर्मा", "सिंह", "पटेल"], "IE PT", "hi"),
    (["Chidi", "Ngozi", "Amara", "Kwame"], ["Okafor", "Mensah", "Diallo"], "IT ES FR IE", "en"),
    (["Μαρία", "Νίκος", "Ελένη"], ["Παπαδοπούλου", "Γεωργίου"], "GR CY", "el"),
    (["伟", "芳", "敏"], ["王", "李", "张"], "ES IT NL", "zh"),
    (["Zahra", "Farid", "Shirin", "Reza"], ["Ahmadi", "Karimi", "Hosseini"], "SE DE AT", "fa"),
    (["Hodan", "Abdi", "Faduma"], ["Warsame", "Hassan", "Farah"], "FI SE NL", "so"),
    (["Lucía", "Mateo", "Camila"], ["García", "Rojas", "Pérez"], "ES PT IT", "es"),
    (["Nguyễn", "Linh", "Minh"], ["Trần", "Phạm", "Lê"], "CZ DE", "vi"),
]
PROFILES = [
    ("migrant_organisation", 30),
    ("migrant_council", 12),
    ("civil_society", 22),
    ("academia", 18),
    ("business", 8),
    ("trade_union", 6),
    ("individual", 14),
]
GENDERS = [("woman", 48), ("man", 44), ("non_binary", 3), ("self_described", 1), ("", 4)]
BACKGROUNDS = [
    ("first_generation", 50),
    ("refugee", 25),
    ("second_generation", 18),
    ("none", 3),
    ("undisclosed", 4),
]
MOTIVATIONS = [
    "I have worked for {years} years with newcomers on {theme}; I want their experience to "
    "shape EU policy.",
    "As a founder of a migrant-led association, I see every day what works in {theme} and what "
    "does not.",
    "My research on {theme} in {country} could help the Commission listen to migrants earlier.",
]


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def load(home):
    index = ExpertCallIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=ExpertCallIndexPage(
                title="Migrant Expert Group",
                slug="expert-group",
                intro=(
                    "Experts with a migrant background advise the Commission on integration and "
                    "inclusion. Apply when a call is open."
                ),
            )
        )
        index.save_revision().publish()
    themes = {t.slug: t for t in Theme.objects.filter(locale=Locale.get_default())}
    now = timezone.now()
    if not ExpertCallPage.objects.child_of(index).filter(slug="expert-group-2026").exists():
        with transaction.atomic():
            _completed_call(index, themes, now)
    if not ExpertCallPage.objects.child_of(index).filter(slug="expert-group-2027").exists():
        _open_call(index, themes, now)
    if not ExpertCallPage.objects.child_of(index).filter(slug=UNDER_REVIEW_SLUG).exists():
        with transaction.atomic():
            _call_under_review(index, themes, now)
    _letters()
    return index


def _call(index, themes, slug, title, opens, closes, **fields):
    page = index.add_child(
        instance=ExpertCallPage(
            title=title,
            slug=slug,
            intro=(
                "We are looking for 24 experts with a migrant background, from migrant "
                "organisations, migrant councils, civil society, academia, business and trade "
                "unions, to advise on integration, migration and asylum."
            ),
            body="<p>Members meet four times a year in Brussels or online; travel is paid.</p>",
            profiles_sought=[code for code, _w in PROFILES],
            seats=SEATS,
            term_of_office="Two years, renewable once",
            opens_at=opens,
            closes_at=closes,
            contact_email="expert-group@example.org",
            **fields,
        )
    )
    for key, text in [
        ("residence", "You live in an EU Member State."),
        ("background", "You have a migrant background (you or a parent migrated)."),
        ("experience", "At least three years of work on migration, asylum or integration."),
    ]:
        EligibilityCriterion.objects.create(page=page, key=key, text=text)
    page.themes.set(
        [
            themes[s]
            for s in ("employment-and-skills", "education-and-training", "housing", "health")
            if s in themes
        ]
    )
    page.save_revision().publish()
    return page


def _open_call(index, themes, now):
    _call(
        index,
        themes,
        "expert-group-2027",
        "Call for the Migrant Expert Group 2027-2029",
        now - timedelta(days=5),
        now + timedelta(days=40),
        erase_sensitive_data_on=(now + timedelta(days=400)).date(),
    )


def _people(rng, count):
    User = get_user_model()
    existing = set(
        User.objects.filter(email__endswith="@applicants.example.org").values_list(
            "email", flat=True
        )
    )
    unusable = make_password(None)
    new = []
    for n in range(count):
        email = f"applicant{n:03d}@applicants.example.org"
        if email in existing:
            continue
        firsts, lasts, countries, language = NAME_POOLS[n % len(NAME_POOLS)]
        first, last = rng.choice(firsts), rng.choice(lasts)
        new.append(
            User(
                username=f"applicant{n:03d}",
                email=email,
                password=unusable,
                first_name=first,
                last_name=last,
                display_name=f"{first} {last}",
                country=rng.choice(countries.split()),
                preferred_language=rng.choice(["en", "fr", "de", "ar", "uk"]),
                languages_spoken=[language, "en"],
            )
        )
    User.objects.bulk_create(new, batch_size=500)
    return list(
        User.objects.filter(email__endswith="@applicants.example.org").order_by("email")[:count]
    )


def _applications(
    rng,
    page,
    people,
    theme_list,
    editor,
    *,
    submitted_from,
    submitted_until,
    strong=None,
    notice_at=None,
):
    """Submitted applications of ``people`` to ``page`` with expertise, sensitive data and
    screening (about 5 % ineligible); returns them in order and a hidden merit per position
    that the demo's scores follow (``strong`` gets a high one)."""
    span = (submitted_until - submitted_from).total_seconds()
    applications, merits = [], {}
    for n, person in enumerate(people):
        theme = rng.choice(theme_list)
        is_strong = person == strong
        applications.append(
            Application(
                call=page,
                user=person,
                updated_by=person,
                status=Application.Status.SUBMITTED,
                receipt_number=new_receipt_number(services.RECEIPT_PREFIX),
                submitted_at=submitted_until - timedelta(seconds=rng.random() * span),
                language=person.preferred_language or "en",
                full_name=person.public_name,
                profile_type="migrant_organisation" if is_strong else _weighted(rng, PROFILES),
                languages=list(person.languages_spoken or ["en"]),
                country=person.country or "DE",
                motivation=rng.choice(MOTIVATIONS).format(
                    years=rng.randint(3, 25), theme=theme.name.lower(), country=person.country
                ),
                experience="Coordination of a network of community interpreters and mentors.",
                cv=f"expertgroup/demo/cv-{n:03d}.pdf",
                public_profile_consent=is_strong or rng.random() < 0.75,
                version=3,
            )
        )
        merits[n] = 4.2 if is_strong else min(5.0, max(0.5, rng.gauss(2.8, 0.9)))
    Application.objects.bulk_create(applications, batch_size=500)
    applications = list(Application.objects.filter(call=page).order_by("pk"))
    through = Application.expertise.through
    expertise_rows, sensitive_rows, screening_rows = [], [], []
    for application in applications:
        for theme in rng.sample(theme_list, k=rng.randint(1, 3)):
            expertise_rows.append(through(application_id=application.pk, theme_id=theme.pk))
        gender = _weighted(rng, GENDERS)
        sensitive_rows.append(
            SensitiveDeclaration(
                application=application,
                gender=gender,
                gender_self_described="genderqueer" if gender == "self_described" else "",
                migrant_background=_weighted(rng, BACKGROUNDS),
                nationalities=[rng.choice(["SY", "UA", "ER", "AF", "NG", "TR", "MA", "IR"])],
            )
        )
        ineligible = application.user != strong and rng.random() < 0.05
        results = {
            key: {"met": True, "reason": ""} for key in ("residence", "background", "experience")
        }
        if ineligible:
            results["experience"] = {"met": False, "reason": "Less than three years of work."}
        screening_rows.append(
            Screening(
                application=application,
                results=results,
                eligible=not ineligible,
                updated_by=editor,
                notice_sent_at=notice_at if ineligible else None,
            )
        )
    through.objects.bulk_create(expertise_rows, batch_size=1000)
    SensitiveDeclaration.objects.bulk_create(sensitive_rows, batch_size=500)
    Screening.objects.bulk_create(screening_rows, batch_size=500)
    Application.objects.filter(call=page, screening__eligible=False).update(decision="ineligible")
    figures.changed()  # the bulk writes above send no signal
    return applications, merits


def _scores(rng, criteria, merit, bias):
    return {
        c.key: int(min(c.scale_max, max(c.scale_min, round(merit + bias + rng.gauss(0, 0.6)))))
        for c in criteria
    }


def _completed_call(index, themes, now):
    rng = random.Random(2026)
    User = get_user_model()
    editor = User.objects.filter(email="editor@example.org").first()
    amina = User.objects.filter(email="amina@example.org").first()
    page = _call(
        index,
        themes,
        "expert-group-2026",
        "Call for the Migrant Expert Group 2026-2028",
        now - timedelta(days=120),
        now - timedelta(days=60),
        erase_sensitive_data_on=(now + timedelta(days=300)).date(),
    )
    people = _people(rng, APPLICATIONS - (1 if amina else 0))
    if amina:
        people.append(amina)
    theme_list = list(themes.values())
    applications, merits = _applications(
        rng,
        page,
        people,
        theme_list,
        editor,
        submitted_from=now - timedelta(days=116),
        submitted_until=now - timedelta(days=61),
        strong=amina,
        notice_at=now - timedelta(days=50),
    )

    # Review: the committee, automatic assignment (3 per application), scores with a leniency
    # per reviewer, then a selection of 24 under quotas.
    process = services.ensure_process(page, editor)
    phase = process.phases.get()
    Phase.objects.filter(pk=phase.pk).update(
        opens_at=now - timedelta(days=58), closes_at=now - timedelta(days=20)
    )
    phase.refresh_from_db()
    committee = _committee(rng, now)
    for member in committee:
        review.add_reviewer(process, member, editor, expertise=[rng.choice(theme_list).slug])
    services.import_eligible(page, editor)
    review.assign_reviewers(phase, editor, seed=1)
    criteria = list(process.criteria.all())
    position = {a.pk: n for n, a in enumerate(applications)}
    leniency = {}
    reviews = []
    for assignment in Assignment.objects.filter(phase=phase).select_related("item"):
        n = position[int(assignment.item.subject_object_id)]
        bias = leniency.setdefault(assignment.reviewer_id, rng.uniform(-0.6, 0.6))
        reviews.append(
            Review(
                assignment=assignment,
                scores=_scores(rng, criteria, merits[n], bias),
                comments="",
                status=Review.Status.SUBMITTED,
                version=1,
                submitted_at=now - timedelta(days=rng.randint(21, 50)),
            )
        )
    Review.objects.bulk_create(reviews, batch_size=1000)
    for attribute, value, low, high in [
        ("gender", "woman", 10, None),
        ("gender", "man", 8, None),
        ("profile", "migrant_organisation", 4, None),
        ("profile", "migrant_council", 2, None),
        ("profile", "academia", 2, 6),
        ("profile", "trade_union", 1, None),
        ("profile", "business", 1, None),
        ("region", "east", 2, None),
        ("region", "south", 3, None),
        ("region", "north", 2, None),
        ("migrant_background", "refugee", 4, None),
    ]:
        Quota.objects.create(process=process, attribute=attribute, value=value, min=low, max=high)
    run = review.run_selection(phase, SEATS, editor, seed=1)
    if run.feasible:
        review.apply_selection(run, editor)
        services.sync_decisions(page, editor)
        Application.objects.filter(call=page).exclude(decision="").update(decision_sent_at=now)
        services.announce_members(page, editor)


def _call_under_review(index, themes, now):
    """A small call whose scoring is open now, so the demo's committee member can score today:
    two members have scored everything, the demo member (REVIEWER_EMAIL) has scored nothing."""
    rng = random.Random(2027)
    User = get_user_model()
    editor = User.objects.filter(email="editor@example.org").first()
    page = _call(
        index,
        themes,
        UNDER_REVIEW_SLUG,
        "Call for experts: housing and reception working group 2026",
        now - timedelta(days=50),
        now - timedelta(days=10),
        erase_sensitive_data_on=(now + timedelta(days=200)).date(),
    )
    ExpertCallPage.objects.filter(pk=page.pk).update(seats=6)
    page.refresh_from_db()
    people = list(reversed(_people(rng, UNDER_REVIEW_APPLICATIONS)))
    applications, merits = _applications(
        rng,
        page,
        people,
        list(themes.values()),
        editor,
        submitted_from=now - timedelta(days=48),
        submitted_until=now - timedelta(days=11),
        notice_at=now - timedelta(days=5),
    )
    process = services.ensure_process(page, editor)
    process.seats = 6
    process.save(update_fields=["seats"])
    phase = process.phases.get()
    Phase.objects.filter(pk=phase.pk).update(
        opens_at=now - timedelta(days=9), closes_at=now + timedelta(days=21)
    )
    phase.refresh_from_db()
    members = [m for m in _committee(rng, now) if m.email != REVIEWER_EMAIL][:2]
    members.append(User.objects.get(email=REVIEWER_EMAIL))
    for member in members:
        review.add_reviewer(process, member, editor, expertise=["housing"])
    services.import_eligible(page, editor)
    review.assign_reviewers(phase, editor, seed=1)
    criteria = list(process.criteria.all())
    position = {a.pk: n for n, a in enumerate(applications)}
    reviews = []
    for assignment in Assignment.objects.filter(phase=phase).select_related(
        "item", "reviewer__user"
    ):
        if assignment.reviewer.user.email == REVIEWER_EMAIL:
            continue
        n = position[int(assignment.item.subject_object_id)]
        reviews.append(
            Review(
                assignment=assignment,
                scores=_scores(rng, criteria, merits[n], rng.uniform(-0.4, 0.4)),
                comments="",
                status=Review.Status.SUBMITTED,
                version=1,
                submitted_at=now - timedelta(days=rng.randint(1, 8)),
            )
        )
    Review.objects.bulk_create(reviews, batch_size=1000)


def _committee(rng, now):
    User = get_user_model()
    names = [
        ("Miriam", "Cohen", "BE"),
        ("Tadesse", "Bekele", "SE"),
        ("Ioana", "Popescu", "RO"),
        ("Samir", "Benali", "FR"),
        ("Katarzyna", "Nowak", "PL"),
        ("Joseph", "Mbeki", "IE"),
        ("Leyla", "Aydın", "DE"),
        ("Pedro", "Silva", "PT"),
        ("Aoife", "Byrne", "IE"),
    ][:COMMITTEE]
    members = []
    unusable = make_password(None)
    for first, last, country in names:
        email = f"{first.lower()}.reviewer@example.org"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(
                username=f"reviewer-{first.lower()}",
                email=email,
                password=unusable,
                first_name=first,
                last_name=last,
                country=country,
                languages_spoken=["en", "fr"],
            )
        members.append(user)
    return members


def _letters():
    """Editable letters in English; the demo's translations are made by load_demo, from the
    site's content files, like every demo page (others fall back to the catalogues)."""
    default = Locale.get_default()
    for kind, (subject, body) in services.DEFAULT_LETTERS.items():
        if not LetterTemplate.objects.filter(kind=kind, locale=default).exists():
            LetterTemplate.objects.create(kind=kind, subject=subject, body=body, locale=default)
