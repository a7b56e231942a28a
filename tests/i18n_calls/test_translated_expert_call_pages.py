"""An expert call translated with simple_translation: applications made on the French copy
belong to the original call (secretariat's lists, review, members), in the copy's French text."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from i18n_calls_helpers import (
    expert_call,
    french,
    page_ids,
    page_route,
    translate_tree,
    translated_questionnaire,
)

from expertgroup import services
from expertgroup.models import (
    Application,
    Decision,
    EligibilityCriterion,
    ExpertCallPage,
)
from themes.models import Theme

pytestmark = pytest.mark.django_db

QUESTION_ID = "0f6a1c0e-2b8e-4f55-9d1e-6a7b3c2d1e01"
FRENCH_QUESTION = "Combien de jours par an pouvez-vous donner ?"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def call(home_page):
    page = expert_call(home_page, QUESTION_ID)
    EligibilityCriterion.objects.create(page=page, key="residence", text="Lives in the EU")
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def french_call(editor_client, call):
    return translate_tree(
        editor_client,
        call,
        french(),
        title="Groupe d’experts migrants 2027",
        intro="Nous cherchons des experts.",
        questionnaire=translated_questionnaire(call.questionnaire, {QUESTION_ID: FRENCH_QUESTION}),
    )


def _apply_in_french(client, page):
    theme = Theme.objects.order_by("sort_order").first()
    start = client.post(page_route(page, "apply_start"))
    assert start.status_code == 302 and start.url.startswith("/fr/"), start.content[:2000]
    application = Application.objects.latest("pk")
    details = {
        "version": str(application.version),
        "organisation": "",
        "full_name": "Nadia Haddad",
        "profile_type": "academia",
        "expertise": [str(theme.pk)],
        "languages": ["ar", "fr"],
        "country": "FR",
        "nationalities": ["SY"],
        "gender": "",
        "migrant_background": "refugee",
        "motivation": "Porter la voix des réfugiés.",
        "experience": "Huit ans de permanence juridique.",
        "public_profile_consent": "on",
        "action": "next",
        "cv": SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf"),
    }
    step = client.post(start.url, details)
    assert step.status_code == 302, step.content.decode()[:3000]
    assert step.url == page_route(page, "apply_step", application.pk, 0)
    assert FRENCH_QUESTION in client.get(step.url).content.decode()
    application.refresh_from_db()
    review = client.post(
        step.url,
        {"version": str(application.version), f"q-{QUESTION_ID}": "Vingt jours", "action": "next"},
    )
    assert review.url == page_route(page, "apply_review", application.pk)
    html = client.get(review.url).content.decode()
    assert FRENCH_QUESTION in html and "Vingt jours" in html
    submitted = client.post(review.url)
    assert submitted.status_code == 302
    application.refresh_from_db()
    return application


def test_translated_call_keeps_question_ids(call, french_call):
    assert page_ids(french_call.questionnaire) == page_ids(call.questionnaire)
    # The criteria are copied with their stable keys (screening results are keyed by them).
    assert [c.key for c in french_call.eligibility_criteria.all()] == ["residence"]


def test_application_on_the_french_copy_belongs_to_the_original(
    client, user, call, french_call, editor_client
):
    client.force_login(user)
    assert "Groupe d’experts migrants 2027" in client.get(french_call.url).content.decode()
    application = _apply_in_french(client, french_call)
    assert application.is_submitted and application.call_id == call.pk
    assert application.answers == {QUESTION_ID: "Vingt jours"}
    assert application.questionnaire_snapshot[QUESTION_ID]["label"].startswith("How many days")
    # One application per person and call, whichever language the person starts from.
    client.post(page_route(call, "apply_start"))
    assert Application.objects.filter(user=user).count() == 1
    assert services.live_application(call, user) == application
    # The secretariat: the French page's admin links to the original call's applications.
    edit = editor_client.get(
        reverse("wagtailadmin_pages:edit", args=[french_call.pk])
    ).content.decode()
    assert reverse("expertgroup_admin:call", args=[call.pk]) in edit
    redirected = editor_client.get(reverse("expertgroup_admin:call", args=[french_call.pk]))
    assert redirected.status_code == 302
    assert redirected.url == reverse("expertgroup_admin:call", args=[call.pk])
    listing = editor_client.get(redirected.url).content.decode()
    assert "Nadia Haddad" in listing
    # The admin's list of calls has the call once, with its application.
    calls = editor_client.get(reverse("expertgroup_admin:index")).context["calls"]
    assert [(c.pk, c.submitted) for c in calls] == [(call.pk, 1)]


def test_translation_of_a_call_in_selection(editor_client, editor, call):
    """A call with a review process (a one-to-one link) translates, and its translation is in
    the original's state."""
    services.ensure_process(call, editor)
    call.refresh_from_db()
    french_call = translate_tree(editor_client, call, french(), title="Groupe 2027")
    assert french_call.review_process_id is None
    ExpertCallPage.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(days=1)
    )
    french_call = ExpertCallPage.objects.get(pk=french_call.pk)
    assert french_call.state == ExpertCallPage.State.IN_SELECTION
    assert not french_call.accepts_submission()


def test_french_members_page_lists_the_originals_members(
    client, user, call, french_call, editor_client
):
    client.force_login(user)
    application = _apply_in_french(client, french_call)
    Application.objects.filter(pk=application.pk).update(decision=Decision.SELECTED)
    assert client.get(page_route(french_call, "members")).status_code == 404  # not announced
    ExpertCallPage.objects.filter(pk=call.pk).update(members_announced_at=timezone.now())
    html = client.get(page_route(french_call, "members")).content.decode()
    assert "Nadia Haddad" in html
    index = client.get(french_call.get_parent().specific.url).content.decode()
    assert "Groupe d’experts migrants 2027" in index
    assert str(ExpertCallPage.State.ANNOUNCED.label) in index or "annoncés" in index
