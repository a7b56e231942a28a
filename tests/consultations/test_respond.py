from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from consultations import counts
from consultations.demo_questionnaire import qid
from consultations.models import ConsultationPage, Response
from participation.organisations.models import Membership
from participation.questionnaire.structure import parse

pytestmark = pytest.mark.django_db

APPLIED, OUTCOME, PRIORITIES = qid("applied"), qid("outcome"), qid("priorities")
PROPOSAL, CONSENT = qid("proposal"), qid("consent")


def url(page, route, *args):
    return page.url + page.reverse_subpage(route, args=args)


def start(client, page, organisation=None):
    data = {
        "organisation": organisation.pk if organisation else "",
        "country": "FR",
        "language": "ar",
    }
    response = client.post(url(page, "respond_start"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Response.objects.latest("pk")


def post_step(client, page, response, step, answers, action="next", version=None):
    data = {"version": version if version is not None else response.version, "action": action}
    data.update({f"q-{k}": v for k, v in answers.items()})
    return client.post(url(page, "respond_step", response.pk, step), data)


STEP_ONE = {APPLIED: "yes", OUTCOME: "partial"}
STEP_ONE_STORED = {APPLIED: True, OUTCOME: {"choice": "partial"}}
STEP_TWO = {PRIORITIES: ["time", "language"], PROPOSAL: "ترجمة المستندات مجاناً", CONSENT: "on"}


def test_answer_as_an_individual_end_to_end(
    client, consultation, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    assert client.get(consultation.url).content.decode().count("Answer this consultation") >= 1
    draft = start(client, consultation)
    assert (
        draft.language == "ar"
        and draft.country.code == "FR"
        and draft.respondent_type == "individual"
    )
    response = post_step(client, consultation, draft, 0, STEP_ONE)
    assert response.status_code == 302 and response.url.endswith("/step/1/")
    draft.refresh_from_db()
    response = post_step(client, consultation, draft, 1, STEP_TWO)
    assert response.url.endswith("/review/")
    review = client.get(response.url).content.decode()
    assert "Partly recognised" in review and "ترجمة المستندات مجاناً" in review
    assert 'name="publish_attachments"' not in review  # nothing attached: not asked
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(consultation, "respond_review", draft.pk), {"publication": "named"}
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_submitted and draft.receipt_number
    assert draft.answers[OUTCOME] == {"choice": "partial"}
    done = client.get(response.url).content.decode()
    assert draft.receipt_number in done
    assert len(mail.outbox) == 1 and draft.receipt_number in mail.outbox[0].body
    # A double click on "submit" gives the same receipt.
    client.post(url(consultation, "respond_review", draft.pk), {"publication": "named"})
    assert Response.objects.get().receipt_number == draft.receipt_number


def test_missing_required_answer_keeps_what_was_typed(client, consultation, user):
    client.force_login(user)
    draft = start(client, consultation)
    post_step(client, consultation, draft, 0, STEP_ONE)
    draft.refresh_from_db()
    response = post_step(client, consultation, draft, 1, {PROPOSAL: "Kept text ሰላም"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kept text ሰላም" in html and 'aria-invalid="true"' in html
    # Submitting with a required question missing is refused with links to fix it.
    html = client.post(
        url(consultation, "respond_review", draft.pk), {"publication": "anonymous"}, follow=True
    ).content.decode()
    assert "Some required questions are not answered yet." in html
    assert Response.objects.get().is_draft


def test_choice_not_offered_and_forged_field_are_refused_cleanly(client, consultation, user):
    client.force_login(user)
    draft = start(client, consultation)
    response = post_step(
        client, consultation, draft, 0, {APPLIED: "yes", OUTCOME: "bribe", "forged-field": "x"}
    )
    assert response.status_code == 200
    assert "That choice is not offered here." in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {}


def test_organisation_draft_by_two_members_with_conflict(
    client, consultation, user, make_user, make_organisation
):
    colleague = make_user("colleague@example.org", display_name="Colleague Kim")
    organisation = make_organisation(user, members=[colleague])
    client.force_login(colleague)
    draft = start(client, consultation, organisation)
    loaded_version = draft.version

    other = client.__class__()
    other.force_login(user)
    assert start(other, consultation, organisation).pk == draft.pk  # the one shared draft
    assert post_step(other, consultation, draft, 0, {APPLIED: "no"}).status_code == 302

    response = post_step(client, consultation, draft, 0, STEP_ONE, version=loaded_version)
    assert response.status_code == 409
    html = response.content.decode()
    assert "saved this draft while you were editing" in html
    assert 'value="partial"' in html and "checked" in html  # my choice is still in the form
    draft.refresh_from_db()
    assert draft.answers[APPLIED] is False  # theirs was not overwritten
    # Saving again on purpose (with the version shown after the conflict) replaces it.
    assert (
        post_step(client, consultation, draft, 0, STEP_ONE, version=draft.version).status_code
        == 302
    )

    # Members draft, only an administrator submits.
    draft.refresh_from_db()
    post_step(client, consultation, draft, 1, STEP_TWO)
    page = client.get(url(consultation, "respond_review", draft.pk)).content.decode()
    assert "An administrator of your organisation reviews and submits" in page
    client.post(url(consultation, "respond_review", draft.pk), {"publication": "named"})
    assert Response.objects.get().is_draft
    other.post(url(consultation, "respond_review", draft.pk), {"publication": "named"})
    assert Response.objects.get().is_submitted


def test_draft_history_says_which_questions_changed(
    client, consultation, user, make_user, make_organisation
):
    colleague = make_user("colleague@example.org", display_name="Colleague Kim")
    organisation = make_organisation(user, members=[colleague])
    client.force_login(colleague)
    draft = start(client, consultation, organisation)
    post_step(client, consultation, draft, 0, STEP_ONE)
    html = client.get(url(consultation, "respond_step", draft.pk, 0)).content.decode()
    history = html[html.index("Recent changes to this draft") :]
    labels = {q.id: str(q.label) for q in parse(consultation.questionnaire).questions}
    assert "changed the answers to “" in history
    assert labels[APPLIED] in history and labels[OUTCOME] in history
    assert "started the draft" in history
    assert "changed 0 answers" not in history and "draft.saved" not in history


def test_publishing_attachments_is_asked_only_when_there_are_some(client, consultation, user):
    from consultations.demo_questionnaire import recognition_questionnaire

    page = ConsultationPage.objects.get(pk=consultation.pk)
    evidence = {"type": "file_upload", "id": "file-q", "value": {"label": "Evidence"}}
    page.questionnaire = [*recognition_questionnaire(), evidence]
    page.save_revision().publish()
    client.force_login(user)
    draft = start(client, consultation)
    Response.objects.filter(pk=draft.pk).update(
        answers={**STEP_ONE_STORED, "file-q": {"name": "evidence.pdf", "size": 10}}
    )
    review = client.get(url(consultation, "respond_review", draft.pk)).content.decode()
    assert 'name="publish_attachments"' in review
    Response.objects.filter(pk=draft.pk).update(answers=STEP_ONE_STORED)
    review = client.get(url(consultation, "respond_review", draft.pk)).content.decode()
    assert 'name="publish_attachments"' not in review


def test_a_choice_question_states_its_limits_once(client, consultation, user):
    client.force_login(user)
    draft = start(client, consultation)
    post_step(client, consultation, draft, 0, STEP_ONE)
    html = client.get(url(consultation, "respond_step", draft.pk, 1)).content.decode()
    assert html.count("Choose between 1 and 3.") == 1
    assert "Choose up to" not in html


def test_starting_again_after_the_organisation_answered_shows_its_answer(
    client, consultation, user, make_user, make_organisation
):
    colleague = make_user("colleague@example.org", display_name="Colleague Kim")
    organisation = make_organisation(user, members=[colleague])
    client.force_login(user)
    draft = start(client, consultation, organisation)
    post_step(client, consultation, draft, 0, STEP_ONE)
    draft.refresh_from_db()
    post_step(client, consultation, draft, 1, STEP_TWO)
    client.post(url(consultation, "respond_review", draft.pk), {"publication": "named"})
    draft.refresh_from_db()
    assert draft.is_submitted

    other = client.__class__()
    other.force_login(colleague)
    data = {"organisation": organisation.pk, "country": "FR", "language": "ar"}
    response = other.post(url(consultation, "respond_start"), data, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == url(consultation, "respond_done", draft.pk)
    assert f"{organisation.name} has already answered (receipt {draft.receipt_number})" in html
    assert "You already have a draft" not in html
    assert Response.objects.count() == 1


def test_removed_member_is_told_and_gets_typed_text_back(
    client, consultation, user, make_user, make_organisation
):
    member = make_user("member@example.org")
    organisation = make_organisation(user, members=[member])
    client.force_login(member)
    draft = start(client, consultation, organisation)
    Membership.objects.filter(user=member).delete()
    response = post_step(
        client,
        consultation,
        draft,
        0,
        {APPLIED: "yes", OUTCOME: "other", f"{OUTCOME}-other": "Lost?"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "no longer a member" in html


def test_strangers_cannot_see_or_edit_a_draft(client, consultation, user, make_user):
    client.force_login(user)
    draft = start(client, consultation)
    stranger = make_user("stranger@example.org")
    client.force_login(stranger)
    for route in ["respond_review", "respond_done"]:
        assert client.get(url(consultation, route, draft.pk)).status_code == 404
    assert post_step(client, consultation, draft, 0, STEP_ONE).status_code == 404
    client.logout()
    assert client.get(url(consultation, "respond_step", draft.pk, 0)).status_code == 302


def test_submitting_after_the_deadline_keeps_the_draft(client, consultation, user):
    client.force_login(user)
    draft = start(client, consultation)
    post_step(client, consultation, draft, 0, STEP_ONE)
    draft.refresh_from_db()
    post_step(client, consultation, draft, 1, STEP_TWO)
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    html = client.post(
        url(consultation, "respond_review", draft.pk), {"publication": "anonymous"}, follow=True
    ).content.decode()
    assert "The deadline has passed" in html and "Your draft is kept" in html
    draft.refresh_from_db()
    assert draft.is_draft and draft.answers[PROPOSAL] == STEP_TWO[PROPOSAL]


def test_forged_version_and_step_never_500(client, consultation, user):
    client.force_login(user)
    draft = start(client, consultation)
    assert post_step(client, consultation, draft, 0, STEP_ONE, version="abc").status_code == 409
    assert client.get(url(consultation, "respond_step", draft.pk, 999)).status_code == 200


def test_withdraw_a_submitted_answer(client, consultation, user):
    client.force_login(user)
    draft = start(client, consultation)
    post_step(client, consultation, draft, 0, {APPLIED: "no"})
    draft.refresh_from_db()
    post_step(client, consultation, draft, 1, STEP_TWO)
    client.post(url(consultation, "respond_review", draft.pk), {"publication": "named"})
    client.post(url(consultation, "respond_withdraw", draft.pk))
    assert Response.objects.get().status == "withdrawn"


def test_closed_consultation_does_not_start_answers(client, consultation, user):
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(user)
    response = client.post(
        url(consultation, "respond_start"), {"organisation": "", "language": "en"}
    )
    assert "not open for answers" in response.content.decode()
    assert not Response.objects.exists()


def test_autosave_saves_valid_steps_and_reports_conflicts(client, consultation, user):
    client.force_login(user)
    draft = start(client, consultation)
    address = url(consultation, "respond_step", draft.pk, 0)
    data = {"version": draft.version, "action": "autosave", f"q-{APPLIED}": "no"}
    response = client.post(address, data, HTTP_X_AUTOSAVE="1")
    assert response.json() == {"saved": True, "version": draft.version + 1}
    assert Response.objects.get().answers[APPLIED] is False
    # Incomplete answers are not autosaved, and nothing breaks.
    incomplete = {"version": draft.version + 1, f"q-{APPLIED}": "yes"}
    assert client.post(address, incomplete, HTTP_X_AUTOSAVE="1").json()["saved"] is False
    stale = client.post(address, data, HTTP_X_AUTOSAVE="1")
    assert stale.status_code == 409 and stale.json()["conflict"] is True


def test_answer_without_an_account_when_editors_allow_it(client, consultation):
    assert client.get(url(consultation, "respond_start")).status_code == 302  # not allowed yet
    ConsultationPage.objects.filter(pk=consultation.pk).update(allow_anonymous=True)
    consultation.refresh_from_db()
    response = client.post(url(consultation, "respond_start"), {"language": "uk", "country": ""})
    assert response.status_code == 302
    draft = Response.objects.get()
    assert draft.user is None and draft.access_key
    post_step(client, consultation, draft, 0, STEP_ONE)
    draft.refresh_from_db()
    post_step(client, consultation, draft, 1, STEP_TWO)
    done = client.post(url(consultation, "respond_review", draft.pk), {"publication": "anonymous"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.is_submitted and draft.receipt_number in client.get(done.url).content.decode()
    receipt = client.get(url(consultation, "respond_receipt", draft.pk))
    assert receipt["Content-Type"] == "application/pdf"
    # Another browser (no key in its session) sees nothing.
    other = client.__class__()
    assert other.get(url(consultation, "respond_done", draft.pk)).status_code == 404


def test_anonymous_robots_fill_the_trap_and_are_rate_limited(client, consultation):
    ConsultationPage.objects.filter(pk=consultation.pk).update(allow_anonymous=True)
    consultation.refresh_from_db()
    trapped = client.post(
        url(consultation, "respond_start"), {"language": "en", "website": "spam.example"}
    )
    assert trapped.status_code == 200 and not Response.objects.exists()
    for _ in range(20):
        client.post(url(consultation, "respond_start"), {"language": "en"})
    assert Response.objects.count() == 20
    limited = client.post(url(consultation, "respond_start"), {"language": "en"}, follow=True)
    assert "Too many answers were started from your connection" in limited.content.decode()
    assert Response.objects.count() == 20


@pytest.mark.parametrize("proxies", [0, 1])
def test_anonymous_answer_limit_is_per_real_client(client, consultation, settings, proxies):
    """Forged X-Forwarded-For entries do not reset the limit: behind one proxy the address
    the proxy appended counts; with no proxy trusted the header is ignored."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    ConsultationPage.objects.filter(pk=consultation.pk).update(allow_anonymous=True)
    consultation.refresh_from_db()

    def post(real, fake):
        if proxies:
            headers = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"{fake}, {real}"}
        else:
            headers = {"REMOTE_ADDR": real, "HTTP_X_FORWARDED_FOR": fake}
        return client.post(url(consultation, "respond_start"), {"language": "en"}, **headers)

    for i in range(20):
        post("203.0.113.7", f"192.0.2.{i}")
    assert Response.objects.count() == 20
    limited = post("203.0.113.7", "192.0.2.99")
    assert limited.status_code == 429
    assert "Too many answers were started from your connection" in limited.content.decode()
    assert Response.objects.count() == 20
    assert post("198.51.100.5", "192.0.2.1").status_code == 302  # another client is not limited
    assert Response.objects.count() == 21


def test_change_a_submitted_answer_until_the_deadline(client, consultation, user):
    client.force_login(user)
    draft = start(client, consultation)
    post_step(client, consultation, draft, 0, {APPLIED: "no"})
    draft.refresh_from_db()
    post_step(client, consultation, draft, 1, STEP_TWO)
    client.post(url(consultation, "respond_review", draft.pk), {"publication": "named"})
    assert counts.current(consultation.pk)
    response = client.post(url(consultation, "respond_change", draft.pk))
    assert response.url.endswith("/step/0/")
    draft.refresh_from_db()
    assert draft.is_draft and not counts.current(consultation.pk)
    ConsultationPage.objects.filter(pk=consultation.pk).update(closes_at=timezone.now())
    client.post(url(consultation, "respond_review", draft.pk), {"publication": "named"})
    draft.refresh_from_db()
    assert draft.is_draft  # too late to submit again: the draft is kept


def _ready_to_submit(client, consultation, user):
    client.force_login(user)
    draft = start(client, consultation)
    post_step(client, consultation, draft, 0, STEP_ONE)
    draft.refresh_from_db()
    post_step(client, consultation, draft, 1, STEP_TWO)
    return draft


def test_review_page_submits_to_the_plain_url_in_few_queries(
    client, consultation, user, make_user, django_assert_max_num_queries
):
    # A first answer like it: its counts' rows exist, as they do for all answers but the first
    # few (which also insert them: a read, an INSERT and the UPDATE again).
    first = Client()
    earlier = _ready_to_submit(first, consultation, make_user("first@example.org"))
    assert (
        first.post(f"/responses/{earlier.pk}/submit/", {"publication": "named"}).status_code == 302
    )
    draft = _ready_to_submit(client, consultation, user)
    submit_url = f"/responses/{draft.pk}/submit/"
    review = client.get(url(consultation, "respond_review", draft.pk)).content.decode()
    assert f'action="{submit_url}"' in review
    # Session, user, the answer with what submitting needs of its page, view restrictions,
    # one conditional UPDATE, audit, the answer read back and one UPDATE of its counts, the
    # answers' version, the email's task, and the transaction's savepoint: no Wagtail routing,
    # no reference index. (And 5 of the email task: its once-marker, a read and an insert in a
    # savepoint, and the site's name for the signature: the test's immediate backend runs the
    # task in the request; in production a worker does.)
    with django_assert_max_num_queries(17):
        response = client.post(submit_url, {"publication": "named"})
    assert response.status_code == 302
    assert response.url == url(consultation, "respond_done", draft.pk)
    draft.refresh_from_db()
    assert draft.is_submitted and draft.publication == "named"
    assert draft.search_text == STEP_TWO[PROPOSAL]
    figures = counts.current(consultation.pk)
    assert figures == counts.recount(consultation.pk) and len(figures) >= 3
    # A double submit keeps one receipt and counts the answers once.
    assert client.post(submit_url, {"publication": "anonymous"}).status_code == 302
    again = Response.objects.get(pk=draft.pk)
    assert again.receipt_number == draft.receipt_number and again.publication == "named"
    assert counts.current(consultation.pk) == figures


def test_plain_submit_url_refuses_like_the_page(client, consultation, user, make_user):
    draft = _ready_to_submit(client, consultation, user)
    submit_url = f"/responses/{draft.pk}/submit/"
    # A GET goes back to the review page; a bad choice shows the review page with the error.
    assert client.get(submit_url).url == url(consultation, "respond_review", draft.pk)
    html = client.post(submit_url, {"publication": "everywhere"}).content.decode()
    assert "Select a valid choice" in html and f'action="{submit_url}"' in html
    # Strangers, unknown ids and hostile ids learn nothing.
    client.force_login(make_user("stranger@example.org"))
    assert client.post(submit_url, {"publication": "named"}).status_code == 404
    assert client.post("/responses/999999/submit/", {"publication": "named"}).status_code == 404
    assert client.post("/responses/99999999999999999999/submit/").status_code == 404
    client.force_login(user)
    # An unpublished consultation takes nothing; a restricted one sends people through its
    # restriction on the page itself.
    consultation.unpublish()
    assert client.post(submit_url, {"publication": "named"}).status_code == 404
    consultation.save_revision().publish()
    PageViewRestriction.objects.create(
        page=consultation, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    response = client.post(submit_url, {"publication": "named"})
    assert response.status_code == 302 and response.url.endswith("/review/")
    assert Response.objects.get().is_draft
    # Anonymous visitors of a consultation that needs an account are sent to sign in.
    PageViewRestriction.objects.all().delete()
    client.logout()
    assert "/accounts/login/" in client.post(submit_url, {"publication": "named"}).url


def test_plain_submit_url_follows_restrictions_of_the_pages_above(client, consultation, user):
    draft = _ready_to_submit(client, consultation, user)
    PageViewRestriction.objects.create(
        page=consultation.get_parent(),
        restriction_type=PageViewRestriction.PASSWORD,
        password="s3cret",
    )
    response = client.post(f"/responses/{draft.pk}/submit/", {"publication": "named"})
    assert response.status_code == 302 and response.url.endswith("/review/")
    assert Response.objects.get().is_draft


def test_plain_submit_url_refuses_a_draft_changed_since_review(
    client, consultation, user, make_user, make_organisation, monkeypatch
):
    from consultations import respond

    colleague = make_user("colleague@example.org")
    organisation = make_organisation(user, members=[colleague])
    client.force_login(user)
    draft = start(client, consultation, organisation)
    post_step(client, consultation, draft, 0, STEP_ONE)
    draft.refresh_from_db()
    post_step(client, consultation, draft, 1, STEP_TWO)
    draft.refresh_from_db()
    seen = dict(draft.answers), draft.version  # what the admin's submit request loads

    def colleague_saves_in_between(request, page, response_id, response=None, **kwargs):
        changed = {**seen[0], PROPOSAL: "changed by a colleague"}
        Response.objects.filter(pk=draft.pk).update(
            answers=changed, version=seen[1] + 1, updated_by=colleague
        )
        return review(request, page, response_id, response=response, **kwargs)

    review = respond.review
    monkeypatch.setattr(respond, "review", colleague_saves_in_between)
    html = client.post(f"/responses/{draft.pk}/submit/", {"publication": "named"})
    html = html.content.decode()
    assert "changed this draft just now" in html
    assert "changed by a colleague" in html  # the review page shows what is stored now
    stored = Response.objects.get(pk=draft.pk)
    assert stored.is_draft and stored.answers[PROPOSAL] == "changed by a colleague"
    assert not counts.current(consultation.pk)


def test_plain_submit_url_after_the_deadline_keeps_the_draft(client, consultation, user):
    draft = _ready_to_submit(client, consultation, user)
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    html = client.post(
        f"/responses/{draft.pk}/submit/", {"publication": "anonymous"}, follow=True
    ).content.decode()
    assert "The deadline has passed" in html and "Your draft is kept" in html
    draft.refresh_from_db()
    assert draft.is_draft and draft.answers[PROPOSAL] == STEP_TWO[PROPOSAL]


def test_confirmation_task_run_twice_sends_one_email(answer, user):
    """A worker killed after sending but before the queue heard of it: the task runs again
    (participation.operations.workers) and must not send a second confirmation."""
    from consultations.tasks import send_confirmation

    done = answer(user, {})
    assert len(mail.outbox) == 1
    send_confirmation.call(done.pk)
    send_confirmation.call(done.pk)
    assert len(mail.outbox) == 1
    # A new submission (the answer changed before the deadline) is confirmed again.
    Response.objects.filter(pk=done.pk).update(submitted_at=timezone.now() + timedelta(minutes=1))
    send_confirmation.call(done.pk)
    assert len(mail.outbox) == 2 and done.receipt_number in mail.outbox[1].body
