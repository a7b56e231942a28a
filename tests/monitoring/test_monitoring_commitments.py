import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from monitoring import services
from monitoring.models import Commitment, CommitmentFollow, ProgressUpdate

pytestmark = pytest.mark.django_db

# The management form of the commitment's translation rows (the InlinePanel), none sent.
NO_TRANSLATIONS = {
    "translations-TOTAL_FORMS": "0",
    "translations-INITIAL_FORMS": "0",
    "translations-MIN_NUM_FORMS": "0",
    "translations-MAX_NUM_FORMS": "1000",
}


def test_commitment_from_outcome_copies_title_text_themes_and_consultation(outcome_item, themes):
    commitment = services.commitment_from_outcome(outcome_item)
    assert commitment.title == "A deposit fund"
    assert commitment.description == "It starts in spring."
    assert commitment.consultation_id == outcome_item.page_id
    assert list(commitment.themes.all()) == [themes["housing"]]
    assert commitment.status == Commitment.Status.PLANNED


def test_commitment_from_outcome_twice_returns_the_same(outcome_item):
    first = services.commitment_from_outcome(outcome_item)
    assert services.commitment_from_outcome(outcome_item) == first
    assert Commitment.objects.count() == 1


def test_admin_outcomes_track_in_one_action(admin_client, outcome_item):
    listing = admin_client.get("/admin/monitoring/outcomes/")
    assert listing.status_code == 200 and "A deposit fund" in listing.content.decode()
    response = admin_client.post("/admin/monitoring/outcomes/", {"item": outcome_item.pk})
    commitment = Commitment.objects.get(outcome_item_id=outcome_item.pk)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/snippets/monitoring/commitment/edit/{commitment.pk}/")
    # Listed as tracked now, with a link to edit it.
    assert "Edit the commitment" in admin_client.get("/admin/monitoring/outcomes/").content.decode()


@pytest.mark.parametrize("hostile", ["", "abc", "99999999", "1" * 40, "-1"])
def test_admin_outcomes_track_hostile_id_gives_a_message(admin_client, outcome_item, hostile):
    response = admin_client.post("/admin/monitoring/outcomes/", {"item": hostile}, follow=True)
    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()
    assert not Commitment.objects.exists()


def test_admin_views_refuse_people_without_permission(client, make_user, make_commitment):
    from allauth.mfa.totp.internal.auth import TOTP

    staff = make_user("staff@example.org", is_staff=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    commitment = make_commitment()
    for url in [
        "/admin/monitoring/outcomes/",
        "/admin/monitoring/upload/",
        f"/admin/monitoring/commitments/{commitment.pk}/update/",
    ]:
        assert client.get(url).status_code in (302, 403)


def test_add_update_moves_status_and_progress_and_emails_followers(
    board, outcome_item, make_user, make_response, editor, django_capture_on_commit_callbacks
):
    commitment = services.commitment_from_outcome(outcome_item)
    person = make_user("respondent@example.org", preferred_language="fr")
    make_response(person)
    services.follow(person, commitment)
    mail.outbox.clear()
    with pytest.raises(ValidationError):  # no update without text
        services.add_update(commitment, editor, text=" ", status="in_progress", progress=10)
    with django_capture_on_commit_callbacks(execute=True):
        update = services.add_update(
            commitment, editor, text="Funding agreed.", status="in_progress", progress=30
        )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == ("in_progress", 30)
    assert update.created_by == editor
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["respondent@example.org"]
    assert "Funding agreed." in mail.outbox[0].body
    assert "A deposit fund" in mail.outbox[0].subject
    assert f"/progress/commitments/{commitment.pk}/" in mail.outbox[0].body
    # In the follower's language.
    assert mail.outbox[0].subject.startswith("Un engagement que vous suivez a changé")
    assert "Vous recevez ce message" in mail.outbox[0].body


def test_add_update_done_completes_the_commitment(make_commitment, editor):
    commitment = make_commitment()
    services.add_update(commitment, editor, text="Finished.", status="done", progress=80)
    commitment.refresh_from_db()
    assert commitment.progress == 100 and commitment.completed_on is not None


def test_add_update_without_change_sends_nothing_twice(
    outcome_item, make_user, make_response, editor, django_capture_on_commit_callbacks
):
    commitment = services.commitment_from_outcome(outcome_item)
    person = make_user("r@example.org")
    make_response(person)
    services.follow(person, commitment)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_update(commitment, editor, text="Started.", status="in_progress", progress=5)
        services.add_update(
            commitment, editor, text="Still going.", status="in_progress", progress=5
        )
    assert len(mail.outbox) == 1


def test_add_update_on_a_dropped_commitment_is_refused(make_commitment, editor):
    commitment = make_commitment(status="dropped", dropped_reason="Money went elsewhere.")
    with pytest.raises(ValidationError) as error:
        services.add_update(commitment, editor, text="Again", status="in_progress", progress=5)
    assert "dropped" in str(error.value)
    assert not ProgressUpdate.objects.exists()


def test_dropping_needs_a_reason(make_commitment, editor):
    commitment = make_commitment()
    with pytest.raises(ValidationError) as error:
        services.add_update(commitment, editor, text="Stopped", status="dropped", progress=0)
    assert "dropped_reason" in error.value.error_dict
    services.add_update(
        commitment, editor, text="Stopped", status="dropped", progress=0, dropped_reason="Law"
    )
    commitment.refresh_from_db()
    assert commitment.status == "dropped" and commitment.dropped_reason == "Law"


def test_admin_update_view_saves_and_lists_the_update(admin_client, make_commitment):
    commitment = make_commitment()
    url = f"/admin/monitoring/commitments/{commitment.pk}/update/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url, {"date": "2026-03-01", "status": "in_progress", "progress": "40", "text": "Begun."}
    )
    assert response.status_code == 302
    assert "Begun." in admin_client.get(url).content.decode()


