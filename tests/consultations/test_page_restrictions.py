"""A consultation's view restrictions (password, sign-in, groups) and its editors' per-page rights
govern its summary PDF, its exports and its attachments, not only its pages."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from wagtail.models import GroupPagePermission, PageViewRestriction

from consultations.demo_questionnaire import qid
from consultations.models import Response
from participation.documents.models import GeneratedDocument

pytestmark = pytest.mark.django_db
PROPOSAL = qid("proposal")
SECRET_ANSWER = "PUBLISHED-BEHIND-A-PASSWORD-4411"
SUMMARY = "consultations.summary"


def _request(client, page, **extra):
    return client.post(
        reverse("documents:request", args=[SUMMARY]),
        {"consultation": page.pk, "lang": "en", **extra},
    )


def _password(page, password="open-sesame"):  # noqa: S107
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=password
    )


@pytest.fixture
def published(answer, make_user):
    return answer(make_user("author@example.org"), {PROPOSAL: SECRET_ANSWER}, moderation="approved")


def _staff(make_user, email, *, edit_page=None):
    """A staff member with admin access; edit rights on ``edit_page`` only, if given."""
    person = make_user(email, is_staff=True)
    TOTP.activate(person, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    group = Group.objects.create(name=f"editors of {email}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    if edit_page is not None:
        GroupPagePermission.objects.create(group=group, page=edit_page, permission_type="change")
    person.groups.add(group)
    return person


def test_summary_of_a_password_page_refused_until_the_password_is_given(
    client, consultation, published, make_user
):
    restriction = _password(consultation)
    client.force_login(make_user("stranger@example.org"))
    assert _request(client, consultation).status_code == 404
    assert not GeneratedDocument.objects.exists()

    passed = client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, consultation.pk]),
        {"password": "open-sesame", "return_url": consultation.url},
    )
    assert passed.status_code == 302
    asked = _request(client, consultation)
    assert asked.status_code == 302
    document = GeneratedDocument.objects.get()
    download = client.get(reverse("documents:download", args=[document.public_id]))
    assert download.status_code == 200


def test_summary_built_before_the_restriction_is_refused_after(
    client, consultation, published, make_user
):
    client.force_login(make_user("early@example.org"))
    assert _request(client, consultation).status_code == 302
    document = GeneratedDocument.objects.get()
    assert document.status == GeneratedDocument.Status.DONE
    _password(consultation)
    for name in ("status", "progress", "download"):
        assert client.get(reverse(f"documents:{name}", args=[document.public_id])).status_code == (
            404
        ), name


def test_summary_of_a_groups_page_only_for_the_group_or_its_editors(
    client, consultation, published, make_user
):
    insiders = Group.objects.create(name="insiders")
    restriction = PageViewRestriction.objects.create(
        page=consultation.get_parent(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(insiders)  # on the parent: restrictions are inherited
    client.force_login(make_user("outsider@example.org"))
    assert _request(client, consultation).status_code == 404
    member = make_user("insider@example.org")
    member.groups.add(insiders)
    client.force_login(member)
    assert _request(client, consultation).status_code == 302
    client.force_login(_staff(make_user, "editor@example.org", edit_page=consultation))
    assert _request(client, consultation).status_code == 302


@pytest.mark.parametrize("forged", ["", "abc", "99999999", "1 OR 1=1", "-1", "1e9"])
def test_summary_with_a_forged_consultation_id_is_a_clear_refusal(
    client, consultation, make_user, forged
):
    client.force_login(make_user("stranger@example.org"))
    response = client.post(
        reverse("documents:request", args=[SUMMARY]), {"consultation": forged}, follow=True
    )
    assert response.status_code == 200
    assert "Unknown consultation." in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_export_needs_edit_rights_on_this_consultation_not_only_staff(
    client, consultation, home_page, published, make_user
):
    elsewhere = home_page.add_child(instance=type(home_page)(title="Elsewhere", slug="elsewhere"))
    client.force_login(_staff(make_user, "other-desk@example.org", edit_page=elsewhere))
    # The admin answers a refusal with a redirect to its dashboard and a message.
    for fmt in ("csv", "xlsx"):
        refused = client.get(f"/admin/consultations/{consultation.pk}/responses.{fmt}")
        assert (refused.status_code, refused["Location"]) == (302, "/admin/"), fmt
    refused = client.post(f"/admin/consultations/{consultation.pk}/campaigns/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")

    client.force_login(_staff(make_user, "in-charge@example.org", edit_page=consultation))
    response = client.get(f"/admin/consultations/{consultation.pk}/responses.csv")
    assert response.status_code == 200
    assert SECRET_ANSWER in b"".join(response.streaming_content).decode("utf-8-sig")


def test_export_with_a_forged_page_id_is_not_found(client, make_user, consultation):
    client.force_login(_staff(make_user, "in-charge@example.org", edit_page=consultation))
    assert client.get("/admin/consultations/99999999/responses.csv").status_code == 404


def test_unpublished_attachment_only_for_the_editors_of_this_consultation(
    client, consultation, home_page, answer, make_user
):
    done = answer(make_user("author@example.org"), {})
    stored = storages["private"].save(
        "consultations/responses/test/private.pdf", ContentFile(b"%PDF")
    )
    Response.objects.filter(pk=done.pk).update(
        answers={"file-q": {"name": "p.pdf", "content_type": "application/pdf", "path": stored}}
    )
    url = consultation.url + consultation.reverse_subpage("attachment", args=[done.pk, "file-q"])
    client.force_login(_staff(make_user, "other-desk@example.org"))
    assert client.get(url).status_code == 404
    client.force_login(_staff(make_user, "in-charge@example.org", edit_page=consultation))
    assert client.get(url).status_code == 200


def test_published_attachment_of_a_password_page_asks_for_the_password(
    client, consultation, answer, make_user
):
    done = answer(make_user("author@example.org"), {}, moderation="approved")
    stored = storages["private"].save(
        "consultations/responses/test/public.pdf", ContentFile(b"%PDF")
    )
    Response.objects.filter(pk=done.pk).update(
        publish_attachments=True,
        answers={"file-q": {"name": "p.pdf", "content_type": "application/pdf", "path": stored}},
    )
    url = consultation.url + consultation.reverse_subpage("attachment", args=[done.pk, "file-q"])
    assert client.get(url).status_code == 200  # published with consent: public
    _password(consultation)
    asked = client.get(url)
    assert asked.status_code == 200 and b"%PDF" not in b"".join(
        getattr(asked, "streaming_content", [asked.content])
    )
    assert 'name="password"' in asked.content.decode()


def test_answers_in_the_admin_only_for_the_editors_of_their_consultation(
    client, consultation, home_page, published, make_user
):
    elsewhere = home_page.add_child(instance=type(home_page)(title="Elsewhere", slug="elsewhere"))
    model_rights = Permission.objects.filter(
        content_type__app_label="consultations", codename__in=["view_response", "change_response"]
    )
    other = _staff(make_user, "other-desk@example.org", edit_page=elsewhere)
    other.groups.first().permissions.add(*model_rights)
    client.force_login(other)
    listing = client.get("/admin/consultations/responses/")
    assert listing.status_code == 200 and published.receipt_number not in listing.content.decode()
    for view in ("inspect", "edit"):
        refused = client.get(f"/admin/consultations/responses/{view}/{published.pk}/")
        assert refused.status_code == 302 and SECRET_ANSWER not in refused.content.decode(), view
    assert client.get("/admin/consultations/responses/inspect/99999999/").status_code == 404

    in_charge = _staff(make_user, "in-charge@example.org", edit_page=consultation)
    in_charge.groups.first().permissions.add(*model_rights)
    client.force_login(in_charge)
    listing = client.get("/admin/consultations/responses/")
    assert published.receipt_number in listing.content.decode()
    inspect = client.get(f"/admin/consultations/responses/inspect/{published.pk}/")
    assert inspect.status_code == 200 and SECRET_ANSWER in inspect.content.decode()
