"""Assisted entry (consultations.assisted): facilitators enter answers for people without an
account, through the answer's own views in their mode."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission

from consultations import assisted, counts
from consultations.demo_questionnaire import qid
from consultations.models import ConsultationPage, Response
from participation.audit.services import history

pytestmark = pytest.mark.django_db

APPLIED, OUTCOME, PRIORITIES = qid("applied"), qid("outcome"), qid("priorities")
PROPOSAL, CONSENT = qid("proposal"), qid("consent")
STEP_ONE = {APPLIED: "yes", OUTCOME: "partial"}
STEP_TWO = {PRIORITIES: ["time", "language"], PROPOSAL: "ትርጉም በነጻ", CONSENT: "on"}
START = {
    "channel": "workshop",
    "language": "ti",
    "country": "IT",
    "consent": "on",
    "publication": "anonymous",
    "receipt_email": "",
}


def url(page, route, *args):
    return page.url + page.reverse_subpage(route, args=args)


@pytest.fixture
def grant(db):
    """``grant(user, page)``: the user joins "Facilitators", which gets "Enter answers" on the
    page, as an editor grants it in the group's page permissions."""

    def make(user, page, group=assisted.GROUP):
        group = Group.objects.get_or_create(name=group)[0]  # "Facilitators": migration 0019
        permission = Permission.objects.get(codename=assisted.CODENAME)
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
        user.groups.add(group)
        return user

    return make


