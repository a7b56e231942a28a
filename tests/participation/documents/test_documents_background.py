"""Background documents: request, progress, status page, download, reuse, failure, retry,
and the whole path through the database task queue and its worker."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from participation.documents import services
from participation.documents.models import GeneratedDocument
from participation.documents.registry import BuiltFile, DocumentBuildError

pytestmark = pytest.mark.django_db
Status = GeneratedDocument.Status
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def request_url(kind):
    return reverse("documents:request", args=[kind])


def run_worker_once():
    """db_worker --batch: run every queued task, then stop.

    The worker calls close_old_connections() between tasks; inside a test's transaction that
    would drop the connection, so that one call is neutralised here (and only here).
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, interval=0, reload=False, verbosity=0)


@pytest.fixture
def counting_kind(temporary_kind):
    """A kind whose data version and builds are counted, to see reuse and rebuilds."""
    state = {"builds": 0, "data": "v1"}

    def build(params, progress):
        state["builds"] += 1
        for done in range(1, 41):
            progress(done, 40)
        return BuiltFile(filename="counted.csv", content_type="text/csv", content=b"a,b\n1,2\n")

    temporary_kind(
        name="tests.counted",
        build=build,
        fingerprint=lambda params: state["data"],
        can_request=lambda user, params: user.is_authenticated,
    )
    return state


