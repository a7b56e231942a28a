"""A save the storage refuses (a lock held past the busy timeout, a full disk) answers with the
form as it was filled in, a message and 503; anything else such an error hits is a 503 page,
never a 500 with a traceback (participation.middleware)."""

import errno

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, OperationalError
from django.test import Client
from writes_helpers import (
    PDF,
    build_calls,
    details_data,
    draft_step_data,
    nomination_data,
    profile_data,
    route,
)

from awards import services as award_services
from awards.models import Nomination
from consultations.models import Response
from expertgroup import services as expert_services
from participation.submissions import services as submissions
from themes.models import Theme

pytestmark = pytest.mark.django_db

MESSAGE = "We could not save just now; nothing you typed is lost; please try again."


@pytest.fixture
def calls(home_page):
    return build_calls(home_page)


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_draft_save_locked_database_shows_the_form_again_with_503(client, calls, user, monkeypatch):
    client.force_login(user)
    page = calls.consultation
    draft, _ = submissions.start_or_resume(Response, "consultation", page, user, country="DE")
    monkeypatch.setattr(submissions, "save_draft", locked)

    response = client.post(
        route(page, "respond_step", draft.pk, 0), draft_step_data(draft.version, "Lost papers")
    )

    assert response.status_code == 503
    assert response["Retry-After"]
    html = response.content.decode()
    assert MESSAGE in html and "Lost papers" in html  # the typed text is in the form again
    assert "choose your files again" not in html  # no file was chosen
    draft.refresh_from_db()
    assert draft.answers == {} and draft.version == 1


def test_expert_details_save_failed_keeps_text_and_asks_for_the_cv_again(
    client, calls, user, monkeypatch
):
    client.force_login(user)
    application, _ = expert_services.start_application(calls.call, user)
    monkeypatch.setattr(expert_services, "save_details", locked)
    themes = Theme.objects.order_by("sort_order").values_list("pk", flat=True)[:2]
    data = details_data(application.version, themes, "The voice of refugees, in full.")
    data["cv"] = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")

    response = client.post(route(calls.call, "apply_details", application.pk), data)

    assert response.status_code == 503
    html = response.content.decode()
    assert MESSAGE in html and "Please choose your files again before you save." in html
    assert "The voice of refugees, in full." in html and "Nadia Haddad" in html
    application.refresh_from_db()
    assert application.motivation == "" and not application.cv


def test_nomination_save_failed_keeps_text_with_503(client, calls, user, monkeypatch):
    client.force_login(user)
    nomination = award_services.start(
        calls.edition, user, category=calls.edition.categories.first(), kind="self"
    )
    monkeypatch.setattr(award_services, "save", locked)

    response = client.post(
        calls.edition.route_url("nominate_edit", nomination.pk),
        nomination_data(nomination.version, "Refugees and neighbours write plays."),
    )

    assert response.status_code == 503
    html = response.content.decode()
    assert MESSAGE in html and "Refugees and neighbours write plays." in html
    assert Nomination.objects.get(pk=nomination.pk).description == ""


def test_nomination_file_on_a_full_disk_keeps_the_text_and_asks_for_the_file(
    client, calls, user, monkeypatch
):
    client.force_login(user)
    nomination = award_services.start(
        calls.edition, user, category=calls.edition.categories.first(), kind="self"
    )

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(award_services, "add_file", full)
    data = nomination_data(nomination.version, "Plays written together.")
    data["evidence_file"] = SimpleUploadedFile("report.pdf", PDF, "application/pdf")

    response = client.post(calls.edition.route_url("nominate_edit", nomination.pk), data)

    assert response.status_code == 503
    html = response.content.decode()
    assert "Please choose your files again before you save." in html
    assert "Plays written together." in html
    assert Nomination.objects.get(pk=nomination.pk).description == "Plays written together."


def test_profile_save_failed_keeps_text_with_503(client, user, monkeypatch):
    from participation.accounts.forms import ProfileForm

    client.force_login(user)
    monkeypatch.setattr(ProfileForm, "save", locked)

    response = client.post("/accounts/profile/", profile_data("Amina Rahimi"))

    assert response.status_code == 503
    html = response.content.decode()
    assert MESSAGE in html and "Amina Rahimi" in html
    user.refresh_from_db()
    assert user.display_name == "Amina"


def test_uncaught_locked_database_is_a_503_page_not_a_500(calls, user, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    monkeypatch.setattr(submissions, "start_or_resume", locked)

    response = client.post(
        route(calls.consultation, "respond_start"),
        {"organisation": "", "country": "FR", "language": "en"},
    )

    assert response.status_code == 503
    html = response.content.decode()
    assert "Your change was not saved" in html and "Traceback" not in html


def test_failed_session_write_is_a_503_page_not_a_500(user, home_page, monkeypatch):
    # The first request of a signed-in session writes to it after the view (the two-factor
    # check's time stamp): a lock there is raised by SessionMiddleware, outside the view.
    from django.contrib.sessions.backends.db import SessionStore

    client = Client(raise_request_exception=False)
    client.force_login(user)
    monkeypatch.setattr(SessionStore, "save", locked)

    response = client.get("/accounts/profile/")

    assert response.status_code == 503
    assert "Please reload this page in a moment" in response.content.decode()


def test_a_bug_stays_a_server_error(calls, user, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    page = calls.consultation
    draft, _ = submissions.start_or_resume(Response, "consultation", page, user, country="DE")

    def broken(*args, **kwargs):
        raise IntegrityError("NOT NULL constraint failed")

    monkeypatch.setattr(submissions, "save_draft", broken)
    response = client.post(route(page, "respond_step", draft.pk, 0), draft_step_data(1, "x"))
    assert response.status_code == 500
