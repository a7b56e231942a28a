"""Issue 16.1 and 16.2 for the expert call: a committee member never reads an application they
have a conflict with (the dossier), and never reads identity or special-category data of the
applications they review blind, whatever other role they hold (the admin pages)."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from participation.documents.models import GeneratedDocument
from participation.documents.services import can_access, request_document
from participation.review import services as review
from participation.review.models import Reviewer
from participation.review.services import ReviewError

pytestmark = pytest.mark.django_db

PERMISSION = "Can see applicants' special-category data"
DOSSIER = reverse("documents:request", args=["expertgroup.dossier"])


def _text(content: bytes) -> str:
    return re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    )


def _admin_urls(world):
    application = world.applications[0]
    call = world.call.pk
    return [
        reverse("expertgroup_admin:call", args=[call]),
        reverse("expertgroup_admin:screening", args=[call]),
        reverse("expertgroup_admin:statistics", args=[call]),
        reverse("expertgroup_admin:application", args=[call, application.pk]),
        reverse("expertgroup_admin:sensitive", args=[call, application.pk]),
        reverse("expertgroup_admin:file", args=[call, application.pk, "cv"]),
    ]


def _sit_on_committee(world, user):
    """A seat taken before the rule existed, or a permission granted after joining: the pages
    must refuse at reading time too."""
    return Reviewer.objects.create(process=world.process, user=user)


def test_committee_editor_with_permission_reads_no_names_or_special_data(client, selection_world):
    world = selection_world
    client.force_login(world.editor)
    assert client.get(_admin_urls(world)[4]).status_code == 200  # in charge, not on the committee
    _sit_on_committee(world, world.editor)
    for url in _admin_urls(world):
        response = client.get(url)
        body = b"" if response.streaming else response.content
        assert response.status_code in (302, 403), url
        for secret in (b"Amal Saleh", b"refugee", b"Syria"):
            assert secret not in body, (url, secret)


def test_committee_editor_without_permission_sees_no_names_in_the_admin(
    client, selection_world, plain_editor
):
    world = selection_world
    review.add_reviewer(world.process, plain_editor, world.editor)  # allowed: no permission
    client.force_login(plain_editor)
    for url in _admin_urls(world)[:4]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"Amal Saleh" not in response.content


def test_committee_refuses_someone_who_may_open_special_category_data(selection_world):
    world = selection_world
    with pytest.raises(ReviewError) as refused:
        review.add_reviewer(world.process, world.editor, world.editor)
    assert PERMISSION in str(refused.value)
    assert not Reviewer.objects.filter(process=world.process, user=world.editor).exists()


def test_committee_admin_form_names_the_permission(client, selection_world, make_user):
    world = selection_world
    runner = make_user("runner@example.org", is_staff=True, is_superuser=True)
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(runner, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(runner)
    url = reverse("review_admin:reviewers", args=[world.process.pk])
    response = client.post(url, {"email": world.editor.email, "role": "member"})
    assert response.status_code == 200
    assert PERMISSION in response.content.decode().replace("&#x27;", "'")
    assert not Reviewer.objects.filter(process=world.process, user=world.editor).exists()


def test_committee_member_gets_no_special_data_through_the_service(selection_world):
    from expertgroup import services

    world = selection_world
    _sit_on_committee(world, world.editor)
    with pytest.raises(PermissionDenied):
        services.sensitive_data(world.applications[0], world.editor, purpose="test")


def test_committee_member_cannot_run_the_review_process_they_sit_on(client, selection_world):
    world = selection_world
    _sit_on_committee(world, world.editor)
    client.force_login(world.editor)
    urls = [
        reverse(f"review_admin:{name}", args=[world.process.pk])
        for name in ("process", "items", "reviewers", "conflicts", "selection", "audit")
    ]
    urls.append(reverse("review_admin:results", args=[world.process.pk, world.phase.pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"Amal Saleh" not in response.content
    sheet = reverse("review_admin:score_sheet", args=[world.process.pk, "csv"])
    assert client.get(sheet).status_code in (302, 403)
    index = client.get(reverse("review_admin:index"))
    assert reverse("review_admin:process", args=[world.process.pk]) not in index.content.decode()


def _conflicted_member(world):
    reviewer = world.reviewers[0]
    item = world.items[world.applications[0].pk]
    review.declare_conflict(item, reviewer, "personal", "my neighbour")
    return reviewer, item


def test_dossier_of_the_editors_is_not_open_to_the_committee(selection_world):
    world = selection_world
    full = request_document(
        "expertgroup.dossier", {"call": str(world.call.pk), "lang": "en"}, world.editor
    )
    _conflicted_member(world)
    assert not can_access(world.reviewers[0].user, full)
    assert can_access(world.editor, full)


def test_dossier_copy_of_a_member_leaves_out_their_conflict(client, selection_world):
    world = selection_world
    reviewer, item = _conflicted_member(world)
    client.force_login(reviewer.user)
    params = {"call": world.call.pk, "lang": "en", "viewer": reviewer.pk}
    assert client.post(DOSSIER, params).status_code == 302
    document = GeneratedDocument.objects.get(kind="expertgroup.dossier")
    response = client.get(reverse("documents:download", args=[document.public_id]))
    text = _text(b"".join(response))
    others = [i for i in world.items.values() if i.pk != item.pk]
    assert others and all(f"{o.label} " in text + " " for o in others)
    assert f"{item.label} " not in text + " "


def test_dossier_built_before_a_conflict_is_withdrawn_from_that_member(client, selection_world):
    world = selection_world
    reviewer = world.reviewers[0]
    client.force_login(reviewer.user)
    client.post(DOSSIER, {"call": world.call.pk, "lang": "en", "viewer": reviewer.pk})
    before = GeneratedDocument.objects.get(kind="expertgroup.dossier")
    url = reverse("documents:download", args=[before.public_id])
    assert client.get(url).status_code == 200
    _conflicted_member(world)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("viewer", ["other", "", "abc", "99999999", "1" * 30, "-3"])
def test_dossier_forged_viewer_refused_without_a_500(client, selection_world, viewer):
    world = selection_world
    client.force_login(world.reviewers[0].user)
    value = str(world.reviewers[1].pk) if viewer == "other" else viewer
    response = client.post(DOSSIER, {"call": world.call.pk, "lang": "en", "viewer": value})
    assert response.status_code in (302, 403)
    assert not GeneratedDocument.objects.filter(kind="expertgroup.dossier").exists()
    for call in ("abc", "0", "9" * 30):
        response = client.post(DOSSIER, {"call": call, "viewer": world.reviewers[0].pk})
        assert response.status_code in (302, 403)


def test_dossier_member_asks_for_their_own_copy_from_the_workspace(client, selection_world):
    world = selection_world
    reviewer = world.reviewers[0]
    client.force_login(reviewer.user)
    page = client.get(reverse("review:workspace")).content.decode()
    assert DOSSIER in page and f'name="viewer" value="{reviewer.pk}"' in page
