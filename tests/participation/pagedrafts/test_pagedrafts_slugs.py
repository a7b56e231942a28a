"""Issue 18.6: an "Add page" abandoned after Wagtail's autosave does not block its slug.

Wagtail 8's page editor autosaves: the first autosave on "Add page" creates the page as a draft
(reproduced below). The next "Add page" with the same title asked for the same slug and stopped
at "The slug ... is already in use", with autosave paused.
"""

import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.models import PageLogEntry, get_default_page_content_type
from wagtail.test.utils.form_data import nested_form_data, streamfield

from participation.pagedrafts import services
from participation.pagedrafts.models import AutosavedNewPage
from portal.models import StandardPage

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_ACCEPT": "application/json"}  # what Wagtail's AutosaveController sends


@pytest.fixture
def editor(client, make_user):
    user = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(user)
    return user


def _form(title, slug, **extra):
    return nested_form_data(
        {"title": title, "slug": slug, "intro": "", "body": streamfield([]), **extra}
    )


def _add_url(parent):
    return reverse("wagtailadmin_pages:add", args=["portal", "standardpage", parent.pk])


def _autosave_new(client, parent, title="About us", slug="about-us"):
    response = client.post(_add_url(parent), _form(title, slug), **AUTOSAVE)
    assert response.status_code == 200, response.content
    return StandardPage.objects.get(pk=response.json()["pk"])


def _messages(response):
    """The text of the admin's messages (a list in the page's header)."""
    html = response.content.decode()
    start = html.index('data-w-messages-target="container"')
    listed = html[start : html.index("</ul>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", listed.split(">", 1)[1]))


def test_autosave_on_add_page_creates_a_draft_that_is_remembered(client, editor, home_page):
    page = _autosave_new(client, home_page)
    assert (page.slug, page.live, page.first_published_at) == ("about-us", False, None)
    assert AutosavedNewPage.objects.filter(page_id=page.pk).exists()
    assert page.owner == editor


def test_abandoned_new_page_gives_its_slug_to_the_next_try(client, editor, home_page):
    abandoned = _autosave_new(client, home_page)
    again = client.post(_add_url(home_page), _form("About us", "about-us"), **AUTOSAVE)
    assert again.status_code == 200, again.content
    new = StandardPage.objects.get(pk=again.json()["pk"])
    assert new.slug == "about-us" and new.url_path == "/home-test/about-us/"
    abandoned.refresh_from_db()
    assert abandoned.slug == "about-us-2" and abandoned.url_path == "/home-test/about-us-2/"
    # Nothing of it is lost, and its editor opens it with its new slug.
    assert abandoned.title == "About us"
    assert abandoned.get_latest_revision().content["slug"] == "about-us-2"
    assert abandoned.get_latest_revision_as_object().slug == "about-us-2"
    entry = PageLogEntry.objects.get(page=abandoned, action=services.SLUG_FREED)
    assert entry.user == editor
    assert "“about-us” went to a new page" in str(entry.message)
    # The moved page is an ordinary draft now; the new one is the autosaved one.
    assert list(AutosavedNewPage.objects.values_list("page_id", flat=True)) == [new.pk]


def test_a_third_try_takes_the_next_free_slug_for_the_page_it_moves(client, editor, home_page):
    home_page.add_child(instance=StandardPage(title="About us 2", slug="about-us-2", live=False))
    abandoned = _autosave_new(client, home_page)
    client.post(_add_url(home_page), _form("About us", "about-us"), **AUTOSAVE)
    abandoned.refresh_from_db()
    assert abandoned.slug == "about-us-3"


def test_saving_by_hand_makes_the_page_keep_its_slug(client, editor, home_page):
    page = _autosave_new(client, home_page)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.post(edit, _form("About us", "about-us"))  # "Save draft": HTML
    assert response.status_code == 302
    assert not AutosavedNewPage.objects.filter(page_id=page.pk).exists()

    refused = client.post(_add_url(home_page), _form("About us", "about-us"), **AUTOSAVE)
    assert refused.status_code == 400
    assert refused.json()["error_code"] == "validation_error"
    shown = client.post(_add_url(home_page), _form("About us", "about-us"))
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "already in use" in html  # Wagtail's field error stays
    text = _messages(shown)
    assert (
        "The slug “about-us” belongs to “About us”, a page that is not live (last changed" in text
    )
    assert f'href="{edit}"' in html
    assert reverse("wagtailadmin_pages:delete", args=[page.pk]) in html
    page.refresh_from_db()
    assert page.slug == "about-us"