@pytest.fixture
def facilitator(make_user, grant, consultation):
    from allauth.mfa.totp.internal.auth import TOTP

    person = make_user("facilitator@example.org", display_name="Fatou Facilitator")
    TOTP.activate(person, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # facilitators must use MFA
    return grant(person, consultation)


@pytest.fixture
def signed_in(client, facilitator):
    client.force_login(facilitator)
    return client


def start(client, page, **changes):
    response = client.post(url(page, "assist_start"), {**START, **changes})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Response.objects.latest("pk")


def answer_all(client, page, draft):
    for step, answers in ((0, STEP_ONE), (1, STEP_TWO)):
        draft.refresh_from_db()
        data = {"version": draft.version, "action": "next"}
        data.update({f"q-{k}": v for k, v in answers.items()})
        response = client.post(url(page, "assist_step", draft.pk, step), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_assisted_answer_records_channel_facilitator_consent_language_and_mails_receipt(
    signed_in, consultation, facilitator, django_capture_on_commit_callbacks
):
    draft = start(signed_in, consultation, receipt_email="person@example.net")
    assert (draft.channel, draft.language, draft.country.code) == ("workshop", "ti", "IT")
    assert draft.facilitator == facilitator and draft.user is None and draft.consent_given
    assert draft.publication == "anonymous" and draft.receipt_email == "person@example.net"
    review = answer_all(signed_in, consultation, draft).url
    assert review == url(consultation, "assist_review", draft.pk)
    page = signed_in.get(review).content.decode()
    # Submitted at the facilitators' address (not the plain one), with the consent given.
    assert f'action="{review}"' in page
    assert re.search(r'value="anonymous"[^>]*checked', page)
    with django_capture_on_commit_callbacks(execute=True):
        done = signed_in.post(review, {"publication": "anonymous"})
    assert done.url == url(consultation, "assist_done", draft.pk)
    draft.refresh_from_db()
    assert draft.is_submitted and draft.channel == "workshop" and draft.answers[PROPOSAL]
    # The receipt goes to the address the person gave, not to the facilitator.
    assert [m.to for m in mail.outbox] == [["person@example.net"]]
    assert draft.receipt_number in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][0] == f"receipt-{draft.receipt_number}.pdf"
    html = signed_in.get(done.url).content.decode()
    assert draft.receipt_number in html and "Enter the next answer" in html
    # The audit trail: who entered it, how, in which language, with which consent.
    events = list(history(draft))
    started = events[0]
    assert started.action == "assisted.started" and started.actor == facilitator
    assert started.data == {
        "channel": "workshop",
        "language": "ti",
        "consent": True,
        "publication": "anonymous",
        "receipt_email": True,
    }
    assert "person@example.net" not in str(started.data)
    submitted = [e for e in events if e.action == "submitted"]
    assert submitted and submitted[0].actor == facilitator
    # Counted under its channel, not online.
    figures = counts.current(consultation.pk, [counts.CHANNEL])
    assert figures == {(counts.CHANNEL, "", "workshop", ""): 1}
    # The facilitator's list shows it, and the form for the next one keeps the channel.
    listing = signed_in.get(url(consultation, "assist_start")).content.decode()
    assert draft.receipt_number in listing and 'value="workshop" selected' in listing


def submitted(client, page):
    """An answer entered and submitted by the signed-in facilitator."""
    draft = start(client, page)
    review = answer_all(client, page, draft).url
    assert client.post(review, {"publication": "anonymous"}).status_code == 302
    draft.refresh_from_db()
    assert draft.is_submitted
    return draft


def test_facilitator_changes_the_answer_when_the_person_asks(signed_in, consultation, facilitator):
    answer = submitted(signed_in, consultation)
    done = signed_in.get(url(consultation, "assist_done", answer.pk)).content.decode()
    change = url(consultation, "assist_change", answer.pk)
    assert f'action="{change}"' in done and "Change the answer" in done
    assert counts.current(consultation.pk, [counts.CHANNEL])  # counted while submitted

    reopened = signed_in.post(change, follow=True)
    assert reopened.redirect_chain[0][0] == url(consultation, "assist_step", answer.pk, 0)
    assert "The answer is a draft again" in reopened.content.decode()
    answer.refresh_from_db()
    assert answer.is_draft and answer.facilitator == facilitator and answer.user is None
    assert not counts.current(consultation.pk, [counts.CHANNEL])  # a draft no longer counts
    # The facilitator corrects it and submits it again: the same answer, counted once.
    data = {"version": answer.version, "action": "next", f"q-{APPLIED}": "no"}
    assert signed_in.post(url(consultation, "assist_step", answer.pk, 0), data).status_code == 302
    review = url(consultation, "assist_review", answer.pk)
    assert signed_in.post(review, {"publication": "anonymous"}).status_code == 302
    answer.refresh_from_db()
    # "No" now, and the follow-up question it hides is gone with its answer.
    assert answer.is_submitted and answer.answers[APPLIED] is False
    assert OUTCOME not in answer.answers
    assert counts.current(consultation.pk, [counts.CHANNEL]) == {
        (counts.CHANNEL, "", "workshop", ""): 1
    }
    assert counts.current(consultation.pk) == counts.recount(consultation.pk)
    reopening = [e for e in history(answer) if e.action == "reopened"]
    assert [e.actor for e in reopening] == [facilitator]


def test_facilitator_withdraws_the_answer_when_the_person_asks(
    signed_in, consultation, facilitator
):
    answer = submitted(signed_in, consultation)
    withdrawn = signed_in.post(url(consultation, "assist_withdraw", answer.pk), follow=True)
    assert withdrawn.redirect_chain[0][0] == url(consultation, "assist_start")
    page = withdrawn.content.decode()
    assert "The answer has been withdrawn." in page
    assert answer.receipt_number not in page  # no longer among the answers they entered
    answer.refresh_from_db()
    assert answer.status == Response.Status.WITHDRAWN and answer.withdrawn_at
    assert not counts.current(consultation.pk, [counts.CHANNEL])
    assert counts.current(consultation.pk) == counts.recount(consultation.pk)
    assert [e.actor for e in history(answer) if e.action == "withdrawn"] == [facilitator]


def test_only_its_facilitator_changes_or_withdraws_an_entered_answer_while_open(
    signed_in, consultation, facilitator, make_user, grant
):
    answer = submitted(signed_in, consultation)
    change = url(consultation, "assist_change", answer.pk)
    withdraw = url(consultation, "assist_withdraw", answer.pk)
    # Another facilitator of the same consultation: not theirs (404, nothing changes).
    colleague = _client(grant(make_user("colleague@example.org"), consultation))
    assert colleague.post(change).status_code == 404
    assert colleague.post(withdraw).status_code == 404
    # Someone without the role: 403. The public addresses do not reach an entered answer.
    stranger = _client(make_user("stranger@example.org"), mfa=False)
    assert stranger.post(change).status_code == 403
    assert signed_in.post(url(consultation, "respond_withdraw", answer.pk)).status_code == 404
    answer.refresh_from_db()
    assert answer.is_submitted
    # Closed: no buttons, and a forged POST is refused with the reason; the answer stays.
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(hours=2), grace_minutes=0
    )
    done = signed_in.get(url(consultation, "assist_done", answer.pk)).content.decode()
    assert change not in done and withdraw not in done
    refused = signed_in.post(withdraw, follow=True).content.decode()
    assert "can no longer be withdrawn" in refused
    refused = signed_in.post(change, follow=True).content.decode()
    assert "can no longer be changed" in refused
    answer.refresh_from_db()
    assert answer.is_submitted


