"""An award world: an index and an open edition with the four default categories, nominators."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from awards_helpers import SECRET
from django.utils import timezone

from awards.models import DEFAULT_CATEGORIES, AwardCategory, AwardEditionPage, AwardIndexPage


@pytest.fixture
def make_edition(home_page):
    def make(title="Integration Award 2026", *, opens=-5, closes=20, **fields):
        now = timezone.now()
        index = AwardIndexPage.objects.first()
        if index is None:
            index = home_page.add_child(instance=AwardIndexPage(title="Award", slug="award"))
        edition = AwardEditionPage(
            title=title,
            slug=title.lower().replace(" ", "-"),
            intro="Honouring integration work.",
            opens_at=now + timedelta(days=opens),
            closes_at=now + timedelta(days=closes),
            **fields,
        )
        index.add_child(instance=edition)
        for position, (_key, name) in enumerate(DEFAULT_CATEGORIES):
            AwardCategory.objects.create(
                page=edition, name=str(name), sort_order=position, criteria="Impact\nParticipation"
            )
        return edition

    return make


@pytest.fixture
def edition(make_edition):
    return make_edition()


@pytest.fixture
def with_totp():
    def activate(user):
        TOTP.activate(user, SECRET)
        return user

    return activate


@pytest.fixture
def editor(make_user, with_totp):
    return with_totp(
        make_user("editor@example.org", is_staff=True, is_superuser=True, display_name="Eddie")
    )


@pytest.fixture
def nominator(make_user):
    return make_user("nominator@example.org", display_name="Nadia Nominator")


@pytest.fixture
def make_nomination(nominator):
    """A submitted nomination through the services (confirmed unless told otherwise)."""
    from awards import services
    from awards.models import Nomination

    def make(
        edition, category=None, name="Football for All", *, user=None, confirmed=True, **fields
    ):
        category = category or edition.categories.first()
        user = user or nominator
        kind = Nomination.Kind.SELF if confirmed else Nomination.Kind.THIRD_PARTY
        nomination = services.start(edition, user, category=category, kind=kind)
        values = {
            "nominee_name": name,
            "description": "We train together every week.",
            "results": "120 young people joined.",
            "contact_email": "contact@club.example",
            "contact_name": "Coach",
            **fields,
        }
        nomination = services.save(nomination, user, values, nomination.version)
        return services.submit(nomination, user)

    return make


@pytest.fixture
def juried(edition, make_nomination, make_user, with_totp, editor):
    """Category 0 with a jury (two jurors), category 1 with another juror; 3 nominations in each."""
    from awards import services
    from participation.review import services as review

    first, second = list(edition.categories.all())[:2]
    nominations = [make_nomination(edition, first, f"Club {i}") for i in range(3)]
    others = [make_nomination(edition, second, f"School {i}") for i in range(3)]
    for category in (first, second):
        services.import_nominations(category, editor)
        category.refresh_from_db()
    jurors = [
        with_totp(make_user(f"juror{i}@example.org", display_name=f"Juror {i}")) for i in range(3)
    ]
    reviewers = [
        review.add_reviewer(first.review_process, jurors[0], editor),
        review.add_reviewer(first.review_process, jurors[1], editor),
        review.add_reviewer(second.review_process, jurors[2], editor),
    ]
    return SimpleNamespace(
        edition=edition,
        first=first,
        second=second,
        nominations=nominations,
        others=others,
        jurors=jurors,
        reviewers=reviewers,
        editor=editor,
    )
