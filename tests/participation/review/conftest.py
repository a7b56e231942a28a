"""A small world for the review engine's tests: a call double with applications, a process with an
open scoring phase, three reviewers with TOTP, and an editor."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from review_doubles import DOUBLES, CallDouble
from review_helpers import make_application

from participation.review import services
from participation.review.models import Criterion, Phase, ReviewProcess

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The doubles' tables, in the test database only."""
    with django_db_blocker.unblock():
        existing = set(connection.introspection.table_names())
        with connection.schema_editor() as editor:
            for model in DOUBLES:
                if model._meta.db_table not in existing:
                    editor.create_model(model)
        # Their content types outside any test's transaction, so the cache never goes stale.
        ContentType.objects.clear_cache()
        ContentType.objects.get_for_models(*DOUBLES)


@pytest.fixture
def with_totp():
    def activate(user):
        TOTP.activate(user, SECRET)
        return user

    return activate


@pytest.fixture
def editor(make_user, with_totp):
    return with_totp(
        make_user(
            "editor@example.org", is_staff=True, is_superuser=True, display_name="Eddie Editor"
        )
    )


@pytest.fixture
def make_process(db):
    def make(*, blind=True, k=2, phases=("scoring",), open_phase=0, owner=None, **fields):
        now = timezone.now()
        process = ReviewProcess.objects.create(
            name=fields.pop("name", "Migrant Expert Group 2026"),
            item_noun="Application",
            blind=blind,
            identifying_fields=fields.pop("identifying_fields", ["website"]),
            reviews_per_item=k,
            disagreement_threshold=fields.pop("disagreement_threshold", 3.0),
            seats=fields.pop("seats", 2),
            owner=owner,
            **fields,
        )
        for position, kind in enumerate(phases):
            offset = position - open_phase
            Phase.objects.create(
                process=process,
                kind=kind,
                position=position,
                opens_at=now + timedelta(days=30 * offset - 1),
                closes_at=now + timedelta(days=30 * offset + 7),
            )
        Criterion.objects.create(
            process=process,
            key="relevance",
            name="Relevance",
            guidance="How relevant is the experience?",
            scale_min=0,
            scale_max=5,
            weight=2,
            position=0,
        )
        Criterion.objects.create(
            process=process,
            key="experience",
            name="Experience",
            guidance="Years and depth of experience.",
            scale_min=0,
            scale_max=20,
            weight=1,
            position=1,
        )
        Criterion.objects.create(
            process=process,
            key="note",
            name="Gut feeling",
            scale_min=0,
            scale_max=3,
            counts_in_total=False,
            position=2,
        )
        return process

    return make


@pytest.fixture
def world(db, make_user, make_organisation, make_process, with_totp, editor):
    """Blind process, k=2, one open scoring phase; 3 reviewers (TOTP on); 4 applications."""
    call = CallDouble.objects.create(name="Expert call")
    process = make_process(owner=call)
    reviewers = []
    for name in ("Alice", "Bruno", "Chiara"):
        user = with_totp(make_user(f"{name.lower()}@example.org", display_name=name))
        reviewers.append(
            services.add_reviewer(
                process, user, editor, expertise=["employment"] if name == "Alice" else []
            )
        )
    applicants = [
        make_user(f"applicant{i}@example.org", display_name=f"Applicant Zed{i}") for i in range(4)
    ]
    organisation = make_organisation(applicants[0], name="Secret Org Kappa")
    applications = [
        make_application(
            call,
            user=applicants[i],
            name=f"Applicant Zed{i}",
            organisation=organisation if i == 0 else None,
            themes=["employment"] if i % 2 == 0 else ["housing"],
        )
        for i in range(4)
    ]
    items = [services.sync_item(process, application) for application in applications]
    phase = process.phases.get()
    return SimpleNamespace(
        call=call,
        process=process,
        phase=phase,
        reviewers=reviewers,
        items=items,
        applications=applications,
        applicants=applicants,
        organisation=organisation,
        editor=editor,
    )