def test_request_builds_then_status_and_download(client, user, pdfcheck):
    client.force_login(user)
    response = client.post(request_url("documents.specimen"), {"copies": "1"})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.status == Status.DONE and document.requested_by == user
    assert document.progress_unit == "pages" and document.progress_done >= 1

    page = client.get(document.get_absolute_url())
    assert page.status_code == 200
    assert "Your document is ready." in page.content.decode()
    assert 'http-equiv="refresh"' not in page.content.decode()

    download = client.get(document.download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="script-specimen.pdf"' in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF") and pdfcheck.notdef(content) == []


def test_documents_are_private_to_their_requester(client, user, other_user):
    document = services.request_document("documents.specimen", {}, user)
    client.force_login(other_user)
    for name in ("status", "progress", "download"):
        url = reverse(f"documents:{name}", args=[document.public_id])
        assert client.get(url).status_code == 404
    assert client.post(reverse("documents:retry", args=[document.public_id])).status_code == 404
    client.logout()
    response = client.get(document.get_absolute_url())
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_kind_can_let_others_see_its_documents(client, user, other_user, temporary_kind):
    temporary_kind(
        name="tests.shared",
        build=lambda params, progress: BuiltFile("s.txt", "text/plain", b"shared"),
        can_request=lambda u, params: True,
        can_view=lambda u, document: u.username == "someone",
    )
    document = services.request_document("tests.shared", {}, user)
    client.force_login(other_user)
    assert b"".join(client.get(document.download_url).streaming_content) == b"shared"


def test_staff_only_kind_is_refused_to_others(client, user):
    client.force_login(user)
    assert client.post(request_url("documents.sample"), {"count": "5"}).status_code == 403
    assert not GeneratedDocument.objects.exists()


def test_unknown_kind_and_bad_parameters(client, user):
    client.force_login(user)
    assert client.post(request_url("nope.nothing")).status_code == 404
    response = client.post(request_url("documents.specimen"), {"copies": "999"}, follow=True)
    assert "copies must be between 1 and 50" in response.content.decode()
    assert not GeneratedDocument.objects.exists()
    assert client.get(request_url("documents.specimen")).status_code == 405


def test_same_data_is_served_from_storage_not_rebuilt(user, other_user, counting_kind):
    first = services.request_document("tests.counted", {}, user)
    assert first.status == Status.DONE and counting_kind["builds"] == 1

    again = services.request_document("tests.counted", {}, user)
    assert again.pk == first.pk  # the requester's own copy

    theirs = services.request_document("tests.counted", {}, other_user)
    assert theirs.pk != first.pk and theirs.status == Status.DONE
    assert theirs.reused_from == first and theirs.file.name == first.file.name
    assert counting_kind["builds"] == 1

    counting_kind["data"] = "v2"  # the data changed: a new build
    fresh = services.request_document("tests.counted", {}, user)
    assert fresh.pk != first.pk and counting_kind["builds"] == 2


def test_status_page_shows_progress_and_refreshes_itself(client, user):
    document = GeneratedDocument.objects.create(
        kind="documents.specimen",
        requested_by=user,
        status=Status.RUNNING,
        progress_done=12,
        progress_total=40,
        progress_unit="items",
    )
    client.force_login(user)
    html = client.get(document.get_absolute_url()).content.decode()
    assert "Gathering the content: 12 of 40 items…" in html
    assert "Queued" not in html  # the state and the count come as one true sentence
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert 'max="40" value="12"' in html
    assert "documents/status.js" in html

    data = client.get(reverse("documents:progress", args=[document.public_id])).json()
    assert data == {
        "status": "running",
        "finished": False,
        "stale": False,
        "done": 12,
        "total": 40,
        "unit": "items",
        "percent": 30,
        "label": "Gathering the content: 12 of 40 items…",
        "download_url": None,
    }
    # Not ready: the download link sends back to the status page.
    response = client.get(document.download_url)
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()


@pytest.mark.parametrize(
    "status, done, total, unit, label",
    [
        ("queued", 0, None, "pages", "Queued: waiting for its turn…"),
        ("queued", 19, None, "pages", "Queued: waiting for its turn…"),  # never "Queued: 19 pages"
        ("running", 0, None, "items", "Started…"),
        ("running", 3, None, "items", "Gathering the content: 3 items…"),
        ("running", 12, 40, "items", "Gathering the content: 12 of 40 items…"),
        ("running", 0, None, "pages", "Laying out the pages…"),
        ("running", 19, None, "pages", "Laying out page 19…"),
        ("running", 19, 30, "pages", "Laying out page 19 of 30…"),
        ("running", 0, None, "writing", "Writing the file…"),
        ("running", 31, None, "writing", "Writing the file (31 pages)…"),
        ("done", 31, None, "pages", "Done: 31 pages."),
        ("done", 1, None, "pages", "Done: 1 page."),
        ("done", 40, 40, "items", "Done."),
        ("failed", 19, None, "pages", "The document could not be built."),
    ],
)
def test_progress_label_says_what_the_build_is_doing(status, done, total, unit, label):
    from participation.documents.views import progress_label

    document = GeneratedDocument(
        status=status, progress_done=done, progress_total=total, progress_unit=unit
    )
    assert progress_label(document) == label


def test_a_pdf_build_reports_layout_then_writing_then_done(settings, user, temporary_kind):
    from participation.documents.pdf import html_to_pdf

    settings.PARTICIPATION_DOCUMENTS_PROGRESS_INTERVAL = 3600  # only stage changes are written
    seen = []

    def build(params, progress):
        original = progress.flush

        def flush():
            original()
            document = GeneratedDocument.objects.get(kind="tests.stages")
            seen.append((document.progress_unit, document.progress_done))

        progress.flush = flush
        html = "<p style='break-after: page'>a</p><p style='break-after: page'>b</p><p>c</p>"
        rendered = html_to_pdf(html, on_page=progress.pages)
        return BuiltFile("s.pdf", "application/pdf", rendered.content)

    temporary_kind(name="tests.stages", build=build, can_request=lambda u, p: True)
    document = services.request_document("tests.stages", {}, user)
    assert seen[0] == ("pages", 1) and ("writing", 3) in seen
    assert seen.index(("writing", 3)) == len(seen) - 1  # written once the layout is over
    assert (document.status, document.progress_unit, document.progress_done) == ("done", "pages", 3)


def test_progress_is_written_while_building(settings, user, temporary_kind):
    settings.PARTICIPATION_DOCUMENTS_PROGRESS_INTERVAL = 0
    seen = []

    def build(params, progress):
        progress(12, 40)
        document = GeneratedDocument.objects.get(kind="tests.progress")
        seen.append((document.status, document.progress_done, document.progress_total))
        progress(40, 40)
        return BuiltFile("p.txt", "text/plain", b"done")

    temporary_kind(name="tests.progress", build=build, can_request=lambda u, p: True)
    document = services.request_document("tests.progress", {}, user)
    assert seen == [(Status.RUNNING, 12, 40)]
    assert (document.progress_done, document.progress_total) == (40, 40)


def test_failure_shows_the_reason_and_retry_builds_it(client, user, temporary_kind):
    state = {"fail": True}

    def build(params, progress):
        if state["fail"]:
            raise DocumentBuildError("There are no responses to summarise yet.")
        return BuiltFile("ok.txt", "text/plain", b"ok")

    temporary_kind(name="tests.flaky", build=build, can_request=lambda u, p: True)
    client.force_login(user)
    client.post(request_url("tests.flaky"))
    document = GeneratedDocument.objects.get()
    assert document.status == Status.FAILED
    html = client.get(document.get_absolute_url()).content.decode()
    assert "There are no responses to summarise yet." in html
    assert reverse("documents:retry", args=[document.public_id]) in html

    state["fail"] = False
    client.post(reverse("documents:retry", args=[document.public_id]))
    document.refresh_from_db()
    assert document.status == Status.DONE and document.attempts == 2 and document.error == ""


def test_unexpected_error_is_named_but_not_detailed_to_the_requester(user, temporary_kind):
    def build(params, progress):
        raise RuntimeError("connection string postgres://secret@db")

    temporary_kind(name="tests.crash", build=build, can_request=lambda u, p: True)
    document = services.request_document("tests.crash", {}, user)
    assert document.status == Status.FAILED
    assert "RuntimeError" in document.error and "secret" not in document.error
    assert "secret" in document.error_detail  # for staff only, on the status page


def test_database_queue_end_to_end_and_the_worker_survives_failures(
    settings, user, temporary_kind, pdfcheck
):
    settings.TASKS = DATABASE_TASKS

    def crash(params, progress):
        raise MemoryError("out of memory while building")

    temporary_kind(name="tests.crash", build=crash, can_request=lambda u, p: True)
    temporary_kind(
        name="tests.refuse",
        build=lambda params, progress: (_ for _ in ()).throw(DocumentBuildError("No data.")),
        can_request=lambda u, p: True,
    )
    crashing = services.request_document("tests.crash", {}, user)
    refused = services.request_document("tests.refuse", {}, user)
    specimen = services.request_document("documents.specimen", {"copies": "2"}, user)
    # Nothing was built in the caller's process: three tasks wait in the database.
    for document in (crashing, refused, specimen):
        assert document.status == Status.QUEUED and document.task_id
    assert DBTaskResult.objects.filter(status="READY").count() == 3
    assert services.request_document("documents.specimen", {"copies": "2"}, user) == specimen

    run_worker_once()

    for document in (crashing, refused, specimen):
        document.refresh_from_db()
    assert crashing.status == Status.FAILED and "MemoryError" in crashing.error
    assert refused.status == Status.FAILED and refused.error == "No data."
    assert specimen.status == Status.DONE, specimen.error_detail
    assert specimen.progress_unit == "pages" and specimen.progress_done >= 3
    assert specimen.file.read().startswith(b"%PDF")
    results = {str(pk): state for pk, state in DBTaskResult.objects.values_list("id", "status")}
    assert results[crashing.task_id] == "FAILED"  # the worker recorded it and went on
    assert results[refused.task_id] == "SUCCESSFUL"
    assert results[specimen.task_id] == "SUCCESSFUL"
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_worker_builds_a_document_only_once(settings, user, counting_kind):
    settings.TASKS = DATABASE_TASKS
    document = services.request_document("tests.counted", {}, user)
    services.enqueue(document)  # a duplicate task for the same document
    run_worker_once()
    document.refresh_from_db()
    assert document.status == Status.DONE and counting_kind["builds"] == 1


def test_a_build_that_stopped_answering_can_be_retried(user):
    document = GeneratedDocument.objects.create(
        kind="documents.specimen", requested_by=user, status=Status.RUNNING
    )
    assert not document.can_retry
    GeneratedDocument.objects.filter(pk=document.pk).update(
        updated_at=timezone.now() - timedelta(hours=2)
    )
    document.refresh_from_db()
    assert document.is_stale and document.can_retry
    services.retry(document)
    document.refresh_from_db()
    assert document.status == Status.DONE


def test_file_is_deleted_with_the_last_record_using_it(
    user, other_user, counting_kind, django_capture_on_commit_callbacks
):
    first = services.request_document("tests.counted", {}, user)
    second = services.request_document("tests.counted", {}, other_user)
    storage, name = first.file.storage, first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    assert storage.exists(name)  # still used by the second record
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert not storage.exists(name)


def test_list_of_my_documents(client, user, other_user):
    services.request_document("documents.specimen", {}, user)
    client.force_login(other_user)
    assert "Script specimen" not in client.get(reverse("documents:list")).content.decode()
    client.force_login(user)
    assert "Script specimen" in client.get(reverse("documents:list")).content.decode()


def test_request_button_posts_the_parameters(rf, client, user):
    from django.template.loader import render_to_string

    request = rf.get("/fr/consultations/housing/")
    html = render_to_string(
        "documents/request_button.html",
        {"kind": "documents.specimen", "params": {"copies": 2}, "label": "PDF"},
        request=request,
    )
    assert f'action="{request_url("documents.specimen")}"' in html
    assert '<input type="hidden" name="copies" value="2">' in html
    assert '<input type="hidden" name="next" value="/fr/consultations/housing/">' in html
    assert "csrfmiddlewaretoken" in html


def _claimed_by_a_dead_worker(document, worker_ids=("dead-worker",)):
    """The worker took the build task, marked the document running, and was killed."""
    from participation.operations import workers

    long_ago = timezone.now() - timedelta(minutes=5)
    task = DBTaskResult.objects.get(pk=document.task_id)
    for worker_id in worker_ids:
        workers.beat(worker_id, long_ago)
        task.claim(worker_id)
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=long_ago)
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=Status.RUNNING, progress_done=7, progress_total=40, attempts=len(worker_ids)
    )
    return task


