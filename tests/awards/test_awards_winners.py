"""Shortlist and winners: publication once, notifications, public pages, photos with consent,
the audience vote, documents and hooks."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from awards_helpers import png_upload
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import AudienceVote, Nomination
from participation.accounts.services import delete_account, personal_data
from participation.documents.services import build_now
from themes.figures import participation_figures
from themes.selectors import themed_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(edition, nominator, editor):
    """Two nominations in category 1: one winner with a consented photo, one shortlisted
    without consent (its photo must never be public)."""
    category = edition.categories.first()
    made = []
    for name, consent in (("Club Winner", True), ("Club Private", False)):
        nomination = services.start(edition, nominator, category=category, kind="self")
        nomination = services.save(
            nomination,
            nominator,
            {
                "nominee_name": name,
                "description": f"{name} text",
                "results": "r",
                "publication_consent": consent,
            },
            nomination.version,
        )
        services.add_file(
            nomination,
            nominator,
            "photo",
            png_upload(),
            rights_confirmed=True,
            caption=f"{name} photo",
        )
        made.append(services.submit(nomination, nominator))
    services.import_nominations(category, editor)
    services.set_outcomes(
        category, {made[0].pk: ("winner", "Bravo"), made[1].pk: ("shortlisted", "")}, editor
    )
    return made


def test_public_pages_wait_for_publication(client, edition, decided):
    assert client.get(edition.route_url("shortlist")).status_code == 404
    assert client.get(edition.route_url("winners")).status_code == 404
    photo = decided[0].files.get()
    assert client.get(edition.route_url("photo", photo.pk)).status_code == 404


def test_publish_once_notifies_nominees_and_nominators(
    client, edition, decided, editor, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client.force_login(editor)
    url = reverse("awards_admin:edition", args=[edition.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "publish_shortlist"})
    edition.refresh_from_db()
    assert edition.state == edition.State.SHORTLIST
    assert {m.to[0] for m in mail.outbox} == {"nominator@example.org"}  # self-nominated: one
    mail.outbox.clear()
    response = client.post(url, {"action": "publish_shortlist"}, follow=True)
    assert "already been published" in response.content.decode() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "publish_winners"})
    edition.refresh_from_db()
    assert edition.state == edition.State.WINNERS
    assert any("winners" in m.subject for m in mail.outbox)


def test_winners_page_shows_photos_only_with_consent(client, edition, decided, editor):
    services.publish(edition, "winners", editor)
    edition.refresh_from_db()
    page = client.get(edition.route_url("winners")).content.decode()
    assert "Club Winner" in page and "Bravo" in page and "Club Private" not in page
    shortlist = client.get(edition.route_url("shortlist")).content.decode()
    assert "Club Private" in shortlist and "Club Private text" not in shortlist
    public, private = decided[0].files.get(), decided[1].files.get()
    assert client.get(edition.route_url("photo", public.pk)).status_code == 200
    assert client.get(edition.route_url("photo", private.pk)).status_code == 404
    assert client.get(edition.url + "photos/999999/").status_code == 404
    assert f"photos/{private.pk}/" not in shortlist


def test_winners_page_query_count_is_flat(
    client, edition, decided, editor, make_nomination, django_assert_max_num_queries
):
    services.publish(edition, "winners", editor)
    edition.refresh_from_db()
    url = edition.route_url("winners")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    category = edition.categories.first()
    for i in range(5):
        n = make_nomination(edition, category, f"More {i}")
        services.set_outcomes(category, {n.pk: ("winner", "")}, editor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.fixture
def voting(edition, decided, editor):
    now = timezone.now()
    edition.audience_prize = True
    edition.vote_opens_at = now - timedelta(days=1)
    edition.vote_closes_at = now + timedelta(days=1)
    edition.save()
    services.publish(edition, "shortlist", editor)
    edition.refresh_from_db()
    return edition


def test_vote_once_per_verified_account_and_results_hidden(client, voting, decided, make_user):
    voter = make_user("voter@example.org", date_joined=timezone.now() - timedelta(days=30))
    client.force_login(voter)
    url = voting.route_url("vote")
    response = client.post(url, {"nomination": decided[0].pk})
    assert response.status_code == 302 and AudienceVote.objects.count() == 1
    again = client.post(url, {"nomination": decided[1].pk})
    assert again.status_code == 400 and "already voted" in again.content.decode()
    assert services.vote_results(voting) is None
    assert "Votes per shortlisted" not in client.get(url).content.decode()
    unverified = make_user("new@example.org", verified=False)
    client.force_login(unverified)
    refused = client.post(url, {"nomination": decided[0].pk})
    assert "verify your email" in refused.content.decode() and AudienceVote.objects.count() == 1
    for bad in ("abc", "999999", ""):
        assert client.post(url, {"nomination": bad}).status_code == 400


def test_vote_after_the_close_is_refused_and_results_show(client, voting, decided, make_user):
    voter = make_user("voter@example.org", date_joined=timezone.now() - timedelta(days=30))
    services.cast_vote(voting, voter, decided[0].pk)
    voting.vote_closes_at = timezone.now() - timedelta(minutes=1)
    voting.save()
    client.force_login(
        make_user("late@example.org", date_joined=timezone.now() - timedelta(days=30))
    )
    response = client.post(voting.route_url("vote"), {"nomination": decided[0].pk})
    assert response.status_code == 400 and "has closed" in response.content.decode()
    results = services.vote_results(voting)
    assert [(n.pk, n.vote_count) for n in results][0] == (decided[0].pk, 1)


def test_vote_is_rate_limited(client, voting, decided, make_user, settings):
    client.force_login(
        make_user("voter@example.org", date_joined=timezone.now() - timedelta(days=30))
    )

    statuses = [
        client.post(voting.route_url("vote"), {"nomination": "x"}).status_code
        for _ in range(21)  # PARTICIPATION_RATE_LIMITS: 20 an hour per client address
    ]
    assert statuses[-1] == 429


@pytest.mark.parametrize("proxies", [0, 1])
def test_vote_limit_is_per_real_client(client, voting, decided, make_user, settings, proxies):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    client.force_login(make_user("voter@example.org"))

    def post(real, fake):
        if proxies:
            headers = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"{fake}, {real}"}
        else:
            headers = {"REMOTE_ADDR": real, "HTTP_X_FORWARDED_FOR": fake}
        return client.post(voting.route_url("vote"), {"nomination": "x"}, **headers).status_code

    statuses = [post("203.0.113.7", f"192.0.2.{i}") for i in range(21)]
    assert statuses == [400] * 20 + [429]  # forged entries never reset the count
    assert post("198.51.100.5", "192.0.2.1") == 400  # another client: counted apart


def test_documents_build(edition, decided, editor):
    category = edition.categories.first()
    phase = category.review_process.phases.get(position=0)
    booklet = build_now("awards.jury_booklet", {"category": category.pk, "phase": phase.pk})
    assert booklet.content.startswith(b"%PDF") and len(booklet.content) > 2000
    report = build_now("awards.results_report", {"edition": edition.pk})
    assert report.content.startswith(b"%PDF")
    from django.core.exceptions import ValidationError

    from participation.documents.registry import get

    with pytest.raises(ValidationError):
        get("awards.jury_booklet").clean_params({"category": "x", "phase": phase.pk})
    with pytest.raises(ValidationError):
        get("awards.results_report").clean_params({"edition": "99999999"})


def test_booklet_lists_every_nomination_with_its_evidence(edition, decided):
    from awards.documents import _booklet_nominations

    category = edition.categories.first()
    phase = category.review_process.phases.get(position=0)
    assert {n.nominee_name for _item, n in _booklet_nominations(phase)} == {
        "Club Winner",
        "Club Private",
    }


def test_score_sheet_through_the_engine(client, edition, decided, editor):
    client.force_login(editor)
    process = edition.categories.first().review_process
    response = client.get(reverse("review_admin:score_sheet", args=[process.pk, "csv"]))
    assert response.status_code == 200


def test_hooks_themes_figures_and_personal_data(
    edition, decided, editor, nominator, django_assert_num_queries
):
    from themes.models import Theme

    theme = Theme.objects.first()
    edition.themes.add(theme)
    edition.save()
    sections = themed_content(theme)
    assert any(edition.title in [i.title for i in s.items] for s in sections)
    services.publish(edition, "winners", editor)
    with django_assert_num_queries(1):
        from awards.wagtail_hooks import award_figures

        figures = {f.key: f.value for f in award_figures(theme)}
    assert figures == {"awards.nominations": 2, "awards.winners": 1}
    assert {f.key for f in participation_figures()} >= {"awards.nominations"}
    data = personal_data(nominator)["award_nominations"]
    assert {n["nominee"] for n in data["nominations"]} == {"Club Winner", "Club Private"}


def test_account_deletion_keeps_submitted_and_drops_personal_drafts(edition, decided, nominator):
    draft = services.start(edition, nominator, category=edition.categories.first(), kind="self")
    delete_account(nominator)
    assert not Nomination.objects.filter(pk=draft.pk).exists()
    kept = Nomination.objects.get(pk=decided[0].pk)
    assert kept.user is None and kept.is_submitted
    assert not EmailAddress.objects.filter(email="nominator@example.org").exists()


def test_vote_and_edition_pages_query_counts_are_flat(
    client, voting, editor, make_nomination, make_user, django_assert_max_num_queries
):
    client.force_login(
        make_user("voter@example.org", date_joined=timezone.now() - timedelta(days=30))
    )
    urls = [voting.route_url("vote"), voting.url, voting.route_url("shortlist")]
    counts = []
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(40) as few:
            assert client.get(url).status_code == 200
        counts.append(len(few.captured_queries))
    category = voting.categories.first()
    for i in range(6):
        nomination = make_nomination(voting, category, f"Crowd {i}")
        services.set_outcomes(category, {nomination.pk: ("shortlisted", "")}, editor)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            client.get(url)


def _account_made(make_user, email, days_before_now, **fields):
    return make_user(email, date_joined=timezone.now() - timedelta(days=days_before_now), **fields)


def test_vote_of_an_account_made_after_the_opening_is_refused_and_counted(
    client, voting, decided, make_user, editor
):
    from awards.models import VoteRefusal

    url = voting.route_url("vote")
    for number in range(3):  # one person, many fresh addresses
        client.force_login(make_user(f"sock{number}@example.org"))
        refused = client.post(url, {"nomination": decided[0].pk})
        assert refused.status_code == 400
        assert "Only accounts created before" in refused.content.decode()
    assert AudienceVote.objects.count() == 0
    client.force_login(_account_made(make_user, "old@example.org", 30))
    assert client.post(url, {"nomination": decided[0].pk}).status_code == 302
    client.post(url, {"nomination": decided[1].pk})  # a second vote: refused, counted
    client.force_login(_account_made(make_user, "unverified@example.org", 30, verified=False))
    client.post(url, {"nomination": decided[0].pk})
    assert AudienceVote.objects.count() == 1
    counts = dict(VoteRefusal.objects.values_list("reason", "count"))
    assert counts == {"account_too_new": 3, "already_voted": 1, "unverified": 1}

    client.force_login(editor)
    page = client.get(reverse("awards_admin:edition", args=[voting.pk])).content.decode()
    assert "Audience prize: refused votes" in page
    table = page.split('id="vote-refusals"')[1].split("</table>")[0]
    assert "Account created after the cut-off</td><td>3<" in table
    assert "Already voted</td><td>1<" in table and "Email address not verified</td><td>1<" in table


def test_vote_minimum_account_age_is_a_setting(client, voting, decided, make_user, settings):
    url = voting.route_url("vote")
    settings.PARTICIPATION_AWARDS_VOTER_MIN_ACCOUNT_AGE_DAYS = 7
    client.force_login(_account_made(make_user, "five-days@example.org", 5))
    assert client.post(url, {"nomination": decided[0].pk}).status_code == 400
    client.force_login(_account_made(make_user, "ten-days@example.org", 10))
    assert client.post(url, {"nomination": decided[0].pk}).status_code == 302
    settings.PARTICIPATION_AWARDS_VOTER_MIN_ACCOUNT_AGE_DAYS = None  # any verified account
    client.force_login(make_user("brand-new@example.org"))
    assert client.post(url, {"nomination": decided[0].pk}).status_code == 302
    assert AudienceVote.objects.count() == 2


def test_edition_admin_and_results_report_only_for_the_editors_of_this_edition(
    client, edition, make_edition, make_user, with_totp
):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    from participation.documents.models import GeneratedDocument

    other = make_edition("Integration Award 2027")
    desk = Group.objects.create(name="award desk 2027")
    desk.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_reviewprocess"),
    )
    GroupPagePermission.objects.create(group=desk, page=other, permission_type="change")
    staff = with_totp(make_user("desk@example.org", is_staff=True))
    staff.groups.add(desk)
    client.force_login(staff)
    assert client.get(reverse("awards_admin:edition", args=[other.pk])).status_code == 200
    refused = client.get(reverse("awards_admin:edition", args=[edition.pk]))
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    category = edition.categories.first()
    refused = client.get(reverse("awards_admin:category", args=[category.pk]))
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    asked = client.post(
        reverse("documents:request", args=["awards.results_report"]), {"edition": edition.pk}
    )
    assert asked.status_code == 403 and not GeneratedDocument.objects.exists()


def test_board_figures_follow_nominations_outcomes_and_publication(
    edition, decided, editor, nominator, make_nomination
):
    """The board keeps the award's figures between changes (themes/figures.py); a submit (one
    UPDATE), a withdrawal, an outcome and the publication of winners (an UPDATE of the
    edition) show at once."""
    from participation.submissions import services as submissions

    def counted():
        found = {f.key: f.value for f in participation_figures()}
        return found["awards.nominations"], found["awards.winners"]

    assert counted() == (2, 0)  # winners count once published
    services.publish(edition, "winners", editor)
    assert counted() == (2, 1)
    category = edition.categories.first()
    services.set_outcomes(category, {decided[1].pk: ("winner", "")}, editor)
    assert counted() == (2, 2)
    other = list(edition.categories.all())[1]
    draft = services.start(edition, nominator, category=other, kind="self")
    draft = services.save(
        draft, nominator, {"nominee_name": "Choir", "description": "d", "results": "r"}, 1
    )
    assert counted() == (2, 2)  # a draft does not count
    submitted = services.submit(draft, nominator)
    assert counted() == (3, 2)
    submissions.withdraw(submitted, nominator)
    assert counted() == (2, 2)
