"""The embedded default never loses a write: people save consultation drafts and submit them,
save expert applications (with a CV), award nominations and their profiles, an editor publishes
a page in the admin, and the task worker runs the queued confirmations, all at once.

Against a real server: gunicorn (2 worker processes x 4 threads, bench/consultations_bench's
``Server``) and ``manage.py db_worker`` beside it, over a SQLite FILE (the test database, copied
to a file: an in-memory database cannot be shared between processes), or over the PostgreSQL
test database when DATABASE_URL is set. Every request must be answered without a server error
(no 5xx, not even a 503), and every acknowledged save must be stored.

On the site's settings before IMMEDIATE transactions and a busy timeout, saves failed here with
"database is locked" (see the README)."""

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import migration_data
import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from writes_helpers import (
    OUTCOME,
    PDF,
    build_calls,
    details_data,
    draft_step_data,
    nomination_data,
    profile_data,
    route,
)

from bench import consultations_bench as bench  # gunicorn on a free loopback port

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 4  # saves per person
PEOPLE = {"drafter": 5, "applicant": 3, "nominator": 3, "profile": 3, "editor": 1}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.alone]


@pytest.fixture(autouse=True)
def _migration_rows(transactional_db):
    # A transactional test starts from whatever the last one left (flushed: no site).
    migration_data.restore_if_flushed()


def _session(user) -> str:
    """A signed-in session, as a sign-in leaves it (the two-factor check passed)."""
    from importlib import import_module

    from participation.accounts.middleware import MFA_CHECKED_UNTIL

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            MFA_CHECKED_UNTIL: time.time() + 3600,
        }
    )
    store.create()
    return store.session_key


def _people(calls, make_user):
    """Each person with a session and what they work on, made through the services."""
    from awards import services as award_services
    from consultations.demo_responses import _recognition_answers
    from consultations.models import Response
    from expertgroup import services as expert_services
    from participation.submissions import services as submissions
    from themes.models import Theme

    themes = list(Theme.objects.order_by("sort_order").values_list("pk", flat=True)[:2])
    people = []
    for kind, count in PEOPLE.items():
        for n in range(count):
            user = make_user(f"{kind}{n}@example.org", display_name=f"{kind} {n}")
            person = {"kind": kind, "n": n, "user": user, "session": _session(user), "acked": []}
            if kind == "drafter":
                draft, _ = submissions.start_or_resume(
                    Response, "consultation", calls.consultation, user, country="DE"
                )
                # Every required answer given, so that the draft can be submitted at the end.
                answers = _recognition_answers(random.Random(n), n)[1]
                Response.objects.filter(pk=draft.pk).update(answers=answers)
                person["item"] = draft
            elif kind == "applicant":
                person["item"], _ = expert_services.start_application(calls.call, user)
                person["themes"] = themes
            elif kind == "nominator":
                category = calls.edition.categories.first()
                person["item"] = award_services.start(
                    calls.edition, user, category=category, kind="self"
                )
            elif kind == "editor":
                user.is_staff = user.is_superuser = True
                user.save()
            people.append(person)
    return people


