"""Point 2: applying (draft, edit until the deadline, withdraw, receipt) and its bad input."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from expertgroup_helpers import PDF, PNG, QUESTION_ID, pdf_upload

from expertgroup import services
from expertgroup.models import Application, ExpertCallPage, SensitiveDeclaration

pytestmark = pytest.mark.django_db


def url(page, route, *args):
    return page.url + page.reverse_subpage(route, args=args)


def details_data(themes, **overrides):
    data = {
        "version": "1",
        "organisation": "",
        "full_name": "Нadia Хaddad حداد",
        "profile_type": "academia",
        "expertise": [str(themes[0].pk), str(themes[1].pk)],
        "languages": ["ar", "fr"],
        "country": "FR",
        "nationalities": ["SY", "FR"],
        "gender": "self_described",
        "gender_self_described": "two-spirit",
        "migrant_background": "refugee",
        "motivation": "I want to bring the voice of refugees.",
        "experience": "I ran a legal clinic for eight years.",
        "public_profile_consent": "on",
        "action": "next",
    }
    data.update(overrides)
    return data


def test_apply_requires_sign_in(client, call):
    response = client.get(url(call, "apply_start"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


def test_apply_full_flow_draft_questions_submit_receipt(
    client, call, user, themes, django_capture_on_commit_callbacks
):
    client.force_login(user)
    response = client.post(url(call, "apply_start"))
    application = Application.objects.get(call=call, user=user)
    assert response["Location"] == url(call, "apply_details", application.pk)
    assert client.get(response["Location"]).status_code == 200

    data = details_data(themes, cv=pdf_upload(), photo=pdf_upload("me.png", PNG))
    response = client.post(url(call, "apply_details", application.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == url(call, "apply_step", application.pk, 0)
    application.refresh_from_db()
    assert application.full_name == "Нadia Хaddad حداد"
    assert application.cv.name.endswith(".pdf") and "cv" not in application.cv.name.split("/")[-1]
    assert application.photo.name.endswith(".png")
    # Both in the private storage, never under MEDIA_ROOT (which the web server publishes).
    from django.conf import settings

    for stored in (application.cv, application.photo):
        assert stored.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
        assert not stored.path.startswith(str(settings.MEDIA_ROOT))
    assert sorted(t.pk for t in application.expertise.all()) == sorted(t.pk for t in themes[:2])
    sensitive = SensitiveDeclaration.objects.get(application=application)
    assert sensitive.migrant_background == "refugee"
    assert sensitive.gender_self_described == "two-spirit"
    assert sensitive.nationalities == ["SY", "FR"]

    # The extra question of the shared questionnaire, then review and submit.
    response = client.post(
        url(call, "apply_step", application.pk, 0),
        {"version": str(application.version), f"q-{QUESTION_ID}": "Twenty days", "action": "next"},
    )
    assert response["Location"] == url(call, "apply_review", application.pk)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Twenty days" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(call, "apply_review", application.pk))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.is_submitted and application.receipt_number.startswith("MEG-")
    # The receipt by email, with the PDF; no special-category data in it.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert application.receipt_number in message.subject
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert "two-spirit" not in message.body
    download = client.get(url(call, "apply_receipt", application.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_apply_second_application_lands_on_the_first(client, call, user):
    client.force_login(user)
    client.post(url(call, "apply_start"))
    response = client.post(url(call, "apply_start"), follow=True)
    assert Application.objects.filter(call=call, user=user).count() == 1
    assert "one per person" in response.content.decode()


def test_apply_second_application_refused_by_the_database(call, user):
    from django.db import IntegrityError, transaction

    services.start_application(call, user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(call=call, user=user, full_name="again")


def test_apply_after_deadline_refused_and_draft_kept(client, call, user, themes):
    client.force_login(user)
    client.post(url(call, "apply_start"))
    application = Application.objects.get(user=user)
    client.post(url(call, "apply_details", application.pk), details_data(themes, cv=pdf_upload()))
    application.refresh_from_db()
    Application.objects.filter(pk=application.pk).update(answers={QUESTION_ID: "Ten days"})
    ExpertCallPage.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    response = client.post(url(call, "apply_review", application.pk), follow=True)
    assert response.status_code == 200
    assert "deadline has passed" in response.content.decode()
    application.refresh_from_db()
    assert application.is_draft and application.motivation  # nothing lost


def test_apply_start_after_deadline_refused(client, call, user):
    ExpertCallPage.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    client.force_login(user)
    response = client.post(url(call, "apply_start"), follow=True)
    assert "not open for applications" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (pdf_upload("cv.pdf", b"MZ\x90\x00 this is a program"), "not a PDF"),
        (pdf_upload("cv.pdf", b"just some text, named .pdf"), "not a PDF"),
        (pdf_upload("cv.pdf", PDF + b"0" * (5 * 1024 * 1024)), "too large"),
        # A %PDF that is also a web page, and one that runs a script when opened.
        (pdf_upload("cv.pdf", PDF + b"<html><script>alert(1)</script>\n%%EOF\n"), "two kinds"),
        (
            pdf_upload("cv.pdf", b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript>>>>endobj\n%%EOF"),
            "active content",
        ),
    ],
)
def test_apply_cv_not_pdf_or_too_large_refused_and_text_kept(
    client, call, user, themes, upload, message
):
    client.force_login(user)
    client.post(url(call, "apply_start"))
    application = Application.objects.get(user=user)
    response = client.post(
        url(call, "apply_details", application.pk), details_data(themes, cv=upload)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "I ran a legal clinic for eight years." in body  # what was typed is kept
    # The error is announced with the field: linked by aria-describedby.
    assert 'aria-describedby="id_cv_helptext id_cv_error"' in body and 'id="id_cv_error"' in body
    application.refresh_from_db()
    assert not application.cv and not application.motivation


def test_apply_submit_without_cv_is_refused_with_what_is_missing(client, call, user, themes):
    client.force_login(user)
    client.post(url(call, "apply_start"))
    application = Application.objects.get(user=user)
    client.post(url(call, "apply_details", application.pk), details_data(themes))
    response = client.post(url(call, "apply_review", application.pk), follow=True)
    body = response.content.decode()
    assert "CV (PDF)" in body
    application.refresh_from_db()
    assert application.is_draft


def test_apply_motivation_over_the_limit_refused(client, call, user, themes):
    client.force_login(user)
    client.post(url(call, "apply_start"))
    application = Application.objects.get(user=user)
    response = client.post(
        url(call, "apply_details", application.pk), details_data(themes, motivation="x" * 3001)
    )
    assert response.status_code == 200
    assert "at most 3000 characters" in response.content.decode()


def test_apply_someone_elses_application_is_404(client, call, user, make_user, make_application):
    theirs = make_application(make_user("other@example.org"))
    client.force_login(user)
    for route in ("apply_details", "apply_review", "apply_receipt", "apply_withdraw"):
        assert client.get(url(call, route, theirs.pk)).status_code == 404
    assert client.post(url(call, "apply_withdraw", theirs.pk)).status_code == 404


@pytest.mark.parametrize("path", ["apply/99999999999999999999/details/", "apply/abc/review/"])
def test_apply_hostile_urls_are_404(client, call, user, path):
    client.force_login(user)
    assert client.get(call.url + path).status_code == 404


def test_apply_forged_version_is_a_conflict_not_a_500(client, call, user, themes):
    client.force_login(user)
    client.post(url(call, "apply_start"))
    application = Application.objects.get(user=user)
    response = client.post(
        url(call, "apply_details", application.pk), details_data(themes, version="nope")
    )
    assert response.status_code == 409
    assert "I ran a legal clinic" in response.content.decode()


def test_apply_change_and_withdraw_before_deadline(client, call, user, make_application):
    application = make_application(user)
    client.force_login(user)
    client.post(url(call, "apply_change", application.pk))
    application.refresh_from_db()
    assert application.is_draft
    client.post(url(call, "apply_withdraw", application.pk))
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    # A new application may follow a withdrawn one.
    client.post(url(call, "apply_start"))
    assert Application.objects.filter(user=user).count() == 2


def test_apply_withdraw_sits_apart_from_saving_and_asks_first(
    client, call, user, make_application
):
    client.force_login(user)
    client.post(url(call, "apply_start"))
    draft = Application.objects.get(user=user)
    html = client.get(url(call, "apply_details", draft.pk)).content.decode()
    assert "If I am selected, show my name" in html  # a label starts with a capital
    form_end = html.index("</form>", html.index('value="next"'))
    withdraw_at = html.index(url(call, "apply_withdraw", draft.pk))
    assert withdraw_at > form_end  # not among the save buttons, and not a button at all
    assert 'class="apart"' in html[form_end:withdraw_at]

    ask = client.get(url(call, "apply_withdraw", draft.pk))
    assert ask.status_code == 200
    assert "Withdraw your application?" in ask.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft  # asking changes nothing
    client.post(url(call, "apply_withdraw", draft.pk))
    draft.refresh_from_db()
    assert draft.status == Application.Status.WITHDRAWN


def test_apply_withdrawal_after_selection_refused(client, call, user, make_application):
    application = make_application(user)
    Application.objects.filter(pk=application.pk).update(decision="selected")
    client.force_login(user)
    response = client.post(url(call, "apply_withdraw", application.pk), follow=True)
    assert "selection has been made" in response.content.decode()
    application.refresh_from_db()
    assert application.is_submitted


def test_apply_organisation_must_be_one_of_mine(
    client, call, user, make_user, make_organisation, themes
):
    other = make_organisation(make_user("boss@example.org"), name="Not Mine")
    client.force_login(user)
    client.post(url(call, "apply_start"))
    application = Application.objects.get(user=user)
    response = client.post(
        url(call, "apply_details", application.pk),
        details_data(themes, organisation=str(other.pk)),
    )
    assert "Choose one of your own organisations." in response.content.decode()


def test_apply_details_page_query_count(client, call, user, django_assert_max_num_queries):
    client.force_login(user)
    client.post(url(call, "apply_start"))
    application = Application.objects.get(user=user)
    with django_assert_max_num_queries(30):
        assert client.get(url(call, "apply_details", application.pk)).status_code == 200


def test_apply_on_behalf_of_an_organisation_i_administer(
    client, call, user, make_user, make_organisation, themes, django_capture_on_commit_callbacks
):
    mine = make_organisation(user, name="Voices of Mine")
    theirs = make_organisation(make_user("boss@example.org"), name="Their Org", members=[user])
    client.force_login(user)
    client.post(url(call, "apply_start"))
    application = Application.objects.get(user=user)
    page = client.get(url(call, "apply_details", application.pk)).content.decode()
    assert "Voices of Mine" in page and "Their Org" not in page  # member only: not offered
    client.post(
        url(call, "apply_details", application.pk),
        details_data(themes, organisation=str(mine.pk), cv=pdf_upload()),
    )
    application.refresh_from_db()
    client.post(
        url(call, "apply_step", application.pk, 0),
        {"version": str(application.version), f"q-{QUESTION_ID}": "Ten days", "action": "next"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(call, "apply_review", application.pk))
    application.refresh_from_db()
    assert application.is_submitted and application.organisation == mine
    assert theirs.pk != mine.pk
