"""The periodic job scheduler: intervals on a fake clock, failures, two schedulers, --once."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from participation.operations import periodic
from participation.operations.models import PeriodicJobState
from participation.operations.periodic import PeriodicJob

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now=START):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


def _recording_jobs(calls, fail=()):
    def make(name):
        def run():
            calls.append(name)
            if name in fail:
                raise RuntimeError(f"{name} broke")

        return run

    return [
        PeriodicJob("every_minute", timedelta(minutes=1), func=make("every_minute")),
        PeriodicJob("hourly", timedelta(hours=1), func=make("hourly")),
        PeriodicJob("daily", timedelta(days=1), func=make("daily")),
    ]


def test_registry_has_every_periodic_job_of_core_and_plugins():
    jobs = {job.name: job.interval for job in periodic.all_jobs()}
    assert jobs == {
        "publish_scheduled": timedelta(minutes=1),
        "send_deadline_reminders": timedelta(hours=1),
        "erase_expired_personal_data": timedelta(days=1),
        "prune_generated_documents": timedelta(days=1),
        "erase_expertgroup_data": timedelta(days=1),
        "prune_db_task_results": timedelta(days=1),
        "clearsessions": timedelta(days=1),
        "recover_dead_tasks": timedelta(minutes=1),
        "detect_answer_languages": timedelta(minutes=1),
        "translate_answers": timedelta(minutes=1),
        "prune_machine_translations": timedelta(days=1),
    }


@pytest.mark.django_db
def test_periodic_jobs_run_once_per_interval_on_a_fake_clock():
    clock, calls = FakeClock(), []
    jobs = _recording_jobs(calls)
    assert periodic.run_due_jobs(clock, jobs) == {
        "every_minute": True,
        "hourly": True,
        "daily": True,
    }
    clock.advance(seconds=30)
    assert periodic.run_due_jobs(clock, jobs) == {}
    clock.advance(seconds=30)
    assert periodic.run_due_jobs(clock, jobs) == {"every_minute": True}
    for _ in range(59):
        clock.advance(minutes=1)
        periodic.run_due_jobs(clock, jobs)
    assert calls.count("every_minute") == 61
    assert calls.count("hourly") == 2
    assert calls.count("daily") == 1
    clock.advance(days=1)
    periodic.run_due_jobs(clock, jobs)
    assert calls.count("daily") == 2
    state = PeriodicJobState.objects.get(name="daily")
    assert state.next_run_at == clock.now + timedelta(days=1)
    assert state.last_succeeded is True


@pytest.mark.django_db
def test_periodic_job_that_fails_is_logged_and_the_others_still_run(caplog):
    clock, calls = FakeClock(), []
    jobs = _recording_jobs(calls, fail={"every_minute"})
    assert periodic.run_due_jobs(clock, jobs) == {
        "every_minute": False,
        "hourly": True,
        "daily": True,
    }
    state = PeriodicJobState.objects.get(name="every_minute")
    assert state.last_succeeded is False
    assert "every_minute broke" in state.last_error
    failure = [r for r in caplog.records if r.levelname == "ERROR"]
    assert failure and "every_minute" in failure[0].getMessage() and failure[0].exc_info
    # Tried again at its next interval, not in a tight loop.
    clock.advance(seconds=59)
    assert periodic.run_due_jobs(clock, jobs) == {}
    clock.advance(seconds=1)
    assert periodic.run_due_jobs(clock, jobs) == {"every_minute": False}


@pytest.mark.django_db
def test_two_schedulers_run_a_job_once_per_interval():
    clock, calls = FakeClock(), []
    node_a = _recording_jobs(calls)
    node_b = _recording_jobs(calls)
    periodic.run_due_jobs(clock, node_a)
    periodic.run_due_jobs(clock, node_b)
    assert sorted(calls) == ["daily", "every_minute", "hourly"]
    # A minute later both find the first job due: the first to claim it wins.
    clock.advance(minutes=1)
    assert periodic.claim(node_a[0], clock()) is True
    assert periodic.claim(node_b[0], clock()) is False


@pytest.mark.django_db
def test_claim_loses_when_another_scheduler_moved_the_due_time_in_between(monkeypatch):
    clock = FakeClock()
    job = PeriodicJob("hourly", timedelta(hours=1), func=lambda: None)
    PeriodicJobState.objects.create(name="hourly", next_run_at=START)
    real_state = periodic._state

    def state_then_other_node_claims(job, now):
        state = real_state(job, now)  # this scheduler reads "due"...
        PeriodicJobState.objects.filter(name=job.name).update(  # ...another claims it first
            next_run_at=now + job.interval
        )
        return state

    monkeypatch.setattr(periodic, "_state", state_then_other_node_claims)
    assert periodic.claim(job, clock()) is False


@pytest.mark.django_db
def test_run_periodic_once_runs_every_real_job():
    out = io.StringIO()
    call_command("run_periodic", "--once", stdout=out)
    assert "Ran 11 due job(s)" in out.getvalue()
    states = PeriodicJobState.objects.all()
    assert {s.name for s in states} == {job.name for job in periodic.all_jobs()}
    assert all(s.last_succeeded for s in states), [(s.name, s.last_error) for s in states]
    # Nothing is due right after: a systemd timer calling --once every minute runs nothing twice.
    out = io.StringIO()
    call_command("run_periodic", "--once", stdout=out)
    assert re.search(r"Ran [0123] due job\(s\)", out.getvalue()), out.getvalue()


@pytest.mark.django_db
def test_run_periodic_publishes_a_scheduled_page(home_page):
    from django.utils import timezone
    from wagtail.models import Page

    page = home_page.add_child(instance=Page(title="Scheduled", slug="scheduled", live=False))
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    call_command("run_periodic", "--once", stdout=io.StringIO())
    page.refresh_from_db()
    assert page.live


@pytest.mark.django_db
def test_run_periodic_list_names_every_job():
    out = io.StringIO()
    call_command("run_periodic", "--list", stdout=out)
    for job in periodic.all_jobs():
        assert job.name in out.getvalue()
