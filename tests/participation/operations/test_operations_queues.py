"""Task queues by kind of work: each task names its kind; PARTICIPATION_TASK_QUEUES sends kinds
to queues of their own, which workers started with --queue-name serve (and no other worker)."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from monitoring.tasks import notify_followers
from participation.operations.queues import parse_task_queues, queue_for, queue_names

ROOT = Path(__file__).resolve().parents[3]


def test_the_setting_is_read_and_a_typo_refused_with_the_reason():
    assert parse_task_queues(None) == {} and parse_task_queues(" ") == {}
    assert parse_task_queues("documents=pdf, mail = mail") == {"documents": "pdf", "mail": "mail"}
    assert queue_names({"documents": "pdf", "mail": "mail"}) == ["default", "mail", "pdf"]
    for wrong in ("document=pdf", "mail=", "mail"):
        with pytest.raises(ImproperlyConfigured, match="kind=queue"):
            parse_task_queues(wrong)
    with pytest.raises(ValueError):
        queue_for("emails")


def test_by_default_every_kind_is_on_the_one_default_queue():
    assert {queue_for(kind) for kind in ("mail", "documents", "analysis")} == {"default"}
    assert notify_followers.queue_name == "default"


def test_each_task_goes_to_its_kinds_queue_when_the_operator_names_them():
    """Task queues are bound when the tasks are defined: a fresh process with the setting."""
    script = (
        "import django; django.setup()\n"
        "from django_tasks import default_task_backend as b\n"
        "from consultations import tasks as c; from awards import tasks as a\n"
        "from expertgroup import tasks as e; from monitoring import tasks as m\n"
        "from participation.documents.tasks import build_generated_document as d\n"
        "print(sorted(b.queues))\n"
        "print(c.send_confirmation.queue_name, c.notify_outcome.queue_name,"
        " c.send_deadline_reminders.queue_name, a.send_receipt.queue_name,"
        " a.send_confirmation_request.queue_name, a.notify_outcome.queue_name,"
        " e.send_receipt.queue_name, e.send_letter.queue_name, m.notify_followers.queue_name)\n"
        "print(d.queue_name, c.detect_campaigns.queue_name)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "site"), str(ROOT)]),
        "PARTICIPATION_TASK_QUEUES": "documents=pdf,mail=mail,analysis=slow",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["['default', 'mail', 'pdf', 'slow']", " ".join(["mail"] * 9), "pdf slow"]


def run_worker(queue_name):
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "db_worker", batch=True, interval=0, reload=False, verbosity=0, queue_name=queue_name
        )


@pytest.mark.django_db
def test_a_worker_serves_only_its_queues(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}
    }
    result = notify_followers.using(queue_name="mail").enqueue(999999)  # no such commitment: 0
    run_worker("default")  # the general worker leaves the mail queue alone
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
    run_worker("mail")
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
