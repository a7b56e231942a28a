"""The one scheduler of the periodic jobs (participation/operations/periodic.py)."""

import signal
import time

from django.core.management import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from participation.operations import periodic

# Sleep at most this long between looks, so a new job or a changed row is seen soon.
MAX_SLEEP_SECONDS = 30


class Command(BaseCommand):
    help = (
        "Run every periodic job at its interval (publish_scheduled, reminders, erasures, "
        "pruning, clearsessions, ...), once per interval across all nodes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="run the jobs that are due now, then exit"
        )
        parser.add_argument(
            "--list", action="store_true", dest="list_jobs", help="list the jobs and exit"
        )

    def handle(self, *args, once=False, list_jobs=False, **options):
        jobs = periodic.all_jobs()
        if list_jobs:
            for job in jobs:
                self.stdout.write(f"{job.name}\tevery {job.interval}")
            return
        if once:
            results = periodic.run_due_jobs(timezone.now, jobs)
            failed = [name for name, ok in results.items() if not ok]
            summary = f"Ran {len(results)} due job(s)"
            self.stdout.write(summary + (f"; failed: {', '.join(failed)}" if failed else ""))
            if failed:
                raise SystemExit(1)
            return
        self._stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.stdout.write(f"Scheduler started with {len(jobs)} jobs.")
        while not self._stopping:
            close_old_connections()
            periodic.run_due_jobs(timezone.now, jobs)
            try:
                wait = periodic.seconds_until_next(timezone.now, jobs)
            except Exception:  # database down: look again soon
                wait = MAX_SLEEP_SECONDS
            deadline = time.monotonic() + min(max(wait, 1.0), MAX_SLEEP_SECONDS)
            while not self._stopping and time.monotonic() < deadline:
                time.sleep(0.5)
        self.stdout.write("Scheduler stopped.")

    def _stop(self, signum, frame):
        self._stopping = True
