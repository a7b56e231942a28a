"""The outcome of a translated consultation: publishing the translation's outcome emails nobody;
publishing the original's emails each respondent once, with a link to the outcome in their own
language where a translation shows it, else to the original's."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from i18n_calls_helpers import french, translate_tree

from consultations.demo_questionnaire import recognition_questionnaire
from consultations.models import ConsultationIndexPage, ConsultationPage, OutcomeItem, Response
from participation.submissions.services import start_or_resume

pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Reconnaissance des diplômes"


@pytest.fixture
def consultation(home_page):
    index = home_page.add_child(instance=ConsultationIndexPage(title="C", slug="consultations"))
    now = timezone.now()
    page = index.add_child(
        instance=ConsultationPage(
            title="Recognition",
            slug="recognition",
            intro="Tell us about recognition.",
            opens_at=now - timedelta(days=10),
            closes_at=now - timedelta(days=1),
            questionnaire=recognition_questionnaire(),
        )
    )
    page.save_revision().publish()
    return page


def _answered(consultation, user):
    response, _created = start_or_resume(
        Response, "consultation", consultation, user, respondent_type="individual", country="FR"
    )
    Response.objects.filter(pk=response.pk).update(
        status=Response.Status.SUBMITTED, submitted_at=timezone.now()
    )
    return response


def _link(message):
    line = next(line for line in message.body.splitlines() if "://" in line)
    return "/" + line.strip().split("://", 1)[1].split("/", 1)[1]


def test_outcome_email_links_each_respondent_to_the_outcome_in_their_language(
    client, editor_client, make_user, consultation, django_capture_on_commit_callbacks
):
    people = {
        code: make_user(f"{code or 'none'}@example.org", preferred_language=code)
        for code in ("fr", "", "de")  # French; none (the site's language); no translation
    }
    for person in people.values():
        _answered(consultation, person)
    # The translator publishes the French outcome first: nobody is emailed (the answers are
    # the original's; their authors hear when the original's outcome is published).
    with django_capture_on_commit_callbacks(execute=True):
        french_consultation = translate_tree(
            editor_client,
            consultation,
            french(),
            title=FRENCH_TITLE,
            outcome_intro="<p>Nous avons divisé les frais par deux.</p>",
            outcome_items=[OutcomeItem(title="Frais divisés par deux")],
            publish_outcome=True,
        )
    assert french_consultation.outcome_published_at is not None
    assert mail.outbox == []
    # The editor publishes the original's outcome: one email per respondent.
    page = ConsultationPage.objects.get(pk=consultation.pk)
    page.outcome_intro = "<p>We halved the fees.</p>"
    page.outcome_items = [OutcomeItem(title="Fees halved")]
    page.publish_outcome = True
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people.values())
    by_person = {
        code: next(m for m in mail.outbox if m.to == [p.email]) for code, p in people.items()
    }
    to_french = by_person["fr"]
    assert FRENCH_TITLE in to_french.subject and FRENCH_TITLE in to_french.body
    assert _link(to_french) == "/fr/consultations/recognition/" == french_consultation.url
    html = client.get(_link(to_french)).content.decode()
    assert "Frais divisés par deux" in html and "Fees halved" not in html
    # No translation in German: the original's outcome, in the German interface.
    for code, path in (
        ("", "/consultations/recognition/"),
        ("de", "/de/consultations/recognition/"),
    ):
        assert _link(by_person[code]) == path and "Recognition" in by_person[code].subject
        assert "Fees halved" in client.get(path).content.decode()
    # Publishing again (either page) emails nobody a second time.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ConsultationPage.objects.get(pk=french_consultation.pk).save_revision().publish()
        ConsultationPage.objects.get(pk=consultation.pk).save_revision().publish()
    assert mail.outbox == []
