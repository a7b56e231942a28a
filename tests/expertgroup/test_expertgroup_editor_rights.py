"""Staff rights are per call: a staff member with the review permission but edit rights on
another page gets neither the score sheet, the committee report nor an applicant's files."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from expertgroup_helpers import with_totp
from wagtail.models import GroupPagePermission

from expertgroup import services
from participation.documents.models import GeneratedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_desk(make_user, home_page):
    """Staff with the review permission, editing a page that is not the call."""
    elsewhere = home_page.add_child(instance=type(home_page)(title="Elsewhere", slug="elsewhere"))
    group = Group.objects.create(name="Other desk")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_reviewprocess"),
    )
    GroupPagePermission.objects.create(group=group, page=elsewhere, permission_type="change")
    user = make_user("other.desk@example.org", is_staff=True)
    user.groups.add(group)
    return with_totp(user)


def test_score_sheet_report_and_files_only_for_the_editors_of_this_call(
    client, call, editor, other_desk, make_application, make_user
):
    application = make_application(make_user("applicant@example.org"))
    process = services.ensure_process(call, editor)
    sheet = reverse("review_admin:score_sheet", args=[process.pk, "csv"])
    file_url = reverse("expertgroup_admin:file", args=[call.pk, application.pk, "cv"])

    client.force_login(other_desk)
    refused = client.get(sheet)
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    refused = client.get(file_url)
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    params = {"process": process.pk, "phase": process.phases.first().pk}
    for kind in ("review.score_sheet", "review.committee_report"):
        asked = client.post(reverse("documents:request", args=[kind]), params)
        assert asked.status_code == 403, kind
    assert not GeneratedDocument.objects.exists()

    client.force_login(editor)
    assert client.get(sheet).status_code == 200
    asked = client.post(
        reverse("documents:request", args=["review.score_sheet"]), {"process": process.pk}
    )
    assert asked.status_code == 302 and GeneratedDocument.objects.count() == 1


@pytest.mark.parametrize("forged", ["abc", "99999999", ""])
def test_score_sheet_with_a_forged_process_is_a_clear_refusal(client, editor, forged):
    client.force_login(editor)
    response = client.post(
        reverse("documents:request", args=["review.score_sheet"]), {"process": forged}, follow=True
    )
    assert response.status_code == 200
    assert not GeneratedDocument.objects.exists()