def test_a_build_whose_worker_died_is_rebuilt_without_retry(settings, user, counting_kind):
    from participation.operations.workers import recover_dead_tasks

    settings.TASKS = DATABASE_TASKS
    document = services.request_document("tests.counted", {}, user)
    task = _claimed_by_a_dead_worker(document)

    assert recover_dead_tasks()["requeued"] == 1
    document.refresh_from_db()
    # Queued again, no progress, not stale: the editor sees it coming, no retry button.
    assert document.status == Status.QUEUED and document.progress_done == 0
    assert not document.can_retry

    run_worker_once()
    document.refresh_from_db()
    task.refresh_from_db()
    assert document.status == Status.DONE and counting_kind["builds"] == 1
    assert document.attempts == 2 and task.status == "SUCCESSFUL"


def test_a_build_whose_worker_always_dies_fails_and_can_be_retried(settings, user, counting_kind):
    from participation.operations.workers import recover_dead_tasks

    settings.TASKS = DATABASE_TASKS
    document = services.request_document("tests.counted", {}, user)
    _claimed_by_a_dead_worker(document, ("w1", "w2", "w3"))

    assert recover_dead_tasks()["failed"] == 1
    document.refresh_from_db()
    assert document.status == Status.FAILED and "worker" in document.error
    assert "3 attempts" in document.error_detail
    assert document.can_retry
    services.retry(document)
    run_worker_once()
    document.refresh_from_db()
    assert document.status == Status.DONE and counting_kind["builds"] == 1
