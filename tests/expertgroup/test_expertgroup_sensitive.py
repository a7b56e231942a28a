"""Point 3 and its permission matrix: special-category data seen only by editors in charge with
the permission, every access recorded, never by reviewers (views, exports, dossier), erased on
the retention date."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from expertgroup_helpers import with_totp

from expertgroup.models import Application, ExpertCallPage, SensitiveDeclaration
from participation.audit.services import history
from participation.review import services as review

pytestmark = pytest.mark.django_db

SENSITIVE_WORDS = [
    "refugee",
    "first_generation",
    "second_generation",
    "came as a refugee",
    "Syria",
    "woman",
    "two-spirit",
]


def sensitive_url(call, application):
    return reverse("expertgroup_admin:sensitive", args=[call.pk, application.pk])


def test_sensitive_editor_in_charge_sees_it_and_the_reading_is_recorded(
    client, call, editor, make_user, make_application
):
    application = make_application(make_user("nadia@example.org"), background="refugee")
    client.force_login(editor)
    response = client.get(sensitive_url(call, application))
    assert response.status_code == 200
    assert "I came as a refugee or asylum seeker" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    events = list(history(application).filter(action="sensitive.viewed"))
    assert len(events) == 1 and events[0].actor == editor


@pytest.mark.parametrize("who", ["plain_editor", "other_call_editor", "reviewer", "applicant"])
def test_sensitive_permission_matrix_refused(
    client, call, who, plain_editor, make_user, make_application, committee, home_page
):
    from django.contrib.auth.models import Permission

    owner = make_user("nadia@example.org")
    application = make_application(owner, background="refugee")
    if who == "plain_editor":
        person = plain_editor  # may edit the call, lacks the permission
    elif who == "other_call_editor":
        # Holds the permission but is not in charge of this call (cannot edit its page).
        person = with_totp(make_user("elsewhere@example.org", is_staff=True))
        person.user_permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="view_sensitive_data"),
        )
    elif who == "reviewer":
        person = committee[0]
    else:
        person = owner
    client.force_login(person)
    response = client.get(sensitive_url(call, application))
    assert response.status_code in (302, 403)
    body = response.content.decode()
    assert "refugee" not in body
    if person.is_staff:
        # Wagtail's admin turns the refusal into a redirect with a message; it is recorded.
        assert history(application).filter(action="sensitive.refused", actor=person).exists()


def test_sensitive_superuser_allowed(client, call, make_user, make_application):
    application = make_application(make_user("nadia@example.org"))
    admin = with_totp(make_user("root@example.org", is_staff=True, is_superuser=True))
    client.force_login(admin)
    assert client.get(sensitive_url(call, application)).status_code == 200


def test_sensitive_hostile_ids_are_404(client, call, editor):
    client.force_login(editor)
    assert (
        client.get(f"/admin/expertgroup/{call.pk}/applications/999999/sensitive/").status_code
        == 404
    )
    assert client.get("/admin/expertgroup/999999/applications/1/sensitive/").status_code == 404


def test_sensitive_not_in_the_application_page_for_editors(
    client, call, editor, make_user, make_application
):
    application = make_application(make_user("nadia@example.org"), background="refugee")
    client.force_login(editor)
    response = client.get(reverse("expertgroup_admin:application", args=[call.pk, application.pk]))
    assert response.status_code == 200
    assert "came as a refugee" not in response.content.decode()
    assert not history(application).filter(action="sensitive.viewed").exists()


def test_sensitive_never_in_review_fields_but_in_quota_attributes(
    call, make_user, make_application
):
    application = make_application(make_user("nadia@example.org"), background="refugee")
    keys = {field.key for field in application.review_fields(blind=False)}
    assert not keys & {"migrant_background", "gender", "nationalities", "gender_self_described"}
    texts = " ".join(str(field.value) for field in application.review_fields(blind=False))
    assert "refugee" not in texts and "SY" not in texts.split()
    attributes = application.review_attributes()
    assert attributes["migrant_background"] == "refugee"
    assert attributes["gender"] == "woman"
    assert attributes["region"] == "west"


def test_sensitive_never_in_any_reviewer_page_or_export(client, selection_world):
    world = selection_world
    member = world.reviewers[0]
    client.force_login(member.user)
    pages = [client.get(reverse("review:workspace"))]
    for assignment in member.assignments.select_related("item"):
        pages.append(
            client.get(reverse("review:item", args=[world.process.pk, assignment.item.number]))
        )
    body = " ".join(p.content.decode() for p in pages)
    assert all(p.status_code == 200 for p in pages)
    for word in ("came as a refugee", "migrant_background", "Amal Saleh", "first_generation"):
        assert word not in body
    # The reviewer cannot reach the secretariat's pages, sensitive or not.
    application = world.applications[0]
    for url in (
        sensitive_url(world.call, application),
        reverse("expertgroup_admin:application", args=[world.call.pk, application.pk]),
        reverse("review_admin:score_sheet", args=[world.process.pk, "csv"]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "refugee" not in response.content.decode()


def test_sensitive_never_in_the_committee_dossier(selection_world):
    from io import BytesIO

    from pypdf import PdfReader

    from participation.documents.services import build_now

    built = build_now("expertgroup.dossier", {"call": selection_world.call.pk, "lang": "en"})
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(built.content)).pages)
    assert "Application" in text and "Ten years in a migrant council." in text
    for word in ("refugee", "Amal Saleh", "Syria", "woman"):
        assert word not in text


def test_sensitive_dossier_permissions(client, selection_world, make_user):
    from participation.documents.services import request_document

    world = selection_world
    document = request_document(
        "expertgroup.dossier", {"call": str(world.call.pk), "lang": "en"}, world.editor
    )
    reviewer = world.reviewers[0].user
    outsider = make_user("outsider@example.org")
    from participation.documents.services import can_access

    # The editors' copy holds every shortlisted application, a member's conflicts included:
    # a member asks for their own copy instead (issue 16.1).
    assert not can_access(reviewer, document)
    assert not can_access(outsider, document)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        request_document("expertgroup.dossier", {"call": str(world.call.pk)}, reviewer)
    own = request_document(
        "expertgroup.dossier",
        {"call": str(world.call.pk), "viewer": str(world.reviewers[0].pk)},
        reviewer,
    )
    assert can_access(reviewer, own) and not can_access(world.reviewers[1].user, own)
    with pytest.raises(PermissionDenied):
        request_document("expertgroup.dossier", {"call": str(world.call.pk)}, outsider)


def test_sensitive_erased_on_the_retention_date(call, make_user, make_application):
    application = make_application(make_user("nadia@example.org"))
    ExpertCallPage.objects.filter(pk=call.pk).update(
        erase_sensitive_data_on=date.today() + timedelta(days=1)
    )
    call_command("erase_expertgroup_data", verbosity=0)
    assert SensitiveDeclaration.objects.filter(application=application).exists()
    ExpertCallPage.objects.filter(pk=call.pk).update(erase_sensitive_data_on=date.today())
    call_command("erase_expertgroup_data", verbosity=0)
    assert not SensitiveDeclaration.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert application.sensitive_erased_at is not None
    assert "migrant_background" not in application.review_attributes()
    assert history(call).filter(action="sensitive.erased").exists()


def test_sensitive_personal_data_download_has_my_own_declaration(
    client, call, user, make_user, make_application
):
    from participation.accounts.services import personal_data

    make_application(user, background="refugee")
    make_application(make_user("other@example.org"), background="second_generation")
    section = personal_data(user)["expertgroup_applications"]
    assert len(section) == 1
    assert section[0]["special_category_data"]["migrant_background"] == "refugee"
    assert "second_generation" not in str(section)


def test_sensitive_account_deletion_erases_the_application(call, user, make_application):
    from participation.accounts.services import delete_account

    application = make_application(user)
    delete_account(user)
    application.refresh_from_db()
    assert application.user_id is None and not application.full_name and not application.cv
    assert not SensitiveDeclaration.objects.filter(application=application).exists()


def test_sensitive_selected_member_cannot_delete_account_first(call, user, make_application):
    from participation.accounts.services import deletion_blockers

    application = make_application(user)
    Application.objects.filter(pk=application.pk).update(decision="selected")
    assert any(call.title in reason for reason in deletion_blockers(user))


def test_sensitive_review_item_never_stores_attributes(selection_world):
    item = next(iter(selection_world.items.values()))
    view = review.item_view(item)
    assert "refugee" not in str(view) and "woman" not in str(view)


def test_sensitive_selection_report_shows_quotas_in_aggregate_only(selection_world):
    """The selection report is the engine's committee report: quota table in aggregate, no
    migrant background or gender per member."""
    from io import BytesIO

    from pypdf import PdfReader

    from participation.documents.services import build_now
    from participation.review.models import Quota

    world = selection_world
    Quota.objects.create(
        process=world.process, attribute="migrant_background", value="refugee", min=1
    )
    run = review.run_selection(world.phase, 3, world.editor)
    review.apply_selection(run, world.editor)
    params = {"process": world.process.pk, "phase": world.phase.pk, "run": run.pk, "lang": "en"}
    built = build_now("review.committee_report", params)
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(built.content)).pages)
    assert "refugee" in text  # the quota row, in aggregate
    assert "first_generation" not in text and "second_generation" not in text


def test_sensitive_files_for_editors_in_charge_only(
    client, call, editor, make_user, make_application
):
    from django.core.files.base import ContentFile
    from expertgroup_helpers import PDF

    application = make_application(make_user("nadia@example.org"))
    application.cv.save("whatever.pdf", ContentFile(PDF))
    url = reverse("expertgroup_admin:file", args=[call.pk, application.pk, "cv"])
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert history(application).filter(action="file.downloaded", actor=editor).exists()
    for bad in ("password", "photo"):
        assert (
            client.get(
                reverse("expertgroup_admin:file", args=[call.pk, application.pk, bad])
            ).status_code
            == 404
        )
    client.force_login(application.user)
    response = client.get(url)
    assert response.status_code == 302 and b"%PDF" not in response.content


def test_the_applications_policy_answers_as_the_rules_for_each_kind_of_person(
    call, editor, plain_editor, committee, make_user, make_application
):
    """One policy for applications (expertgroup.permissions), asked through
    participation.permissions.allowed, even before any Wagtail hook was looked up."""
    from wagtail.permissions import policy_registry

    from expertgroup.permissions import VIEW_SENSITIVE, ApplicationPermissionPolicy
    from participation.permissions import allowed

    application = make_application(make_user("nadia@example.org"), background="refugee")
    answers = {
        person.email: (
            allowed(person, Application, "change", application),
            allowed(person, Application, VIEW_SENSITIVE, application),
        )
        for person in (editor, plain_editor, committee[0], application.user)
    }
    assert isinstance(policy_registry.get_by_type(Application), ApplicationPermissionPolicy)
    assert answers == {
        editor.email: (True, True),
        plain_editor.email: (True, False),  # in charge of the call, without the permission
        committee[0].email: (False, False),  # reviews blind, whatever else they hold
        application.user.email: (False, False),
    }
    assert allowed(editor, Application, VIEW_SENSITIVE)  # some call they may see it for
    assert not allowed(committee[0], Application, "change")
