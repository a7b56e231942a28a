"""A consultation translated with simple_translation: answers given on the French copy belong to
the original page (moderation, what we heard, exports), in the French text of the copy."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from i18n_calls_helpers import (
    french,
    page_ids,
    page_route,
    translate_tree,
    translated_questionnaire,
)

from consultations.demo_questionnaire import qid, recognition_questionnaire
from consultations.models import ConsultationIndexPage, ConsultationPage, Response

pytestmark = pytest.mark.django_db

APPLIED, OUTCOME, PRIORITIES = qid("applied"), qid("outcome"), qid("priorities")
PROPOSAL, CONSENT = qid("proposal"), qid("consent")
FRENCH_LABELS = {
    APPLIED: "Avez-vous demandé la reconnaissance d’un diplôme dans l’UE ?",
    OUTCOME: "Quel a été le résultat ?",
    PRIORITIES: "Que faut-il changer en premier ?",
    PROPOSAL: "Votre proposition, avec vos mots",
    CONSENT: "J’accepte que ma réponse serve à préparer la proposition.",
}
FRENCH_OPTIONS = {"partial": "Partiellement reconnu", "time": "Des délais plus courts"}


@pytest.fixture
def consultation(home_page):
    index = home_page.add_child(instance=ConsultationIndexPage(title="C", slug="consultations"))
    now = timezone.now()
    page = index.add_child(
        instance=ConsultationPage(
            title="Recognition",
            slug="recognition",
            intro="Tell us about recognition.",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
            questionnaire=recognition_questionnaire(),
        )
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def french_consultation(editor_client, consultation):
    return translate_tree(
        editor_client,
        consultation,
        french(),
        title="Reconnaissance des diplômes",
        intro="Parlez-nous de la reconnaissance.",
        questionnaire=translated_questionnaire(
            consultation.questionnaire, FRENCH_LABELS, FRENCH_OPTIONS
        ),
    )


def _answer_in_french(client, page):
    """Start, both steps and the review's submit button, on the French page; the response."""
    start = client.post(
        page_route(page, "respond_start"),
        {"organisation": "", "country": "FR", "language": "fr"},
    )
    assert start.status_code == 302 and start.url.startswith("/fr/"), start.content[:2000]
    response = Response.objects.latest("pk")
    step = client.get(start.url).content.decode()
    assert FRENCH_LABELS[APPLIED] in step  # the French questionnaire
    client.post(
        start.url, {"version": response.version, f"q-{APPLIED}": "yes", f"q-{OUTCOME}": "partial"}
    )
    response.refresh_from_db()
    second = client.post(
        page_route(page, "respond_step", response.pk, 1),
        {
            "version": response.version,
            f"q-{PRIORITIES}": ["time", "language"],
            f"q-{PROPOSAL}": "Des traducteurs gratuits",
            f"q-{CONSENT}": "on",
        },
    )
    assert second.status_code == 302 and second.url.endswith("/review/"), second.content[:3000]
    review = client.get(second.url).content.decode()
    assert FRENCH_OPTIONS["partial"] in review and FRENCH_LABELS[OUTCOME] in review
    # The review page's button posts to the plain submit URL, under the French prefix.
    submit_url = f"/fr/responses/{response.pk}/submit/"
    assert f'action="{submit_url}"' in review
    done = client.post(submit_url, {"publication": "named"})
    assert done.status_code == 302, done.content.decode()[:3000]
    response.refresh_from_db()
    return response, done


def test_copy_for_translation_keeps_question_ids_and_choice_values(
    consultation, french_consultation
):
    assert french_consultation.locale.language_code == "fr"
    assert french_consultation.translation_key == consultation.translation_key
    assert page_ids(french_consultation.questionnaire) == page_ids(consultation.questionnaire)
    from participation.questionnaire.structure import parse

    original, copy = parse(consultation.questionnaire), parse(french_consultation.questionnaire)
    assert [q.option_values for q in copy.questions] == [
        q.option_values for q in original.questions
    ]
    assert copy.by_id[OUTCOME].option_label("partial") == "Partiellement reconnu"