class Rush:
    """The requests of everyone at once, each person's in order (as a person would)."""

    def __init__(self, server):
        self.server = server
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.failures = []  # (person, what, status, start of the body)

    def post(self, person, path, data, expect):
        body = encode_multipart(BOUNDARY, data)
        headers = {
            "Content-Type": MULTIPART_CONTENT,
            "Cookie": f"csrftoken={'c' * 32}; {settings.SESSION_COOKIE_NAME}={person['session']}",
        }
        try:
            status, location, content = self.server.request("POST", path, body, headers)
        except OSError as error:
            status, location, content = None, "", str(error).encode()
        acknowledged = status == 302 and expect in location
        with self.lock:
            self.statuses[status] += 1
            if not acknowledged:
                self.failures.append((person["kind"], path, status, content[:300]))
        return acknowledged

    def run(self, person):
        """In a thread of its own: no database here (page URLs are worked out beforehand)."""
        kind, n = person["kind"], person["n"]
        item = person.get("item")
        for round_ in range(ROUNDS):
            text = f"{kind} {n}, save {round_}"
            version = item.version + len(person["acked"]) if item else None
            if kind == "drafter":
                data = draft_step_data(version, text)
            elif kind == "applicant":
                data = {**details_data(version, person["themes"], text), "action": "save"}
                data["cv"] = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")
            elif kind == "nominator":
                data = nomination_data(version, text)
            elif kind == "profile":
                data = profile_data(text)
            else:  # the editor publishes the page again, from the admin's bulk action
                data = {}
            data["csrfmiddlewaretoken"] = "c" * 32
            expect = "/x/" if kind == "editor" else person["path"]  # a save: back to its form
            if self.post(person, person["path"], data, expect):
                person["acked"].append(text)
        if kind == "drafter":  # and submit: queues the confirmation the worker sends
            path = reverse("consultations:submit", args=[item.pk])
            data = {"csrfmiddlewaretoken": "c" * 32, "publication": "anonymous"}
            person["submitted"] = self.post(person, path, data, f"/{item.pk}/done/")


def _form_path(person, calls) -> str:
    """Where this person's saves go (page URLs query the database: worked out beforehand)."""
    item = person.get("item")
    if person["kind"] == "drafter":
        return route(calls.consultation, "respond_step", item.pk, 0)
    if person["kind"] == "applicant":
        return route(calls.call, "apply_details", item.pk)
    if person["kind"] == "nominator":
        return calls.edition.route_url("nominate_edit", item.pk)
    if person["kind"] == "profile":
        return reverse("accounts:profile")
    return f"/admin/bulk/wagtailcore/page/publish/?id={calls.article.pk}&next=/x/"


