"""Fixtures shared by the consultation tests: an open consultation with the demo questionnaire."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations import services
from consultations.demo_questionnaire import recognition_questionnaire
from consultations.models import ConsultationIndexPage, ConsultationPage, Response
from participation.questionnaire.export import snapshot
from participation.questionnaire.structure import parse
from participation.submissions.services import start_or_resume


@pytest.fixture
def consultation(home_page):
    index = home_page.add_child(instance=ConsultationIndexPage(title="C", slug="consultations"))
    now = timezone.now()
    page = index.add_child(
        instance=ConsultationPage(
            title="Recognition",
            slug="recognition",
            intro="x",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
            questionnaire=recognition_questionnaire(),
        )
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def answer(consultation, django_capture_on_commit_callbacks):
    """Submit an answer as the site does, including what happens once it is committed
    (the summaries marked stale, the confirmation queued)."""
    snap = snapshot(parse(consultation.questionnaire))

    def make(user, answers, organisation=None, publication="named", country="DE", **fields):
        response, _ = start_or_resume(
            Response,
            "consultation",
            consultation,
            user,
            organisation,
            respondent_type="organisation" if organisation else "individual",
            country=country,
        )
        Response.objects.filter(pk=response.pk).update(answers=answers, questionnaire_snapshot=snap)
        response.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            done = services.submit_response(response, user, publication, False)
        if fields:
            services.update_responses(Response.objects.filter(pk=done.pk), **fields)
            done.refresh_from_db()
        return done

    return make


@pytest.fixture
def editor(make_user):
    """A superuser with a second factor: the admin lets them in."""
    from allauth.mfa.totp.internal.auth import TOTP

    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return editor
