"""Benchmark of the bulk import of answers (issue 20 point 3), beside ``bulk_create``.

    .venv/bin/python bench/importing_bench.py [--quick] [--keep]

In a throw-away SQLite database (a new folder under /tmp, settings of bench/bench_settings.py),
two consultations with the demo's recognition questionnaire (six questions: yes/no, a choice
with "other", a scale, a multiple choice, a free text, a consent). A CSV in the template's
format with 50,000 rows (5,000 with ``--quick``) of varied answers: labels and values, several
channels, texts of 40-400 characters, and a second copy whose 49,999th row is wrong.

Measures:

1. the import (``consultations.importing.run`` with ``commit``: read, every row checked by the
   questionnaire engine, inserted in chunks, counts applied, in one transaction) in rows/s,
   against inserting the same answers (the same dicts, built beforehand) with
   ``Response.objects.bulk_create`` in chunks of 1,000 in one transaction, in the same run.
   Target: at least 0.3x.
2. the growth of the peak resident memory (VmHWM, reset before through /proc/self/clear_refs)
   during the check and the import of the file. Target: under 100 MB.
3. the dry run of the file whose 49,999th row is wrong: refused, nothing imported, that row
   named with its reason (target: both hold).

``rows()`` gives the rows to bench/run_bench.py (part "importing").
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import shutil
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SITE = ROOT / "site"
RESULTS = BENCH / "results"
TARGET_RATIO = 0.3
TARGET_GROWTH_MB = 100
CHUNK = 1000

sys.path.insert(0, str(BENCH))
import bench_migrate  # noqa: E402
from bench_table import make_row, render  # noqa: E402


def _setup(tmp: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        WP_BENCH_DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
        WP_BENCH_MEDIA_ROOT=os.path.join(tmp, "media"),
        PRIVATE_MEDIA_ROOT=os.path.join(tmp, "private"),
    )
    for path in (str(ROOT), str(BENCH), str(SITE)):
        if path not in sys.path:
            sys.path.insert(0, path)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()


def _kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # resets VmHWM to the current RSS
        return True
    except OSError:
        return False


def consultations():
    from django.utils import timezone
    from wagtail.models import Locale, Page, Site

    from consultations.demo_questionnaire import recognition_questionnaire
    from consultations.models import ConsultationIndexPage, ConsultationPage
    from portal.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Home", slug="bench-home", locale=Locale.get_default())
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    index = home.add_child(instance=ConsultationIndexPage(title="C", slug="consult"))
    now = timezone.now()
    pages = []
    for slug in ("imported", "baseline"):
        page = index.add_child(
            instance=ConsultationPage(
                title=f"Bench {slug}",
                slug=slug,
                intro="x",
                opens_at=now - timedelta(days=10),
                closes_at=now + timedelta(days=10),
                questionnaire=recognition_questionnaire(),
            )
        )
        page.save_revision().publish()
        pages.append(ConsultationPage.objects.get(pk=page.pk))
    return pages


OUTCOMES = [("full", "Fully recognised"), ("partial", "Partly recognised"), ("refused", "Refused")]
PRIORITIES = [
    ("cost", "Lower fees"),
    ("time", "Shorter waiting times"),
    ("digital", "Online applications"),
]
WORDS = "recognition papers months fees course language office waiting diploma nurse".split()


def answer_rows(count: int, seed: int = 5):
    """(CSV cells by key, the answers the import stores, fixed fields) for each row."""
    from consultations.demo_questionnaire import qid

    rng = random.Random(seed)  # noqa: S311 - made-up answers
    for n in range(count):
        applied = rng.random() < 0.7
        cells = {
            "respondent_type": "individual",
            "country": rng.choice(["DE", "FR", "IT", "SE"]),
            "language": rng.choice(["en", "fr", "ar"]),
            "publication": "",
            "channel": rng.choice(["paper", "workshop", ""]),
            "applied": "yes" if applied else "no",
            "outcome": "",
            "difficulty": "",
            "priorities": "",
            "proposal": " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 50))),
            "consent": "yes",
        }
        answers = {qid("applied"): applied}
        if applied:
            value, label = rng.choice(OUTCOMES)
            cells["outcome"] = label if n % 2 else value
            answers[qid("outcome")] = {"choice": value}
            difficulty = rng.randint(1, 5)
            cells["difficulty"] = str(difficulty)
            answers[qid("difficulty")] = difficulty
        chosen = sorted(rng.sample(range(3), rng.randint(1, 2)))
        cells["priorities"] = "; ".join(PRIORITIES[i][1] for i in chosen)
        answers[qid("priorities")] = {"choices": [PRIORITIES[i][0] for i in chosen]}
        answers[qid("proposal")] = cells["proposal"]
        answers[qid("consent")] = True
        fixed = {
            "country": cells["country"],
            "language": cells["language"],
            "channel": cells["channel"] or "import",
        }
        yield cells, answers, fixed


def write_csv(path: str, consultation, count: int, wrong_row: int | None = None) -> bytes:
    from consultations.importing import template_columns

    columns = template_columns(consultation, "en")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in columns])
        writer.writerow([f"key:{c.key}" for c in columns])
        for n, (cells, _answers, _fixed) in enumerate(answer_rows(count), start=1):
            if n == wrong_row:
                cells = {**cells, "outcome": "Volledig erkend", "applied": "yes"}
            writer.writerow([cells[c.key] for c in columns])
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def batch_of(consultation, path: str, sha256: str, status: str):
    from django.core.files import File

    from consultations.models import ImportBatch

    batch = ImportBatch(
        consultation=consultation,
        file_name=os.path.basename(path),
        sha256=sha256,
        size=os.path.getsize(path),
        status=status,
    )
    with open(path, "rb") as handle:
        batch.file.save(os.path.basename(path), File(handle), save=False)
    batch.save()
    return batch


def baseline(consultation, count: int) -> float:
    """Seconds to insert the same answers with bulk_create (objects built in the timing)."""
    from django.db import transaction
    from django.utils import timezone

    from consultations.models import Response
    from participation.questionnaire.export import snapshot
    from participation.questionnaire.structure import parse

    prepared = [(answers, fixed) for _cells, answers, fixed in answer_rows(count)]
    snap = snapshot(parse(consultation.questionnaire))
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        pending = []
        for n, (answers, fixed) in enumerate(prepared):
            pending.append(
                Response(
                    consultation=consultation,
                    status=Response.Status.SUBMITTED,
                    respondent_type="individual",
                    answers=answers,
                    questionnaire_snapshot=snap,
                    receipt_number=f"CONS-B-{n:06d}",
                    submitted_at=now,
                    **fixed,
                )
            )
            if len(pending) >= CHUNK:
                Response.objects.bulk_create(pending)
                pending = []
        Response.objects.bulk_create(pending)
    return time.perf_counter() - started


def rows(quick: bool = False, keep: bool = False) -> list[dict]:
    count = 5_000 if quick else 50_000
    wrong = count - 1
    tmp = tempfile.mkdtemp(prefix="wp_bench_importing_", dir="/tmp")
    try:
        _setup(tmp)
        from consultations import counts, importing
        from consultations.models import ImportBatch, Response

        bench_migrate.migrate()
        imported, base = consultations()
        good = os.path.join(tmp, "answers.csv")
        bad = os.path.join(tmp, "answers-wrong.csv")
        good_hash = write_csv(good, imported, count)
        bad_hash = write_csv(bad, imported, count, wrong_row=wrong)
        size_mb = os.path.getsize(good) / 1e6

        # 1 and 2: check, then import; the peak memory of both.
        batch = batch_of(imported, good, good_hash, ImportBatch.Status.CHECKING)
        resident = _kb("VmRSS")
        reset = _reset_peak()
        started = time.perf_counter()
        status = importing.run(batch.pk, False)
        check_s = time.perf_counter() - started
        if status != ImportBatch.Status.CHECKED:
            raise RuntimeError(f"the check failed: {ImportBatch.objects.get(pk=batch.pk).report}")
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.IMPORTING)
        started = time.perf_counter()
        status = importing.run(batch.pk, True)
        import_s = time.perf_counter() - started
        growth_mb = max(0, _kb("VmHWM") - resident) / 1024 if reset else None
        stored = Response.objects.filter(consultation=imported).count()
        right = counts.current(imported.pk) == counts.recount(imported.pk)
        baseline_s = baseline(base, count)

        # 3: the wrong row near the end.
        batch = batch_of(imported, bad, bad_hash, ImportBatch.Status.CHECKING)
        started = time.perf_counter()
        importing.run(batch.pk, False)
        reject_check_s = time.perf_counter() - started
        report = ImportBatch.objects.get(pk=batch.pk).report
        named = [e["row"] for e in report.get("errors", [])] == [wrong + 2]  # header, keys
        # Refused at its dry run, the file can never reach the import (its all-or-nothing
        # rollback is tested at a small size in tests/consultations/test_importing.py).
        nothing = (
            report.get("valid") == count - 1
            and not Response.objects.filter(import_batch=batch).exists()
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)

    label = f"{count:,} rows, CSV of {size_mb:.1f} MB, SQLite"
    ours_rate = count / import_s if status == "imported" and stored == count and right else 0
    return [
        make_row(
            f"import of {label} (baseline: bulk_create of the same answers)",
            round(ours_rate),
            round(count / baseline_s),
            "rows/s",
            target=(">=", TARGET_RATIO),
            on="ratio",
        ),
        make_row(
            f"dry run (check only) of the same file, {check_s:.1f} s; import {import_s:.1f} s",
            round(count / check_s),
            round(count / baseline_s),
            "rows/s",
        ),
        make_row(
            "peak memory growth, check + import (VmHWM)",
            round(growth_mb, 1) if growth_mb is not None else None,
            None,
            "MB",
            target=("<", TARGET_GROWTH_MB),
        ),
        make_row(
            f"row {wrong:,} wrong: its dry run refuses the file, nothing imported, the row named",
            round(reject_check_s, 1),
            None,
            "s",
            ok=bool(named and nothing),
            target_text="nothing imported, row named",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database folder")
    args = parser.parse_args()
    table = render(rows(args.quick, args.keep), ["importing bench"])
    print(table)  # noqa: T201
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"importing{'-quick' if args.quick else ''}.txt").write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