def _server_database(tmp_path) -> str:
    """The database URL the server and worker use: a file copy of the SQLite test database,
    or the PostgreSQL test database itself."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"
    user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{user}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def _read_back(url: str) -> None:
    """SQLite: copy the file the server wrote back into the test database, to check it.
    PostgreSQL: wait until the stopped processes' sessions are gone (the test database is
    flushed, then dropped, after the test)."""
    if connection.vendor == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite:///")) as stored:
            stored.backup(connection.connection)
        stored.close()
        return
    others = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + 15
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(others)
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.2)


def _task_statuses(url: str) -> Counter:
    """The statuses of the queued tasks, in the database the worker uses."""
    from django_tasks_db.models import DBTaskResult

    if connection.vendor != "sqlite":
        return Counter(DBTaskResult.objects.values_list("status", flat=True))
    with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=20) as db:
        rows = db.execute(f"SELECT status FROM {DBTaskResult._meta.db_table}").fetchall()
    db.close()
    return Counter(status for (status,) in rows)


def _wait_for_tasks(url: str, seconds: float) -> Counter:
    """Until the worker has run every queued task (or `seconds` have passed)."""
    deadline = time.monotonic() + seconds
    while True:
        statuses = _task_statuses(url)
        if not (statuses["READY"] or statuses["RUNNING"]) or time.monotonic() > deadline:
            return statuses
        time.sleep(0.3)


def test_concurrent_saves_and_worker_lose_nothing(home_page, make_user, tmp_path):
    from awards.models import Nomination
    from consultations.models import Response
    from expertgroup.models import Application
    from participation.audit.services import history

    began = time.monotonic()
    calls = build_calls(home_page)
    people = _people(calls, make_user)
    for person in people:
        person["path"] = _form_path(person, calls)
    url = _server_database(tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "writes_settings",
        "DATABASE_URL": url,
        "WP_WRITES_MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site"), str(Path(__file__).parent)]),
        "GUNICORN_CMD_ARGS": "--threads 4",
    }
    server = worker = None
    connection.close()  # the server and the worker are the writers now
    try:
        server = bench.Server(env, str(tmp_path))
        log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
        worker = subprocess.Popen(
            [sys.executable, "site/manage.py", "db_worker", "--interval", "0.2"]
            + ["--no-startup-delay", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        rush = Rush(server)
        threads = [threading.Thread(target=rush.run, args=(p,), daemon=True) for p in people]
        rush_began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:  # bounded: a stuck server fails the test, never hangs it
            thread.join(max(0.0, rush_began + 120 - time.monotonic()))
        assert not any(thread.is_alive() for thread in threads), "the saves took over 120 s"
        submitted = [p for p in people if p.get("submitted")]
        tasks = _wait_for_tasks(url, 30)
        worker_alive = worker.poll() is None
        rush_took = time.monotonic() - rush_began
    finally:
        if worker is not None:
            worker.terminate()  # the worker we started, by its process
            worker.wait(30)
            log.close()
        if server is not None:
            server.stop()
    _read_back(url)

    # Every acknowledged save is stored, once, in order: the versions count them.
    attempted = sum(ROUNDS for _ in people) + PEOPLE["drafter"]
    acknowledged = sum(len(p["acked"]) for p in people) + len(submitted)
    stored = 0
    for person in people:
        kind, acked = person["kind"], person["acked"]
        if kind == "drafter":
            item = Response.objects.get(pk=person["item"].pk)
            assert item.version == person["item"].version + len(acked) + bool(
                person.get("submitted")
            )
            assert acked[-1] in str(item.answers[OUTCOME])
            assert item.is_submitted == bool(person.get("submitted"))
            stored += history(item).filter(action="draft.saved").count() + item.is_submitted
        elif kind == "applicant":
            item = Application.objects.get(pk=person["item"].pk)
            assert item.version == person["item"].version + len(acked)
            assert item.motivation == acked[-1] and item.cv
            stored += item.version - person["item"].version
        elif kind == "nominator":
            item = Nomination.objects.get(pk=person["item"].pk)
            assert item.version == person["item"].version + len(acked)
            assert item.description == acked[-1]
            stored += item.version - person["item"].version
        elif kind == "profile":
            person["user"].refresh_from_db()
            assert person["user"].display_name == acked[-1]
            stored += len(acked)  # the last one is what is stored; each was a whole save
        else:
            from wagtail.models import PageLogEntry

            publishes = PageLogEntry.objects.filter(page=calls.article, action="wagtail.publish")
            assert publishes.count() == 1 + len(acked)  # its first publication, then these
            stored += len(acked)
    figures = (
        f"{connection.vendor}: {attempted} saves attempted, {acknowledged} acknowledged, "
        f"{stored} stored, statuses {dict(rush.statuses)}, tasks {dict(tasks)}; "
        f"{rush_took:.1f} s of {time.monotonic() - began:.1f} s with the rush and the tasks"
    )
    print(figures)  # noqa: T201 - the figures of the run, shown with -s
    server_errors = [f for f in rush.failures if f[2] is None or f[2] >= 500]
    # The server's log holds the traceback of a 500: shown, so a rare one can be understood.
    server_log = Path(server.log_path).read_text(errors="replace")[-4000:] if server else ""
    assert not server_errors, f"{figures}\n{server_errors[:5]}\n{server_log}"
    assert not rush.failures, f"{figures}\n{rush.failures[:5]}"
    assert acknowledged == attempted and stored == acknowledged, figures
    assert worker_alive, (tmp_path / "worker.log").read_text()[-3000:]
    # Every queued task ran (the consultations' confirmations among them), none failed.
    assert set(tasks) == {"SUCCESSFUL"} and tasks["SUCCESSFUL"] >= len(submitted), figures
    # The answer counts, changed by submits racing each other, equal a recount.
    from consultations import counts

    for consultation_id in {p["item"].consultation_id for p in people if p["kind"] == "drafter"}:
        assert counts.current(consultation_id) == counts.recount(consultation_id)
        heard = counts.summary(consultation_id)["totals"]["responses"]
        assert heard == counts.counted_responses(consultation_id).count() >= len(submitted)
