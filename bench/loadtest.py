"""Load test: no lost submission at the deadline, against a real server.

    .venv/bin/python bench/loadtest.py [--sqlite] [--drafts 400] [--clients 16]

gunicorn (2 workers, `portal.wsgi`) on a free loopback port over a throw-away database
(PostgreSQL `wp_loadtest` on 127.0.0.1:5432 by default, created and dropped here; `--sqlite`
for a SQLite file). A consultation closes a few seconds after the rush starts (no grace). Each
of `--drafts` (300) signed-in people has a complete draft and presses "Submit" at a random moment
around the deadline; a third press twice at once (a double click, two connections), and one
gunicorn worker is killed (SIGKILL) in the middle of the rush. A request that fails at the
connection (the killed worker's) is retried, as a person would.

Then it checks, in the database:
- every acknowledged submission (a 302 to its "done" page) is stored, submitted, once: one
  response per person, one receipt, one "submitted" event in the audit trail;
- nothing was accepted after the deadline (submitted_at < closes_at), and every press after it
  was refused;
- every draft not submitted is still there, as a draft, with its answers unchanged.

While the answers arrive, the answer counts are rebuilt from the answers again and again
(``rebuild_counts``, what `manage.py rebuild_answer_counts` runs): a rebuild that has to correct
anything means the counts were wrong, and at the end they must equal a full recount.

`--burst`: 1,000 drafts (unless `--drafts` says otherwise) whose presses all fall within the
last second before the close, from 64 clients, with a grace period of a minute (as a
consultation should have): every draft must be submitted, and no press may wait 30 s or more.

Bounded: at most `--seconds` for the rush (default 60) and a hard stop after 240 s. Prints the
figures and exits 1 if any check fails. `make loadtest` runs both; .ci/run runs that.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import consultations_bench as cb  # noqa: E402  (Database, Server, drafts, sessions, CSRF)

cb.PG_NAME = "wp_loadtest"  # its own database, never the consultations bench's


def worker_pids(master: int) -> list[int]:
    try:
        with open(f"/proc/{master}/task/{master}/children") as children:
            return [int(pid) for pid in children.read().split()]
    except OSError:
        return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--postgres-url", default=cb.DEFAULT_POSTGRES_URL)
    parser.add_argument("--drafts", type=int)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--deadline-after", type=float, default=8.0)
    parser.add_argument(
        "--burst", action="store_true", help="1,000 presses within the second before the deadline"
    )
    args = parser.parse_args()
    args.drafts = args.drafts or (1000 if args.burst else 300)
    args.clients = args.clients or (64 if args.burst else 16)
    signal.alarm(240)  # whatever happens, the load test stops by itself

    began = time.perf_counter()
    database = cb.Database(not args.sqlite, args.postgres_url)
    env = cb.django_env(database.url, database.media)
    server = None
    try:
        cb.setup_django(env)
        from baseline_app.benchdata import build_site
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from consultations.models import ConsultationPage, Response
        from participation.audit.models import AuditEvent

        call_command("migrate", verbosity=0, interactive=False)
        consultation, _ = build_site()
        grace = timedelta(minutes=1 if args.burst else 0)
        ConsultationPage.objects.filter(pk=consultation.pk).update(
            grace_minutes=grace.seconds // 60
        )
        drafts = cb.make_drafts(consultation, args.drafts, prefix="load")
        before = {r.pk: r.answers for r in Response.objects.filter(consultation=consultation)}
        connection.close()
        server = cb.Server(env, database.tmp)
        cookie, token = cb.csrf_pair()
        body = urlencode({"csrfmiddlewaretoken": token, "publication": "anonymous"}).encode()
        from django.conf import settings

        # The deadline: a few seconds into the rush; presses spread over 1.8x that time.
        start = time.time()
        closes_at = timezone.now() + timedelta(seconds=args.deadline_after + 1.0)
        ConsultationPage.objects.filter(pk=consultation.pk).update(closes_at=closes_at)
        connection.close()
        spread = (args.deadline_after + 1.0) * 1.8
        if args.burst:  # every first press within the last second before the deadline
            earliest, latest = args.deadline_after, args.deadline_after + 1.0
        else:
            earliest, latest = 0.5, spread
        rng = random.Random(8)
        presses = []  # (when, draft, copy)
        for draft in drafts:
            when = start + rng.uniform(earliest, latest)
            presses.append((when, draft, 0))
            if rng.random() < 1 / 3:  # a double click: the same press, twice, at once
                presses.append((when + rng.uniform(0, 0.05), draft, 1))
        presses.sort(key=lambda press: press[0])

        lock = threading.Lock()
        index = iter(range(len(presses)))
        # (draft id, when sent, acknowledged, status, retries, latency, seconds since the press)
        outcomes = []
        connection_errors = [0]
        stop_at = time.perf_counter() + args.seconds

        def client():
            while time.perf_counter() < stop_at:
                with lock:
                    i = next(index, None)
                if i is None:
                    return
                when, draft, _copy = presses[i]
                pause = when - time.time()
                if pause > 0:
                    time.sleep(pause)
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"{cookie}; {settings.SESSION_COOKIE_NAME}={draft.session_key}",
                }
                sent, retries, status, location = time.time(), 0, None, ""
                t0 = time.perf_counter()
                while retries < 4:
                    try:
                        status, location, _ = server.request("POST", draft.path, body, headers)
                        break
                    except OSError:  # the killed worker's connection: press again
                        with lock:
                            connection_errors[0] += 1
                        retries += 1
                        time.sleep(0.2)
                acknowledged = status == 302 and f"/{draft.response_id}/done/" in location
                with lock:
                    outcomes.append(
                        (
                            draft.response_id,
                            sent,
                            acknowledged,
                            status,
                            retries,
                            time.perf_counter() - t0,
                            time.time() - when,  # as the person lived it, from the press
                        )
                    )

        def killer():
            # Kill a worker (one of the gunicorn we started, by its id; the master respawns
            # it) in the middle of the rush, again every second until one was caught in the
            # middle of a request (a connection error), at most 4 times.
            time.sleep(args.deadline_after * 0.5)
            while len(killed) < 4 and not connection_errors[0]:
                pids = worker_pids(server.process.pid)
                if pids:
                    os.kill(pids[len(killed) % len(pids)], signal.SIGKILL)
                    killed.append(pids[0])
                time.sleep(1.0)

        rebuilds = []  # (seconds, corrections) of each rebuild during the rush
        rush_over = threading.Event()

        def rebuilder():
            # Rebuild the counts from the answers while they arrive, as an operator may; under
            # the consultation's lock a rebuild sees every submit either whole or not at all.
            from consultations.services import rebuild_counts

            try:
                while not rush_over.is_set():
                    t0 = time.perf_counter()
                    corrected = rebuild_counts(consultation.pk)
                    rebuilds.append((time.perf_counter() - t0, len(corrected)))
                    rush_over.wait(0.5)
            finally:
                connection.close()

        killed: list[int] = []
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        threads.append(threading.Thread(target=killer))
        rebuilding = threading.Thread(target=rebuilder)
        rush = time.perf_counter()
        rebuilding.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rush = time.perf_counter() - rush
        rush_over.set()
        rebuilding.join()

        # --- checks, in the database
        problems = []
        deadline_ts = closes_at.timestamp()
        acknowledged = {o[0] for o in outcomes if o[2]}
        responses = {r.pk: r for r in Response.objects.filter(consultation=consultation)}
        submitted = {pk for pk, r in responses.items() if r.status == "submitted"}
        per_user = Counter(r.user_id for r in responses.values())
        receipts = Counter(r.receipt_number for r in responses.values() if r.receipt_number)
        from django.contrib.contenttypes.models import ContentType

        events = Counter(
            AuditEvent.objects.filter(
                action="submitted", content_type=ContentType.objects.get_for_model(Response)
            ).values_list("object_id", flat=True)
        )
        if acknowledged - submitted:
            problems.append(f"{len(acknowledged - submitted)} acknowledged but not stored")
        if any(n > 1 for n in per_user.values()):
            problems.append("a person has more than one response")
        if any(n > 1 for n in receipts.values()):
            problems.append("a receipt number was given twice")
        if any(events[str(pk)] != 1 for pk in submitted) or set(events) - {
            str(pk) for pk in submitted
        }:
            problems.append("a submission was recorded more than once (or not at all)")
        accepts_until = closes_at + grace
        late = [pk for pk in submitted if responses[pk].submitted_at >= accepts_until]
        if late:
            problems.append(f"{len(late)} submissions accepted after the deadline")
        late_acks = [o for o in outcomes if o[2] and o[1] > accepts_until.timestamp() + 1.0]
        if late_acks:
            # acknowledged presses sent after the deadline must be second presses of a
            # response submitted in time (the same receipt again), never a new submission
            if any(
                o[0] not in submitted or responses[o[0]].submitted_at >= accepts_until
                for o in late_acks
            ):
                problems.append("a press after the deadline was accepted")
        lost = [
            pk
            for pk, answers in before.items()
            if pk not in responses or responses[pk].answers != answers
        ]
        if lost:
            problems.append(f"{len(lost)} drafts lost or changed")
        if len(submitted - acknowledged) > connection_errors[0]:
            problems.append("stored submissions nobody was told about, beyond killed requests")
        if not killed:
            problems.append("no worker was killed (the test did not test that)")
        server_errors = [o for o in outcomes if o[3] is not None and o[3] >= 500]
        if server_errors:
            problems.append(f"{len(server_errors)} server errors")
        if args.burst and len(submitted) != len(drafts):
            problems.append(f"{len(drafts) - len(submitted)} drafts pressed in time not submitted")
        slow = [o for o in outcomes if o[6] >= 30.0]
        if slow:
            problems.append(f"{len(slow)} presses waited 30 s or more for an answer")
        from consultations import counts

        table, recounted = counts.current(consultation.pk), +counts.recount(consultation.pk)
        if table != recounted:
            problems.append(f"{len(set(table) ^ set(recounted))} answer counts differ")
        if not rebuilds:
            problems.append("no rebuild ran during the rush (the test did not test that)")
        if any(corrected for _, corrected in rebuilds):
            problems.append("a rebuild during the rush had counts to correct")

        before_deadline = sum(1 for o in outcomes if o[1] < deadline_ts)
        latencies = [o[5] for o in outcomes if o[3] is not None]
        engine = "SQLite" if args.sqlite else "PostgreSQL"
        lines = [
            f"Load test at the deadline ({engine}, gunicorn 2 workers, {args.clients} clients"
            + (", a burst in the last second)" if args.burst else ")"),
            f"  drafts: {len(drafts)}; presses: {len(outcomes)} "
            f"({len(outcomes) - len(drafts)} double clicks), "
            f"{before_deadline} sent before the deadline",
            f"  acknowledged: {sum(1 for o in outcomes if o[2])} presses for "
            f"{len(acknowledged)} responses; stored as submitted: {len(submitted)}; "
            f"refused after the deadline: {sum(1 for o in outcomes if not o[2])}",
            f"  workers killed mid-rush: {len(killed)}; requests cut and retried: "
            f"{connection_errors[0]}; server errors: {len(server_errors)}",
            f"  drafts intact: {len(before) - len(lost)}/{len(before)}; "
            f"rush {rush:.1f} s, {len(outcomes) / rush:.0f} presses/s, latency p50 "
            f"{statistics.median(latencies) * 1000:.0f} ms, p95 "
            f"{statistics.quantiles(latencies, n=20)[18] * 1000:.0f} ms; from the press to the "
            f"answer at most {max(o[6] for o in outcomes):.1f} s",
            f"  counts rebuilt {len(rebuilds)} times during the rush (longest "
            f"{max((r[0] for r in rebuilds), default=0) * 1000:.0f} ms), corrections: "
            f"{sum(r[1] for r in rebuilds)}; counts equal a full recount: "
            f"{'yes' if table == recounted else 'NO'}",
            f"  total {time.perf_counter() - began:.1f} s",
            "  result: "
            + (
                "OK: no lost or late submission"
                if not problems
                else "FAILED: " + "; ".join(problems)
            ),
        ]
        print("\n".join(lines))  # noqa: T201
        if problems and server is not None:
            print(server.log_tail())  # noqa: T201
        return 1 if problems else 0
    finally:
        if server is not None:
            server.stop()
        try:
            from django.db import connection

            connection.close()
        except Exception:  # noqa: BLE001, S110 - the database is dropped next anyway
            pass
        database.drop(keep=False)


if __name__ == "__main__":
    sys.exit(main())
