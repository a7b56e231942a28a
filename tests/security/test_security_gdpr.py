"""GDPR, beyond tests/participation/accounts and tests/consultations: each party's data
download holds their data and nobody else's; deleting an account leaves only anonymous
answers that keep their consent; the retention purge cuts every link to the person (the audit
trail included) and keeps what the public may read."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from proof_world import (
    APPLICANT_TEXT,
    ORG_DRAFT_ANSWER,
    OTHER_ORG_MEMBER_EMAIL,
    OWNER_ANSWER,
    OWNER_EMAIL,
    PASSWORD,
)

pytestmark = pytest.mark.django_db

# What each party's download must contain, and must never contain.
DOWNLOAD = {
    "owner": ({OWNER_ANSWER, OWNER_EMAIL}, {ORG_DRAFT_ANSWER, APPLICANT_TEXT}),
    "org_admin": ({ORG_DRAFT_ANSWER, "Migrant Voices"}, {OWNER_ANSWER, OWNER_EMAIL}),
    "member": ({"Migrant Voices"}, {OWNER_ANSWER, OWNER_EMAIL, OTHER_ORG_MEMBER_EMAIL}),
    "reviewer_conflicted": ({"my cousin", "Migrant Expert Group"}, {APPLICANT_TEXT, OWNER_EMAIL}),
    "stranger": (set(), {OWNER_ANSWER, ORG_DRAFT_ANSWER, APPLICANT_TEXT, OWNER_EMAIL}),
}


@pytest.mark.parametrize("role", sorted(DOWNLOAD))
def test_gdpr_download_has_own_data_and_nobody_elses(role, world):
    client = Client()
    client.force_login(world.users[role])
    response = client.get(reverse("accounts:download_data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode()
    json.loads(text)  # valid JSON
    present, absent = DOWNLOAD[role]
    assert {m for m in present if m not in text} == set()
    assert {m for m in absent if m in text} == set()


def _delete_account(user):
    client = Client()
    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302, response.content.decode()[:500]


def test_gdpr_account_deletion_leaves_anonymous_answers_with_their_consent(world):
    from django.contrib.auth import get_user_model

    from consultations.models import Response
    from participation.audit.models import AuditEvent

    owner = world.users["owner"]
    Response.objects.filter(pk=world.mine.pk).update(publication="named", moderation="approved")
    client = Client()
    assert "Owner Olga" in client.get(world.page.url + "responses/").content.decode()

    _delete_account(owner)
    assert not get_user_model().objects.filter(pk=owner.pk).exists()
    answer = Response.objects.get(pk=world.mine.pk)
    assert answer.user is None and answer.is_submitted and answer.receipt_number
    assert answer.answers == world.mine.answers  # the answer itself stays
    # Named becomes anonymous: nothing left points to a person.
    assert answer.publication == "anonymous" and answer.country == ""
    html = client.get(world.page.url + "responses/").content.decode()
    assert OWNER_ANSWER in html and "Owner Olga" not in html and OWNER_EMAIL not in html
    assert not AuditEvent.objects.filter(actor_id=owner.pk).exists()


def test_gdpr_account_deletion_keeps_private_answers_private(world):
    from consultations.models import Response

    Response.objects.filter(pk=world.mine.pk).update(publication="private", moderation="approved")
    _delete_account(world.users["owner"])
    answer = Response.objects.get(pk=world.mine.pk)
    assert answer.publication == "private" and answer.user is None
    assert OWNER_ANSWER not in Client().get(world.page.url + "responses/").content.decode()


def test_gdpr_account_deletion_keeps_the_organisations_draft(world):
    """A member leaving by deleting their account takes nothing of the organisation's work."""
    from consultations.models import Response

    _delete_account(world.users["member"])
    draft = Response.objects.get(pk=world.draft.pk)
    assert draft.is_draft and ORG_DRAFT_ANSWER in str(draft.answers)


def test_gdpr_retention_purge_cuts_every_link_to_the_person(world):
    from datetime import date

    from django.core.management import call_command

    from consultations.models import ConsultationPage, Response
    from participation.audit.models import AuditEvent

    owner = world.users["owner"]
    Response.objects.filter(pk=world.mine.pk).update(publication="named", moderation="approved")
    assert AuditEvent.objects.filter(actor=owner, object_id=str(world.mine.pk)).exists()
    ConsultationPage.objects.filter(pk=world.page.pk).update(
        erase_personal_data_on=date(2020, 1, 1)
    )
    call_command("erase_expired_personal_data")
    answer = Response.objects.get(pk=world.mine.pk)
    assert answer.user is None and answer.updated_by is None and answer.personal_data_erased_at
    assert answer.publication == "anonymous"
    # The audit trail keeps what happened, not who: no event on the erased answers names them.
    from django.contrib.contenttypes.models import ContentType

    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Response),
        object_id__in=[str(world.mine.pk), str(world.draft.pk)],
    )
    assert events.exists() and not events.filter(actor__isnull=False).exists()
    # The account itself stays (it may serve other consultations); the answer is still public.
    html = Client().get(world.page.url + "responses/").content.decode()
    assert OWNER_ANSWER in html and "Owner Olga" not in html
    # Running it again changes nothing and fails on nothing.
    call_command("erase_expired_personal_data")