def test_assisted_answer_without_email_sends_nothing(
    signed_in, consultation, django_capture_on_commit_callbacks
):
    draft = start(signed_in, consultation, channel="phone", publication="private")
    review = answer_all(signed_in, consultation, draft).url
    # No account, so no name to publish the answer under: "named" is not offered.
    assert 'value="named"' not in signed_in.get(review).content.decode()
    assert signed_in.post(review, {"publication": "named"}).status_code == 200
    draft.refresh_from_db()
    assert draft.is_draft
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(review, {"publication": "private"})
    draft.refresh_from_db()
    assert draft.is_submitted and draft.publication == "private" and draft.channel == "phone"
    assert mail.outbox == []  # not to the facilitator either


def test_assisted_answer_without_consent_is_refused(signed_in, consultation):
    response = signed_in.post(url(consultation, "assist_start"), {**START, "consent": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "An answer can only be entered with the person&#x27;s consent." in html
    assert 'value="ti" selected' in html  # what was chosen is kept
    assert not Response.objects.exists()


def test_assisted_start_refuses_forged_choices(signed_in, consultation):
    forged = [
        {"channel": "online"},
        {"channel": "import"},
        {"channel": "carrier-pigeon"},
        {"publication": "named"},
        {"language": "xx-forged"},
        {"receipt_email": "not an address"},
    ]
    for changes in forged:
        response = signed_in.post(url(consultation, "assist_start"), {**START, **changes})
        assert response.status_code == 400, changes
    assert not Response.objects.exists()


def test_assisted_views_refuse_people_without_the_role(
    client, consultation, make_user, grant, facilitator
):
    draft = start(_client(facilitator), consultation)
    addresses = [
        url(consultation, "assist_start"),
        url(consultation, "assist_step", draft.pk, 0),
        url(consultation, "assist_review", draft.pk),
        url(consultation, "assist_done", draft.pk),
    ]
    for address in addresses:  # anonymous: to the sign-in page
        assert client.get(address).status_code == 302
    # A signed-in person, and a facilitator of another consultation: 403, POST changes nothing.
    other = ConsultationPage.objects.get(pk=consultation.pk).copy(
        update_attrs={"slug": "other", "title": "Other"}
    )
    elsewhere = grant(make_user("elsewhere@example.org"), other, "Facilitators in Rome")
    for person in (make_user("stranger@example.org"), elsewhere):
        visitor = _client(person, mfa=person is elsewhere)
        for address in addresses:
            assert visitor.get(address).status_code == 403
        assert visitor.post(addresses[0], START).status_code == 403
        assert visitor.post(addresses[1], {"version": draft.version}).status_code == 403
    assert Response.objects.count() == 1
    # A superuser may (the editors' team), but not edit another facilitator's draft.
    admin = _client(make_user("admin@example.org", is_superuser=True, is_staff=True), mfa=True)
    assert admin.get(addresses[0]).status_code == 200
    assert admin.get(addresses[1]).status_code == 404


def test_assisted_and_personal_answers_stay_apart(signed_in, consultation, facilitator, make_user):
    draft = start(signed_in, consultation)
    # The entered answer is not reachable at the public addresses, even by its facilitator.
    assert signed_in.get(url(consultation, "respond_step", draft.pk, 0)).status_code == 404
    submit = signed_in.post(f"/responses/{draft.pk}/submit/", {"publication": "named"})
    assert submit.status_code == 404
    draft.refresh_from_db()
    assert draft.is_draft
    # The facilitator's own answer is not reachable at the facilitators' addresses.
    signed_in.post(url(consultation, "respond_start"), {"organisation": "", "language": "en"})
    own = Response.objects.get(user=facilitator)
    assert signed_in.get(url(consultation, "assist_step", own.pk, 0)).status_code == 404
    # The public start page points a facilitator to the facilitators' page.
    page = signed_in.get(url(consultation, "respond_start")).content.decode()
    assert url(consultation, "assist_start") in page


def test_assisted_entry_needs_two_factor_authentication(client, consultation, make_user, grant):
    person = grant(make_user("new.facilitator@example.org"), consultation)
    client.force_login(person)
    response = client.get(url(consultation, "assist_start"))
    assert response.status_code == 302 and "/accounts/2fa/" in response.url


def test_assisted_closed_consultation_refuses_and_keeps_the_draft(signed_in, consultation):
    draft = start(signed_in, consultation)
    review = answer_all(signed_in, consultation, draft).url
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(hours=2), grace_minutes=0
    )
    html = signed_in.post(review, {"publication": "anonymous"}, follow=True).content.decode()
    assert "The deadline has passed" in html
    draft.refresh_from_db()
    assert draft.is_draft and draft.answers[PROPOSAL] == STEP_TWO[PROPOSAL]
    refused = signed_in.post(url(consultation, "assist_start"), START, follow=True)
    assert "This consultation is not open for answers." in refused.content.decode()
    assert Response.objects.count() == 1


def test_assisted_list_queries_do_not_grow_with_answers(signed_in, consultation, facilitator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    address = url(consultation, "assist_start")

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert signed_in.get(address).status_code == 200
        return len(context)

    Response.objects.create(
        consultation=consultation, respondent_type="individual", facilitator=facilitator
    )
    queries()  # the session's first request also checks two-factor authentication
    few = queries()
    Response.objects.bulk_create(
        Response(
            consultation=consultation,
            respondent_type="individual",
            facilitator=facilitator,
            channel="paper",
        )
        for _ in range(60)
    )
    assert queries() == few


def test_facilitator_role_is_offered_in_the_group_page_permissions(editor, consultation):
    from wagtail.users.forms import GroupPagePermissionFormSet

    group = Group.objects.get(name=assisted.GROUP)
    codenames = [codename for codename, *_labels in GroupPagePermissionFormSet.permission_types]
    assert codenames == sorted(codenames) and assisted.CODENAME in codenames
    # Granted in the group editor's page permissions, and kept when the group is saved again
    # (Wagtail's formset deletes the page permissions it does not offer).
    data = {
        "page_permissions-TOTAL_FORMS": "1",
        "page_permissions-INITIAL_FORMS": "0",
        "page_permissions-MIN_NUM_FORMS": "0",
        "page_permissions-MAX_NUM_FORMS": "1000",
        "page_permissions-0-page": str(consultation.pk),
        "page_permissions-0-permissions": [assisted.CODENAME, "publish_page"],
    }
    for saved_before in ("0", "1"):  # granted, then the group saved again as it stands
        data["page_permissions-INITIAL_FORMS"] = saved_before
        formset = GroupPagePermissionFormSet(data, instance=group)
        assert formset.is_valid(), formset.errors
        formset.save()
    granted = GroupPagePermission.objects.filter(group=group).order_by("permission__codename")
    assert [(p.page_id, p.permission.codename) for p in granted] == [
        (consultation.pk, assisted.CODENAME),
        (consultation.pk, "publish_page"),
    ]
    # The editor sees the column, with its explanation.
    edit = reverse("wagtailusers_groups:edit", args=[group.pk])
    html = _client(editor).get(edit).content.decode()
    assert "Enter answers to consultations on behalf of people" in html


def _client(user, mfa=True):
    if mfa:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        if not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    visitor = Client()
    visitor.force_login(user)
    return visitor


def test_assisted_receipt_address_is_erased_with_the_personal_data(signed_in, consultation):
    from consultations.services import erase_personal_data

    draft = start(signed_in, consultation, receipt_email="person@example.net")
    erase_personal_data(consultation)
    draft.refresh_from_db()
    assert draft.receipt_email == "" and draft.personal_data_erased_at


def test_demo_facilitator_gets_the_role_on_the_open_consultation(make_user, consultation):
    from consultations import demo

    person = make_user(demo.FACILITATOR)
    for _ in range(2):  # the demo loads again without adding anything twice
        demo._facilitator(consultation)
    assert assisted.can_facilitate(person, consultation)
    assert GroupPagePermission.objects.filter(page=consultation).count() == 1
