"""The submission flow written once (participation.submissions.flow and .routes), exercised
through a tiny flow on consultation responses, as a new call plugin would declare it."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from awards.models import AwardEditionPage
from consultations.demo_questionnaire import qid, recognition_questionnaire
from consultations.models import ConsultationPage, Response
from expertgroup.models import ExpertCallPage
from participation.files.kinds import PDF
from participation.files.storage import private_storage
from participation.questionnaire.fields import FileAnswer
from participation.questionnaire.structure import parse
from participation.submissions import flow, services
from participation.submissions.routes import submission_routes
from participation.submissions.services import EditConflict, SubmissionError

pytestmark = pytest.mark.django_db


class TinyFlow(flow.SubmissionFlow):
    """The shortest plugin: a model, its call field, a route prefix and a receipt."""

    model = Response
    call_field = "consultation"
    prefix = "respond"  # the consultation page's routes serve as this flow's addresses

    def receipt_pdf(self, submission, page):
        return b"%PDF-1.7 receipt of " + submission.receipt_number.encode()


FLOW = TinyFlow()


@pytest.fixture
def draft(consultation, user):
    response, _created = services.start_or_resume(
        Response, "consultation", consultation, user, respondent_type="individual"
    )
    return response


def make_request(user=None, method="get", data=None, **headers):
    from django.contrib.auth.models import AnonymousUser

    factory = RequestFactory()
    request = getattr(factory, method)("/somewhere/", data or {}, **headers)
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def said(request) -> list[str]:
    return [str(message) for message in get_messages(request)]


# -- helpers ----------------------------------------------------------------------------------


def test_flow_posted_version_is_read_and_a_forged_one_is_stale():
    assert flow.posted_version(make_request(method="post", data={"version": "7"})) == 7
    assert flow.posted_version(make_request(method="post", data={"version": "7'--"})) == -1
    assert flow.posted_version(make_request(method="post")) == -1


def test_flow_autosave_is_told_by_its_header():
    assert flow.is_autosave(make_request(method="post", HTTP_X_AUTOSAVE="1"))
    assert not flow.is_autosave(make_request(method="post"))


def test_flow_attempt_returns_the_result_or_says_the_refusal(draft, user):
    request = make_request(user)
    assert flow.attempt(request, lambda: 42) == (42, None)

    def refused():
        raise SubmissionError("Not now.")

    result, error = flow.attempt(request, refused)
    assert result is None and str(error) == "Not now."
    assert said(request) == ["Not now."]


def test_flow_attempt_leaves_quiet_refusals_to_the_caller(draft, user):
    request = make_request(user)
    stale = draft.version - 1
    _result, error = flow.attempt(
        request,
        lambda: services.save_draft(draft, user, {"q": "x"}, expected_version=stale),
        quiet=(EditConflict,),
    )
    assert isinstance(error, EditConflict) and error.current.version == draft.version
    assert said(request) == []  # the caller shows the conflict itself


def test_flow_act_does_on_post_only_and_goes_back_on_a_refusal(user):
    done = []
    request = make_request(user)
    assert flow.act(request, lambda: done.append(1), "Done.", "/next/", "/back/").url == "/back/"
    assert done == []  # a GET changes nothing

    request = make_request(user, method="post")
    assert flow.act(request, lambda: done.append(1), "Done.", "/next/", "/back/").url == "/next/"
    assert done == [1] and said(request) == ["Done."]

    def refused():
        raise SubmissionError("The call has closed.")

    request = make_request(user, method="post")
    assert flow.act(request, refused, "Done.", "/next/", "/back/").url == "/back/"
    assert said(request) == ["The call has closed."]


def test_flow_store_private_file_keeps_it_private_under_a_random_name():
    upload = FileAnswer("q1", ContentFile(b"%PDF-1.7 cv", name="my cv.exe"), PDF, "my cv.exe", 11)
    first = flow.store_private_file("calls/1/answers", upload)
    second = flow.store_private_file("calls/1/answers", upload)
    assert first["path"].startswith("calls/1/answers/") and first["path"].endswith(".pdf")
    assert first["path"] != second["path"]  # never the uploaded name, never twice the same
    assert first["name"] == "my cv.exe" and first["content_type"] == "application/pdf"
    with private_storage().open(first["path"]) as stored:
        assert stored.read() == b"%PDF-1.7 cv"


# -- the own-object check and the views every flow has ----------------------------------------


def seen(request, page, submission, respondent, *args):
    return HttpResponse(f"{submission.pk} {respondent.pk} {args}")


def test_flow_own_sends_people_who_are_not_signed_in_to_sign_in(consultation, draft):
    response = FLOW.own(seen)(make_request(), consultation, draft.pk)
    assert response.status_code == 302 and "login" in response.url


def test_flow_own_gives_the_view_the_submission_and_who_acts(consultation, draft, user):
    response = FLOW.own(seen)(make_request(user), consultation, draft.pk, 3)
    assert response.content.decode() == f"{draft.pk} {user.pk} (3,)"


def test_flow_own_hides_other_peoples_submissions(consultation, draft, make_user):
    stranger = make_user("stranger@example.org")
    with pytest.raises(Http404):
        FLOW.own(seen)(make_request(stranger), consultation, draft.pk)
    with pytest.raises(Http404):  # no such submission: the same answer
        FLOW.own(seen)(make_request(stranger), consultation, draft.pk + 1000)


def test_flow_own_hides_a_submission_of_another_call(consultation, draft, user):
    other = consultation.get_parent().add_child(
        instance=ConsultationPage(title="Other", slug="other", intro="x")
    )
    with pytest.raises(Http404):
        FLOW.own(seen)(make_request(user), other, draft.pk)


def test_flow_receipt_only_once_submitted(consultation, draft, user):
    with pytest.raises(Http404):
        FLOW.receipt(make_request(user), consultation, draft.pk)
    done = services.submit(draft, user, "TINY")
    pdf = FLOW.receipt(make_request(user), consultation, done.pk)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="receipt-{done.receipt_number}.pdf"'
    assert pdf.content == b"%PDF-1.7 receipt of " + done.receipt_number.encode()


def test_flow_change_makes_a_draft_again_and_goes_to_the_first_step(consultation, draft, user):
    done = services.submit(draft, user, "TINY")
    request = make_request(user, method="post")
    response = FLOW.change(request, consultation, done.pk)
    assert response.url == consultation.url + f"respond/{done.pk}/step/0/"
    assert Response.objects.get(pk=done.pk).is_draft
    assert said(request) == [str(flow.SubmissionFlow.changed_message)]


def test_flow_withdraw_goes_to_the_start_and_a_refusal_back_to_the_submission(
    consultation, draft, user
):
    done = services.submit(draft, user, "TINY")
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(days=1)
    )
    consultation.refresh_from_db()
    request = make_request(user, method="post")
    response = FLOW.withdraw(request, consultation, done.pk)
    assert response.url == consultation.url + f"respond/{done.pk}/done/"
    assert "can no longer be withdrawn" in said(request)[0]
    assert Response.objects.get(pk=done.pk).is_submitted

    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() + timedelta(days=1)
    )
    consultation.refresh_from_db()
    request = make_request(user, method="post")
    response = FLOW.withdraw(request, consultation, done.pk)
    assert response.url == consultation.url + "respond/"
    assert Response.objects.get(pk=done.pk).status == Response.Status.WITHDRAWN


# -- routes -----------------------------------------------------------------------------------


def test_routes_give_each_page_its_flow_addresses():
    assert ConsultationPage().reverse_subpage("respond_step", args=(5, 2)) == "respond/5/step/2/"
    assert ConsultationPage().reverse_subpage("assist_review", args=(5,)) == "assist/5/review/"
    assert ExpertCallPage().reverse_subpage("apply_step", args=(5, 2)) == "apply/5/questions/2/"
    assert ExpertCallPage().reverse_subpage("apply_details", args=(5,)) == "apply/5/details/"
    assert AwardEditionPage().reverse_subpage("nominate_edit", args=(5,)) == "nominate/5/"
    assert AwardEditionPage().reverse_subpage("nominate_file", args=(5, 3)) == "nominate/5/files/3/"
    assert AwardEditionPage().reverse_subpage("nominate_start") == "nominate/"


def test_routes_call_the_module_view_with_the_page_and_the_address_arguments(monkeypatch):
    import sys
    import types

    calls = []
    module = types.ModuleType("tiny_plugin_views")
    module.start = lambda request, page: calls.append(("start", page)) or "started"
    module.fetch = lambda request, page, pk, file_id: calls.append(("fetch", pk, file_id))
    monkeypatch.setitem(sys.modules, "tiny_plugin_views", module)

    routes = submission_routes(
        "tiny_plugin_views",
        "sign",
        ["start", ("file", "<int:submission_id>/f/<int:file_id>/", "fetch")],
    )
    page = routes()
    assert routes.sign_start(page, None) == "started"
    routes.sign_file(page, None, submission_id=4, file_id=9)
    assert calls == [("start", page), ("fetch", 4, 9)]
    patterns = [str(url.pattern) for url, _order in routes.sign_file._routablepage_routes]
    assert patterns == ["sign/<int:submission_id>/f/<int:file_id>/"]


# -- one posted questionnaire step ------------------------------------------------------------

APPLIED, OUTCOME = qid("applied"), qid("outcome")


def posted_step(user, version, **data):
    answers = {f"q-{APPLIED}": "yes", f"q-{OUTCOME}": "partial"}
    return make_request(user, method="post", data={"version": version, **answers, **data})


def test_flow_post_step_saves_the_answers_with_the_next_version(draft, user):
    questionnaire = parse(recognition_questionnaire())
    posted = flow.post_step(
        posted_step(user, draft.version),
        draft,
        user,
        questionnaire,
        0,
        source=questionnaire,
        folder="tests/answers",
    )
    assert posted.error is None and posted.conflict is None
    assert posted.saved.version == draft.version + 1
    stored = Response.objects.get(pk=draft.pk)
    assert stored.answers == {APPLIED: True, OUTCOME: {"choice": "partial"}}
    assert stored.questionnaire_snapshot  # the labels editors read, kept with the answers


def test_flow_post_step_with_a_stale_version_is_a_conflict_that_keeps_the_typed_form(draft, user):
    questionnaire = parse(recognition_questionnaire())
    request = posted_step(user, draft.version - 1)
    posted = flow.post_step(
        request, draft, user, questionnaire, 0, source=questionnaire, folder="tests/answers"
    )
    assert posted.saved is None and posted.conflict is posted.error
    assert posted.version == draft.version  # saving again on purpose replaces what is stored
    assert posted.form.is_bound and posted.form.is_valid()
    assert said(request) == [str(posted.conflict)]  # not quiet: the person is told
    assert Response.objects.get(pk=draft.pk).answers == {}


def test_flow_post_step_does_not_save_an_invalid_step(draft, user):
    questionnaire = parse(recognition_questionnaire())
    request = make_request(user, method="post", data={"version": draft.version})
    posted = flow.post_step(
        request, draft, user, questionnaire, 0, source=questionnaire, folder="tests/answers"
    )
    assert posted.saved is None and posted.error is None and posted.form.errors
    assert Response.objects.get(pk=draft.pk).version == draft.version


def test_flow_after_step_follows_the_button(user):
    questionnaire = parse(recognition_questionnaire())
    answers = {APPLIED: True, OUTCOME: {"choice": "partial"}}
    last = len(questionnaire.steps) - 1

    def button(action, index):
        request = make_request(user, method="post", data={"action": action})
        return flow.after_step(request, questionnaire, index, answers)

    assert button("save", 1) == ("save", 1)
    assert button("back", 0) == ("back", None)
    assert button("back", 1) == ("back", 0)
    assert button("next", 0) == ("next", 1)
    assert button("next", last) == ("next", None)  # on to the review
