import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from consultations.models import ConsultationPage, OutcomeItem
from themes.models import Theme

pytestmark = pytest.mark.django_db


def test_publishing_the_outcome_shows_it_and_emails_respondents(
    client, consultation, answer, make_user, django_capture_on_commit_callbacks
):
    first = answer(make_user("a@example.org", preferred_language="fr"), {}, moderation="approved")
    answer(make_user("b@example.org"), {}, publication="private")
    mail.outbox.clear()  # the confirmations of the two answers
    page = ConsultationPage.objects.get(pk=consultation.pk)
    page.outcome_intro = "<p>We changed the rules.</p>"
    item = OutcomeItem(
        title="Fees halved", question_keys="priorities", receipts=first.receipt_number
    )
    item.themes.set([Theme.objects.get(slug="employment-and-skills")])
    page.outcome_items = [item]
    page.publish_outcome = True
    page.full_clean()
    page.save()
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()
    assert page.outcome_published_at and page.state == "outcome"
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    french = next(m for m in mail.outbox if m.to == ["a@example.org"])
    assert french.subject.startswith("Ce que nous avons fait de vos réponses")

    html = client.get(page.url).content.decode()
    assert "You said, we did" in html and "Fees halved" in html
    assert "What should change first?" in html  # the question behind it
    assert first.receipt_number in html  # a published answer behind it
    assert "Employment and skills" in html

    # Publishing again, even an older revision (what an editor opens in the admin), keeps the
    # outcome date and does not email again.
    from wagtail.models import Revision

    first_revision = Revision.page_revisions.filter(object_id=str(page.pk)).order_by("pk").first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first_revision.publish()
    page.refresh_from_db()
    assert page.outcome_published_at is not None
    assert mail.outbox == []


def test_outcome_links_to_unknown_questions_or_receipts_are_refused(consultation):
    page = ConsultationPage.objects.get(pk=consultation.pk)
    page.outcome_items = [OutcomeItem(title="X", question_keys="nope")]
    with pytest.raises(ValidationError, match="unknown question keys: nope"):
        page.full_clean()
    page.outcome_items = [OutcomeItem(title="Y", receipts="CONS-2026-FAKE-FAKE")]
    with pytest.raises(ValidationError, match="unknown receipts"):
        page.full_clean()


def test_deadline_reminder_is_sent_once_to_opted_in_drafts(consultation, user, make_user):
    from datetime import timedelta

    from django.utils import timezone

    from consultations.models import Response
    from consultations.tasks import send_deadline_reminders
    from participation.submissions.services import start_or_resume

    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() + timedelta(days=2)
    )
    start_or_resume(
        Response, "consultation", consultation, user, respondent_type="individual", remind_me=True
    )
    quiet = make_user("quiet@example.org")
    start_or_resume(Response, "consultation", consultation, quiet, respondent_type="individual")
    send_deadline_reminders.enqueue()
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "still a draft" in mail.outbox[0].body
    send_deadline_reminders.enqueue()
    assert len(mail.outbox) == 1
