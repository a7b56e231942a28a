"""The plain submit URL's usual case (consultations.respond.submit, consultations.submitting):
submitted in a fixed number of queries, with every right still checked and everything a
submit writes still written; anything unusual is refused as the review view refuses it."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from consultations import counts, services
from consultations.demo_questionnaire import qid
from consultations.models import ConsultationPage, QuestionnaireSnapshot, Response
from participation.accounts.middleware import MFA_CHECKED_UNTIL
from participation.audit.models import AuditEvent
from participation.questionnaire.export import snapshot
from participation.questionnaire.structure import parse
from participation.submissions.services import start_or_resume

pytestmark = pytest.mark.django_db

APPLIED, OUTCOME, PRIORITIES = qid("applied"), qid("outcome"), qid("priorities")
PROPOSAL, CONSENT = qid("proposal"), qid("consent")
SMALL = {APPLIED: True, OUTCOME: {"choice": "partial"}, PRIORITIES: {"choices": ["time"]}}
LARGE = {
    APPLIED: False,
    OUTCOME: {"choice": "refused"},
    PRIORITIES: {"choices": ["cost", "time", "language"], "other": "Fewer forms"},
    PROPOSAL: "Translate the documents for free",
}


def _draft(consultation, user, answers, organisation=None):
    """A complete draft as the steps leave it (answers and questionnaire snapshot stored)."""
    draft, _ = start_or_resume(
        Response,
        "consultation",
        consultation,
        user,
        organisation,
        respondent_type="organisation" if organisation else "individual",
        country="FR",
        language="ar",
    )
    Response.objects.filter(pk=draft.pk).update(
        answers={**answers, CONSENT: True},
        questionnaire_snapshot=snapshot(parse(consultation.questionnaire)),
        version=3,
    )
    return draft


def _submit(client, draft, publication="anonymous", **extra):
    return client.post(f"/responses/{draft.pk}/submit/", {"publication": publication}, **extra)


def _submitted_events(draft):
    return AuditEvent.objects.filter(object_id=str(draft.pk), action="submitted")


def _refused_and_kept(draft, figures):
    stored = Response.objects.get(pk=draft.pk)
    assert stored.is_draft and stored.receipt_number is None
    assert not _submitted_events(draft).exists()
    assert counts.current(draft.consultation_id) == figures


def test_submit_fast_writes_counts_audit_snapshot_and_email(client, consultation, user):
    draft = _draft(consultation, user, LARGE)
    client.force_login(user)
    response = _submit(client, draft, "named")
    assert response.status_code == 302 and response.url.endswith(f"/{draft.pk}/done/")
    stored = Response.objects.get(pk=draft.pk)
    assert stored.is_submitted and stored.publication == "named" and stored.receipt_number
    assert stored.search_text == "Fewer forms\nTranslate the documents for free"
    (event,) = _submitted_events(draft)
    assert event.actor == user and event.data == {"receipt": stored.receipt_number}
    figures = counts.current(consultation.pk)
    assert figures == counts.recount(consultation.pk)
    assert figures[(counts.ANSWER, PRIORITIES, counts.OTHER, "individual")] == 1
    assert figures[(counts.COUNTRY, "", "FR", "")] == 1
    assert QuestionnaireSnapshot.objects.filter(consultation=consultation).count() == 1
    assert len(mail.outbox) == 1 and stored.receipt_number in mail.outbox[0].body
    # The summaries' version moved in the same transaction.
    assert ConsultationPage.objects.get(pk=consultation.pk).answers_version == 1


def test_submit_fast_reads_back_a_spam_flag_set_on_the_draft(client, consultation, user):
    draft = _draft(consultation, user, SMALL)
    services.update_responses(Response.objects.filter(pk=draft.pk), spam=True)
    client.force_login(user)
    assert _submit(client, draft).status_code == 302
    assert Response.objects.get(pk=draft.pk).is_submitted
    assert counts.current(consultation.pk) == counts.recount(consultation.pk) == {}


def test_submit_fast_queries_are_fixed_whatever_the_answers(client, consultation, make_user):
    def submit_as(email, answers):
        person = make_user(email)
        draft = _draft(consultation, person, answers)
        client.force_login(person)
        session = client.session  # as the bench's: the two-factor check passed minutes ago
        session[MFA_CHECKED_UNTIL] = time.time() + 3600
        session.save()
        with CaptureQueriesContext(connection) as queries:
            assert _submit(client, draft).url.endswith(f"/{draft.pk}/done/")
        return [query["sql"] for query in queries]

    # The first answers with each value create their counts' rows (a read and an INSERT more);
    # the first submit also warms what a worker has warm (content types, site root paths).
    submit_as("first@example.org", LARGE)
    submit_as("second@example.org", SMALL)
    small = submit_as("small@example.org", SMALL)
    large = submit_as("large@example.org", LARGE)
    assert len(small) == len(large) == 15
    assert [_table(sql) for sql in small] == [
        "django_session",
        "accounts_user",
        # The answer with what submitting needs of its page, and whether any view restriction
        # may concern it (a subquery): one statement.
        "consultations_response",
        None,  # the savepoint of the submit's transaction (in a test's transaction)
        # The conditional UPDATE, returning the answer's counted state; the audit event.
        "consultations_response",
        "audit_auditevent",
        # The email task (the tests' immediate backend runs it at once; in production it is
        # one INSERT of the queue): the answer, its once-marker, the site's name, the marker.
        "consultations_response",
        "operations_oncemarker",
        "wagtailcore_site",
        None,
        "operations_oncemarker",
        None,
        # Last, under the consultation's lock: the answers' version and one UPDATE of counts.
        "consultations_consultationpage",
        "consultations_answercount",
        None,  # the end of the savepoint
    ]
    assert "RETURNING" in small[4] and "pageviewrestriction" in small[2]


def _table(sql: str) -> str | None:
    """The table a statement writes, or reads from last (after its subqueries)."""
    written = re.match(r'(?:UPDATE|INSERT INTO) "(\w+)"', sql)
    read = re.findall(r' FROM "(\w+)"', sql)
    return written[1] if written else read[-1] if read else None


def test_submit_fast_refuses_after_the_deadline_and_keeps_the_draft(client, consultation, user):
    draft = _draft(consultation, user, SMALL)
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1), grace_minutes=0
    )
    client.force_login(user)
    html = _submit(client, draft, follow=True).content.decode()
    assert "The deadline has passed" in html and "Your draft is kept" in html
    _refused_and_kept(draft, {})
    assert not mail.outbox


def test_submit_fast_refuses_a_page_restricted_to_a_group(client, consultation, user):
    draft = _draft(consultation, user, SMALL)
    restriction = PageViewRestriction.objects.create(
        page=consultation, restriction_type=PageViewRestriction.GROUPS
    )
    group = Group.objects.create(name="Invited")
    restriction.groups.add(group)
    client.force_login(user)
    response = _submit(client, draft)
    assert response.status_code == 302 and response.url.endswith("/review/")
    _refused_and_kept(draft, {})
    # A member of the group may submit.
    user.groups.add(group)
    assert _submit(client, draft).url.endswith("/done/")
    assert Response.objects.get(pk=draft.pk).is_submitted


def test_submit_fast_ignores_restrictions_of_other_pages(client, consultation, user):
    sibling = ConsultationPage(title="Other", slug="other-call", intro="x")
    other = consultation.get_parent().add_child(instance=sibling)
    PageViewRestriction.objects.create(
        page=other, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    draft = _draft(consultation, user, SMALL)
    client.force_login(user)
    assert _submit(client, draft).url.endswith("/done/")


def test_submit_fast_refuses_a_member_who_is_not_the_administrator(
    client, consultation, user, make_user, make_organisation
):
    member = make_user("member@example.org")
    organisation = make_organisation(user, members=[member])
    draft = _draft(consultation, member, SMALL, organisation)
    client.force_login(member)
    html = _submit(client, draft).content.decode()
    assert "Only an administrator of Migrant Voices can submit this" in html
    _refused_and_kept(draft, {})
    client.force_login(user)  # the administrator
    assert _submit(client, draft).url.endswith("/done/")
    assert counts.current(consultation.pk) == counts.recount(consultation.pk) != {}


def test_submit_fast_refuses_someone_else_s_draft(client, consultation, user, make_user):
    draft = _draft(consultation, user, SMALL)
    client.force_login(make_user("stranger@example.org"))
    assert _submit(client, draft).status_code == 404
    _refused_and_kept(draft, {})


def test_submit_fast_sends_staff_without_two_factor_to_set_it_up(client, consultation, make_user):
    staff = make_user("editor@example.org", is_staff=True)
    draft = _draft(consultation, staff, SMALL)
    client.force_login(staff)
    response = _submit(client, draft)
    assert response.status_code == 302 and "/2fa/" in response.url
    _refused_and_kept(draft, {})