def test_answer_on_the_french_copy_belongs_to_the_original(
    client, user, consultation, french_consultation, django_capture_on_commit_callbacks
):
    client.force_login(user)
    page = client.get(french_consultation.url)
    assert page.status_code == 200 and "Reconnaissance des diplômes" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response, done = _answer_in_french(client, french_consultation)
    assert response.consultation_id == consultation.pk  # not the French copy
    assert response.is_submitted and response.answers[OUTCOME] == {"choice": "partial"}
    assert not Response.objects.filter(consultation=french_consultation).exists()
    # The person stays on the French page: confirmation in French, French labels.
    assert done.url == page_route(french_consultation, "respond_done", response.pk)
    confirmation = client.get(done.url).content.decode()
    assert response.receipt_number in confirmation and FRENCH_OPTIONS["partial"] in confirmation
    # Editors' snapshot keeps the original's labels (same ids), for the admin and exports.
    assert response.questionnaire_snapshot[OUTCOME]["label"] == "What was the outcome?"
    # Resuming from the French page finds the same answer; starting again there does not
    # create a second one.
    start = client.get(page_route(french_consultation, "respond_start")).content.decode()
    assert response.receipt_number in start or str(response.pk) in start


def test_french_answer_counts_on_the_originals_what_we_heard(
    client, user, consultation, french_consultation
):
    client.force_login(user)
    response, _done = _answer_in_french(client, french_consultation)
    from consultations import services

    heard = services.what_we_heard(consultation)
    assert heard["totals"]["responses"] == 1
    assert heard["questions"][OUTCOME]["partial"]["all"] == 1
    assert heard["questions"][PRIORITIES]["time"]["all"] == 1
    english = client.get(page_route(consultation, "what_we_heard")).content.decode()
    assert "Partly recognised" in english
    # The French what-we-heard shows the same counts, with the French labels.
    rows = services.summary_rows(french_consultation, services.what_we_heard(french_consultation))
    outcome = next(row for row in rows if row["question"].id == OUTCOME)
    partial = next(o for o in outcome["options"] if o["value"] == "partial")
    assert partial["count"] == 1 and partial["label"] == "Partiellement reconnu"
    french_page = client.get(page_route(french_consultation, "what_we_heard")).content.decode()
    assert "Partiellement reconnu" in french_page and FRENCH_LABELS[OUTCOME] in french_page


def test_published_french_answer_is_on_both_pages(client, user, consultation, french_consultation):
    client.force_login(user)
    response, _done = _answer_in_french(client, french_consultation)
    Response.objects.filter(pk=response.pk).update(moderation=Response.Moderation.APPROVED)
    for page, label in (
        (consultation, "Partly recognised"),
        (french_consultation, "Partiellement"),
    ):
        html = client.get(page_route(page, "published_responses")).content.decode()
        assert "Des traducteurs gratuits" in html and label in html


def test_editors_find_french_answers_with_the_original(
    client, editor_client, user, consultation, french_consultation
):
    client.force_login(user)
    response, _done = _answer_in_french(client, french_consultation)
    listing = editor_client.get(
        "/admin/consultations/responses/", {"consultation": consultation.pk}
    ).content.decode()
    assert response.receipt_number in listing
    # The French page's admin header says where its answers are, and exports them.
    edit = editor_client.get(
        reverse("wagtailadmin_pages:edit", args=[french_consultation.pk])
    ).content.decode()
    assert f"?consultation={consultation.pk}" in edit
    assert "Responses (on the original page)" in edit
    csv = editor_client.get(reverse("consultations_export", args=[french_consultation.pk, "csv"]))
    body = b"".join(csv.streaming_content).decode()
    assert response.receipt_number in body and "Partly recognised" in body


def test_translation_follows_the_originals_deadline(
    client, user, consultation, french_consultation
):
    # The original closes; the translation (a copy with the old dates) closes with it.
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    french_copy = ConsultationPage.objects.get(pk=french_consultation.pk)
    assert french_copy.closes_at > timezone.now()  # its own, stale, date
    assert french_copy.state == ConsultationPage.State.CLOSED
    client.force_login(user)
    client.post(
        page_route(french_consultation, "respond_start"),
        {"organisation": "", "country": "FR", "language": "fr"},
    )
    assert not Response.objects.exists()


def test_monitoring_counts_a_translated_consultation_once(consultation, french_consultation):
    from consultations.wagtail_hooks import consultation_figures

    held = next(f for f in consultation_figures(None) if f.key == "consultations.held")
    assert held.value == 1


def test_theme_page_lists_a_translated_consultation_once_in_the_readers_language(
    client, consultation, french_consultation
):
    from themes.models import Theme

    housing = Theme.objects.get(slug="housing", locale__language_code="en")
    for page in (consultation, french_consultation):
        page.themes.add(housing)
        page.save()
    english = client.get("/themes/housing/").content.decode()
    assert "Recognition" in english and "Reconnaissance des diplômes" not in english
    french_html = client.get("/fr/themes/housing/").content.decode()
    assert "Reconnaissance des diplômes" in french_html
    assert ">Recognition<" not in french_html
