"""Fixtures of the expert group tests: an open call with two eligibility criteria and one extra
question, applicants, an editor in charge (with the sensitive-data permission) and helpers."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from expertgroup_helpers import QUESTION_ID, with_totp
from wagtail.models import GroupPagePermission

from expertgroup import services
from expertgroup.models import (
    Application,
    EligibilityCriterion,
    ExpertCallIndexPage,
    ExpertCallPage,
    SensitiveDeclaration,
)
from themes.models import Theme


def questionnaire():
    return [
        {
            "type": "long_text",
            "id": QUESTION_ID,
            "value": {
                "label": "How many days a year can you give?",
                "required": True,
                "key": "availability",
                "help_text": "",
            },
        }
    ]


@pytest.fixture
def call(home_page):
    index = home_page.add_child(instance=ExpertCallIndexPage(title="Experts", slug="experts"))
    now = timezone.now()
    page = index.add_child(
        instance=ExpertCallPage(
            title="Migrant Expert Group 2027",
            slug="meg-2027",
            intro="We look for 24 experts.",
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=10),
            seats=3,
            questionnaire=questionnaire(),
        )
    )
    EligibilityCriterion.objects.create(page=page, key="residence", text="Lives in the EU")
    EligibilityCriterion.objects.create(page=page, key="experience", text="Five years of work")
    page.themes.set(Theme.objects.filter(slug__in=["employment-and-skills", "housing"]))
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def themes(db):
    return list(Theme.objects.order_by("sort_order")[:4])


@pytest.fixture
def editor(make_user, call):
    """An editor in charge: staff, may edit the call's page, holds the sensitive permission."""
    user = make_user("secretariat@example.org", is_staff=True, display_name="Sofia Secretariat")
    group = Group.objects.create(name="Expert call editors")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_sensitive_data"),
        Permission.objects.get(codename="change_reviewprocess"),
    )
    GroupPagePermission.objects.create(
        group=group,
        page=call.get_parent(),
        permission=Permission.objects.get(codename="change_page"),
    )
    user.groups.add(group)
    return with_totp(user)


@pytest.fixture
def plain_editor(make_user, call):
    """Staff who may edit the call but lack the sensitive-data permission."""
    user = make_user("plain@example.org", is_staff=True, display_name="Paul Plain")
    group = Group.objects.create(name="Editors without sensitive data")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group,
        page=call.get_parent(),
        permission=Permission.objects.get(codename="change_page"),
    )
    user.groups.add(group)
    return with_totp(user)


@pytest.fixture
def make_application(call, themes):
    """A submitted (or draft) application with its sensitive declaration, made directly."""

    def make(
        user,
        *,
        submit=True,
        profile="academia",
        country="DE",
        gender="woman",
        background="first_generation",
        expertise=None,
        name=None,
        consent=True,
        **fields,
    ):
        application, _created = services.start_application(call, user)
        Application.objects.filter(pk=application.pk).update(
            full_name=name or user.public_name,
            profile_type=profile,
            country=country,
            motivation="I want to help newcomers find work.",
            experience="Ten years in a migrant council.",
            cv=f"expertgroup/{call.pk}/cv-{application.pk}.pdf",
            answers={QUESTION_ID: "Twenty days"},
            public_profile_consent=consent,
            **fields,
        )
        application.refresh_from_db()
        application.expertise.set(expertise if expertise is not None else themes[:1])
        SensitiveDeclaration.objects.create(
            application=application,
            gender=gender,
            migrant_background=background,
            nationalities=["SY"],
        )
        if submit:
            application = services.submit_application(application, user)
        return application

    return make


@pytest.fixture
def committee(make_user):
    """Three committee members (reviewers are not staff), with TOTP as reviewers must."""
    return [
        with_totp(make_user(f"{name.lower()}@example.org", display_name=name))
        for name in ("Rania", "Bogdan", "Chen")
    ]


PEOPLE = [
    # name, profile, country, gender, background, merit (score given by every reviewer)
    ("Amal Saleh", "academia", "DE", "woman", "refugee", 5),
    ("Bilal Khan", "academia", "FR", "man", "first_generation", 5),
    ("Chidi Okafor", "business", "IT", "man", "second_generation", 4),
    ("Dana Ivanova", "trade_union", "PL", "woman", "first_generation", 2),
    ("Emre Yilmaz", "migrant_council", "NL", "man", "first_generation", 4),
    ("Fatima Zahra", "civil_society", "ES", "woman", "refugee", 3),
    ("Goran Petrov", "academia", "SE", "man", "none", 1),
]


@pytest.fixture
def selection_world(call, make_user, make_application, editor, committee, themes):
    """Seven submitted applications, six eligible (Goran fails 'residence'), a review process
    with the committee, every eligible application scored by 2 reviewers."""
    from types import SimpleNamespace

    from participation.review import services as review
    from participation.review.models import Phase

    applications = []
    for name, profile, country, gender, background, _merit in PEOPLE:
        person = make_user(f"{name.split()[0].lower()}@example.org", display_name=name)
        applications.append(
            make_application(
                person,
                name=name,
                profile=profile,
                country=country,
                gender=gender,
                background=background,
                expertise=themes[:2] if gender == "woman" else themes[1:3],
            )
        )
    ids = [a.pk for a in applications]
    services.record_screening(call, ids, "experience", True, "", editor)
    services.record_screening(call, ids[:-1], "residence", True, "", editor)
    services.record_screening(call, ids[-1:], "residence", False, "Lives outside the EU.", editor)
    process = services.ensure_process(call, editor)
    call.refresh_from_db()
    # Review happens now in the tests: the scoring phase is open.
    Phase.objects.filter(process=process).update(
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=5)
    )
    process.reviews_per_item = 2
    process.save()
    reviewers = [review.add_reviewer(process, member, editor) for member in committee]
    assert services.import_eligible(call, editor) == 6
    phase = process.phases.get()
    review.assign_reviewers(phase, editor)
    merits = {a.pk: p[5] for a, p in zip(applications, PEOPLE, strict=True)}
    items = services.items_by_application(process)
    for assignment in phase.assignments.select_related("item", "reviewer__user"):
        merit = merits[int(assignment.item.subject_object_id)]
        review.save_review(
            assignment,
            assignment.reviewer.user,
            scores={
                "expertise": merit,
                "lived_experience": merit,
                "motivation": max(0, merit - 1),
                "communication": 3,
            },
            comments="Solid.",
            expected_version=0,
            submit=True,
        )
    return SimpleNamespace(
        call=call,
        process=process,
        phase=phase,
        applications=applications,
        by_name={a.full_name: a for a in applications},
        items=items,
        reviewers=reviewers,
        editor=editor,
    )