def _session(page, user, seconds_ago):
    return EditingSession.objects.create(
        user=user,
        content_type=get_default_page_content_type(),
        object_id=str(page.pk),
        last_seen_at=timezone.now() - timedelta(seconds=seconds_ago),
    )


def test_a_page_open_in_someone_elses_editor_keeps_its_slug(client, editor, home_page, make_user):
    page = _autosave_new(client, home_page)
    _session(page, make_user("colleague@example.org", is_staff=True), seconds_ago=20)
    refused = client.post(_add_url(home_page), _form("About us", "about-us"), **AUTOSAVE)
    assert refused.status_code == 400
    page.refresh_from_db()
    assert page.slug == "about-us"
    # A session not seen for a while is a tab closed without a goodbye (a crash).
    EditingSession.objects.update(last_seen_at=timezone.now() - timedelta(minutes=5))
    retried = client.post(_add_url(home_page), _form("About us", "about-us"), **AUTOSAVE)
    assert retried.status_code == 200
    page.refresh_from_db()
    assert page.slug == "about-us-2"


def test_the_editors_own_session_left_behind_does_not_keep_the_slug(client, editor, home_page):
    # Leaving the editor releases its session with a beacon, which may come late or never:
    # the person retrying is the one who left.
    page = _autosave_new(client, home_page)
    _session(page, editor, seconds_ago=5)
    again = client.post(_add_url(home_page), _form("About us", "about-us"), **AUTOSAVE)
    assert again.status_code == 200
    page.refresh_from_db()
    assert page.slug == "about-us-2"


def test_a_published_page_keeps_its_slug_and_is_named(client, editor, home_page):
    live = home_page.add_child(instance=StandardPage(title="Contact", slug="contact"))
    AutosavedNewPage.objects.create(page=live)  # even if it was once autosaved
    response = client.post(_add_url(home_page), _form("Contact", "contact"))
    assert response.status_code == 200
    assert "The slug “contact” belongs to the page “Contact”" in _messages(response)
    live.refresh_from_db()
    assert live.slug == "contact"


def test_an_explicit_save_that_frees_a_slug_says_so(client, editor, home_page):
    abandoned = _autosave_new(client, home_page)
    response = client.post(_add_url(home_page), _form("About us", "about-us"), follow=True)
    assert response.status_code == 200
    assert "it keeps its content under the slug “about-us-2”" in _messages(response)
    abandoned.refresh_from_db()
    assert abandoned.slug == "about-us-2"


def test_an_autosaved_page_can_take_the_slug_while_it_is_edited(client, editor, home_page):
    # Autosave creates the page after the first letters of its title ("ab"); the slug follows
    # the title as the editor goes on typing, in the edit view.
    abandoned = _autosave_new(client, home_page)
    typing = _autosave_new(client, home_page, title="Ab", slug="ab")
    edit = reverse("wagtailadmin_pages:edit", args=[typing.pk])
    response = client.post(edit, _form("About us", "about-us"), **AUTOSAVE)
    assert response.status_code == 200, response.content
    typing.refresh_from_db()
    abandoned.refresh_from_db()
    assert (typing.slug, abandoned.slug) == ("about-us", "about-us-2")


def test_a_moved_page_does_not_take_its_slug_back(client, editor, home_page):
    abandoned = _autosave_new(client, home_page)
    new = StandardPage.objects.get(
        pk=client.post(_add_url(home_page), _form("About us", "about-us"), **AUTOSAVE).json()["pk"]
    )
    # Back in the old tab, whose form still says "about-us", while the new page's tab is hidden.
    edit = reverse("wagtailadmin_pages:edit", args=[abandoned.pk])
    refused = client.post(edit, _form("About us", "about-us"), **AUTOSAVE)
    assert refused.status_code == 400
    new.refresh_from_db()
    assert new.slug == "about-us"
    shown = client.post(edit, _form("About us", "about-us"))
    assert "The slug “about-us” belongs to “About us”" in _messages(shown)


def test_another_editor_without_rights_on_the_page_only_gets_the_message(
    client, editor, home_page, make_user
):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    abandoned = _autosave_new(client, home_page)
    group = Group.objects.create(name="Writers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=home_page, permission=Permission.objects.get(codename="add_page")
    )
    writer = make_user("writer@example.org", is_staff=True)
    TOTP.activate(writer, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    writer.groups.add(group)
    client.force_login(writer)
    response = client.post(_add_url(home_page), _form("About us", "about-us"))
    assert response.status_code == 200
    assert "belongs to “About us”" in _messages(response)
    assert reverse("wagtailadmin_pages:edit", args=[abandoned.pk]) not in response.content.decode()
    abandoned.refresh_from_db()
    assert abandoned.slug == "about-us"
