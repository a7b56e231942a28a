"""The expert call's review process in the reader's language: committee members read it under the
call's published translation (the stored English name, marked lang="en", without one), the
committee report and the letters to applicants name the call in their language."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from expertgroup import services
from expertgroup.models import ExpertCallPage
from participation.review.labels import label_processes

pytestmark = pytest.mark.django_db

TITLES = {"fr": "Groupe d’experts migrants 2027", "ar": "مجموعة الخبراء المهاجرين 2027"}


def translate(call, language):
    copy = call.copy_for_translation(Locale.objects.get(language_code=language), copy_parents=True)
    page = ExpertCallPage.objects.get(pk=copy.pk)
    page.title = TITLES[language]
    page.save_revision().publish()
    return page


def workspace(client, user, language):
    client.force_login(user)
    with translation.override(language):
        url = reverse("review:workspace")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_committee_members_read_the_calls_translated_title(client, selection_world):
    world = selection_world
    translate(world.call, "fr")
    translate(world.call, "ar")
    member = world.reviewers[0].user
    assert TITLES["fr"] in workspace(client, member, "fr")
    arabic = workspace(client, member, "ar")
    assert TITLES["ar"] in arabic and '<span lang="en" dir="ltr">Migrant' not in arabic
    german = workspace(client, member, "de")  # no German translation
    assert '<span lang="en" dir="ltr">Migrant Expert Group 2027</span>' in german
    world.process.refresh_from_db()
    assert world.process.name == "Migrant Expert Group 2027"  # the identifier stays


def test_labels_of_many_processes_cost_two_queries(selection_world, django_assert_num_queries):
    """Owners (one query per owner type) and their translations (one query)."""
    world = selection_world
    translate(world.call, "fr")
    process = type(world.process).objects.get(pk=world.process.pk)
    with django_assert_num_queries(2), translation.override("fr"):
        label_processes([process])
        assert process.label == TITLES["fr"] and process.label.language == "fr"


def test_the_letter_names_the_call_in_the_applicants_language(selection_world):
    world = selection_world
    translate(world.call, "fr")
    amal = world.by_name["Amal Saleh"]
    amal.user.preferred_language = "fr"
    amal.user.save()
    type(amal).objects.filter(pk=amal.pk).update(decision="not_selected")
    amal.refresh_from_db()
    subject, body, language = services.render_letter(amal, "not_selected")
    assert language == "fr"
    assert TITLES["fr"] in subject + body
    assert "Migrant Expert Group 2027" not in subject + body


def test_the_committees_dossier_in_french_is_titled_with_the_french_call(selection_world):
    import io

    from pypdf import PdfReader

    from participation.documents.services import build_now

    world = selection_world
    params = {"call": world.call.pk, "lang": "fr"}
    before = registry_fingerprint(params)
    translate(world.call, "fr")
    assert registry_fingerprint(params) != before  # a French dossier is built again
    dossier = build_now("expertgroup.dossier", params)
    title = PdfReader(io.BytesIO(dossier.content)).metadata.title
    assert title.endswith(TITLES["fr"])


def registry_fingerprint(params):
    from participation.documents.registry import get

    kind = get("expertgroup.dossier")
    return kind.fingerprint(kind.clean_params(dict(params)))