def test_admin_update_view_bad_input_keeps_what_was_typed(admin_client, make_commitment):
    commitment = make_commitment()
    url = f"/admin/monitoring/commitments/{commitment.pk}/update/"
    response = admin_client.post(
        url, {"date": "yesterday", "status": "nonsense", "progress": "250", "text": "Kept text"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kept text" in body and "aria-describedby" in body
    assert not ProgressUpdate.objects.exists()
    response = admin_client.post(
        url, {"date": "2026-03-01", "status": "dropped", "progress": "0", "text": "Stop"}
    )
    assert response.status_code == 400 and "Say why" in response.content.decode()


def test_admin_update_view_on_a_dropped_commitment_explains_and_saves_nothing(
    admin_client, make_commitment
):
    commitment = make_commitment(status="dropped", dropped_reason="No budget")
    url = f"/admin/monitoring/commitments/{commitment.pk}/update/"
    assert "takes no more progress updates" in admin_client.get(url).content.decode()
    response = admin_client.post(
        url, {"date": "2026-03-01", "status": "in_progress", "progress": "10", "text": "Hm"}
    )
    assert response.status_code == 400
    assert "takes no more progress updates" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("pk", ["999999", "0"])
def test_admin_update_view_unknown_commitment_is_404(admin_client, pk):
    assert admin_client.get(f"/admin/monitoring/commitments/{pk}/update/").status_code == 404


def test_snippet_edit_of_status_emails_followers(
    admin_client, outcome_item, make_user, make_response, django_capture_on_commit_callbacks
):
    commitment = services.commitment_from_outcome(outcome_item)
    person = make_user("r@example.org")
    make_response(person)
    services.follow(person, commitment)
    listing = admin_client.get("/admin/snippets/monitoring/commitment/")
    assert "Progress update" in listing.content.decode()
    edit = admin_client.get(f"/admin/snippets/monitoring/commitment/edit/{commitment.pk}/")
    assert edit.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/snippets/monitoring/commitment/edit/{commitment.pk}/",
            {
                "title": commitment.title,
                "description": "",
                "themes": [t.pk for t in commitment.themes.all()],
                "owner_department": "Housing",
                "status": "in_progress",
                "progress": "20",
                "dropped_reason": "",
                "consultation": commitment.consultation_id,
                "outcome_item_id": outcome_item.pk,
                **NO_TRANSLATIONS,
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert len(mail.outbox) == 1


def test_follow_by_a_respondent(client, board, outcome_item, make_user, make_response):
    commitment = services.commitment_from_outcome(outcome_item)
    person = make_user("r@example.org")
    make_response(person)
    client.force_login(person)
    page = client.get(f"/progress/commitments/{commitment.pk}/")
    assert "Follow: email me when it changes" in page.content.decode()
    response = client.post(f"/progress/commitments/{commitment.pk}/follow/", {"action": "follow"})
    assert response.status_code == 302
    assert CommitmentFollow.objects.filter(user=person, commitment=commitment).exists()
    assert (
        "Stop following" in client.get(f"/progress/commitments/{commitment.pk}/").content.decode()
    )
    client.post(f"/progress/commitments/{commitment.pk}/follow/", {"action": "unfollow"})
    assert not CommitmentFollow.objects.exists()


def test_follow_refused_to_people_who_did_not_answer(
    client, board, outcome_item, make_user, make_response
):
    commitment = services.commitment_from_outcome(outcome_item)
    drafter = make_user("draft@example.org")
    make_response(drafter, status="draft")
    stranger = make_user("s@example.org")
    for person in (drafter, stranger):
        client.force_login(person)
        assert (
            "Follow: email me"
            not in client.get(f"/progress/commitments/{commitment.pk}/").content.decode()
        )
        response = client.post(f"/progress/commitments/{commitment.pk}/follow/", follow=True)
        assert "Only people who answered" in response.content.decode()
    assert not CommitmentFollow.objects.exists()


def test_follow_signed_out_goes_to_sign_in(client, board, outcome_item):
    commitment = services.commitment_from_outcome(outcome_item)
    response = client.post(f"/progress/commitments/{commitment.pk}/follow/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/progress/commitments/{commitment.pk}/follow/").status_code == 405


def test_member_who_submitted_for_an_organisation_may_follow(
    outcome_item, make_user, make_organisation, make_response
):
    commitment = services.commitment_from_outcome(outcome_item)
    admin = make_user("a@example.org")
    organisation = make_organisation(admin)
    from consultations.models import Response

    Response.objects.create(
        consultation_id=commitment.consultation_id,
        organisation=organisation,
        updated_by=admin,
        respondent_type="organisation",
        status="submitted",
        receipt_number="CONS-ORG01",
    )
    assert services.can_follow(admin, commitment)


def test_standalone_commitment_cannot_be_followed(make_commitment, make_user):
    assert not services.can_follow(make_user("x@example.org"), make_commitment())


def test_commitment_page_shows_updates_and_what_is_behind_it(client, board, outcome_item, editor):
    outcome_item.question_keys = "first"
    outcome_item.save()
    commitment = services.commitment_from_outcome(outcome_item)
    services.add_update(
        commitment, editor, text="Cities chosen.", status="in_progress", progress=20
    )
    body = client.get(f"/progress/commitments/{commitment.pk}/").content.decode()
    assert "Cities chosen." in body and "Housing" in body
    assert '<progress id="progress" max="100" value="20">' in body


@pytest.mark.parametrize(
    "path",
    [
        "commitments/999999/",
        "commitments/0/",
        "commitments/abc/",
        "commitments/" + "1" * 30 + "/",
        "commitments/" + "9" * 19 + "/follow/",
    ],
)
def test_commitment_page_hostile_ids_are_404(client, board, path, user):
    client.force_login(user)
    method = client.post if path.endswith("follow/") else client.get
    assert method(f"/progress/{path}").status_code == 404


def test_personal_data_download_lists_follows(outcome_item, make_user, make_response):
    from wagtail import hooks

    commitment = services.commitment_from_outcome(outcome_item)
    person = make_user("r@example.org")
    make_response(person)
    services.follow(person, commitment)
    found = dict(fn(person) for fn in hooks.get_hooks("participation_personal_data"))
    assert found["followed_commitments"][0]["commitment"] == "A deposit fund"


def test_snippet_edit_dropping_without_reason_keeps_the_form(admin_client, make_commitment):
    commitment = make_commitment()
    response = admin_client.post(
        f"/admin/snippets/monitoring/commitment/edit/{commitment.pk}/",
        {
            "title": "Typed title",
            "status": "dropped",
            "progress": "10",
            "dropped_reason": "",
            **NO_TRANSLATIONS,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Say why the commitment was dropped." in body and "Typed title" in body
    commitment.refresh_from_db()
    assert commitment.status == "planned"


def test_snippet_add_and_edit_pages_render(admin_client, make_indicator):
    indicator = make_indicator(values=[("DE", 2020, 1)])
    for url in [
        "/admin/snippets/monitoring/commitment/add/",
        "/admin/snippets/monitoring/indicator/add/",
        f"/admin/snippets/monitoring/indicator/edit/{indicator.pk}/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_admin_menu_has_the_monitoring_group(admin_client):
    body = admin_client.get("/admin/").content.decode()
    for label in ["Monitoring", "Commitments", "Indicators", "Outcomes to track"]:
        assert label in body, label
    assert "/admin/monitoring/upload/" in body


def test_followers_task_run_again_after_its_worker_died_sends_nothing_twice(
    settings, outcome_item, make_user, make_response
):
    """The worker sent the emails and was killed before the queue heard: the task is put back
    (participation.operations.workers) and its second run skips whoever already heard."""
    from datetime import timedelta
    from unittest import mock

    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from monitoring.tasks import notify_followers
    from participation.operations import workers

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    commitment = services.commitment_from_outcome(outcome_item)
    for address in ("a@example.org", "b@example.org"):
        person = make_user(address)
        make_response(person)
        services.follow(person, commitment)
    mail.outbox.clear()
    task = DBTaskResult.objects.get(pk=notify_followers.enqueue(commitment.pk).id)

    def run_worker():
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", batch=True, interval=0, reload=False, verbosity=0)

    run_worker()
    assert len(mail.outbox) == 2
    # As if the worker had died after sending, before marking the task done.
    long_ago = timezone.now() - timedelta(minutes=5)
    workers.beat("killed", long_ago)
    task.refresh_from_db()
    task.claim("killed")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=long_ago)
    assert workers.recover_dead_tasks()["requeued"] == 1

    run_worker()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and len(mail.outbox) == 2
    # A new update is a new task: everyone hears of it.
    notify_followers.enqueue(commitment.pk)
    run_worker()
    assert len(mail.outbox) == 4
