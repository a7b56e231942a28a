"""A bench part's database, migrated in a second rather than twenty.

Migrating the project takes about 20 s on this machine, and six parts of ``make bench`` each
need a fresh database. ``run_bench`` makes a folder for the run, names it in
``WP_BENCH_TEMPLATES`` and, before the first part, migrates one database per engine the parts
use, both at once (``build_templates``: one process each, on two cores). It keeps a copy of
each (a SQLite file in that folder, a PostgreSQL database made with ``CREATE DATABASE ...
TEMPLATE``) and every part starts from that copy. Should a template be missing, the first part
to migrate that engine's database keeps its copy instead. Outside ``run_bench`` (a part run
alone, ``make loadtest``) every database is migrated as before.

The copy is taken right after ``migrate``: the same tables, rows (Wagtail's root page and
site, content types, permissions) and sequences that ``migrate`` leaves, and nothing a part
adds. It lives for one run only, so a migration changed between runs is always applied.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

TEMPLATES = "WP_BENCH_TEMPLATES"
SQLITE_FILE = "sqlite.sqlite3"
POSTGRES_FILE = "postgres.json"  # where the PostgreSQL template is, for drop_templates


def migrate() -> str:
    """Brings Django's default database (django.setup() already called, the database empty)
    to the project's migrations: copied from this run's template when there is one, else
    migrated (and, within a run, kept as the template). Returns "copied" or "migrated"."""
    from django.core.management import call_command
    from django.db import connection, connections

    folder = os.environ.get(TEMPLATES)
    if folder:
        connections.close_all()  # a copy replaces the database, and a template has no session
        if _copy_template(folder, connection.vendor, connection.settings_dict):
            return "copied"
    call_command("migrate", verbosity=0, interactive=False)
    if folder:
        connections.close_all()
        _keep_template(folder, connection.vendor, connection.settings_dict)
    return "migrated"


def _copy_template(folder: str, vendor: str, settings: dict) -> bool:
    """The run's template of this engine copied over the (empty) database, if there is one."""
    target = settings["NAME"]
    if vendor == "sqlite":
        template = Path(folder) / SQLITE_FILE
        if template.exists():
            _copy_sqlite(template, target)
        return template.exists()
    name = template_name(folder)
    import psycopg

    with psycopg.connect(**_postgres_server(settings), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{name}"')
    return True


def _keep_template(folder: str, vendor: str, settings: dict) -> None:
    """The database just migrated, kept as the run's template of its engine."""
    if vendor == "sqlite":
        template = Path(folder) / SQLITE_FILE
        partial = template.with_suffix(".partial")
        _copy_sqlite(settings["NAME"], partial)
        partial.replace(template)  # a part cut off half-way leaves no half template
        return
    server, name = _postgres_server(settings), template_name(folder)
    import psycopg

    with psycopg.connect(**server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings["NAME"]}"')
    (Path(folder) / POSTGRES_FILE).write_text(json.dumps({"server": server, "name": name}))


def template_name(folder: str) -> str:
    """The PostgreSQL template's name: one per run (per folder)."""
    return "wp_bench_template_" + hashlib.sha256(folder.encode()).hexdigest()[:12]


def drop_templates(folder: str) -> None:
    """Drops the run's PostgreSQL template, if a part made one (the folder is removed by the
    caller)."""
    record = Path(folder) / POSTGRES_FILE
    if not record.exists():
        return
    found = json.loads(record.read_text())
    import psycopg

    with psycopg.connect(**found["server"], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{found["name"]}" WITH (FORCE)')


def _copy_sqlite(source, target) -> None:
    # SQLite's online backup: a consistent copy whatever journal mode the source is in.
    with closing(sqlite3.connect(source)) as read, closing(sqlite3.connect(target)) as write:
        read.backup(write)


def _postgres_server(settings: dict) -> dict:
    """Connection keywords for the server's maintenance database (where CREATE DATABASE runs)."""
    keys = {"host": "HOST", "port": "PORT", "user": "USER", "password": "PASSWORD"}
    server = {key: str(settings[name]) for key, name in keys.items() if settings.get(name)}
    return {**server, "dbname": "postgres"}


def build_templates(engines, folder: str) -> dict[str, str]:
    """Migrates a template for each of ``engines`` ("sqlite", "postgres") into ``folder``, all
    at once, each in a process of its own. Returns what each reported (its time, or why it
    failed: the parts then migrate for themselves)."""
    env = {**os.environ, TEMPLATES: folder}
    started = {
        engine: subprocess.Popen(
            [sys.executable, __file__, engine],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for engine in engines
    }
    reports = {}
    for engine, process in started.items():
        try:
            output, _ = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            output = "did not finish in 300 s"
        lines = output.strip().splitlines()
        reports[engine] = lines[-1] if lines else f"exit status {process.returncode}"
    return reports


def _build(engine: str) -> str:
    """In a process of its own: a throw-away database of ``engine`` (the consultations bench's
    own), migrated and kept as this run's template (by ``migrate``), then dropped."""
    import consultations_bench as bench

    began = time.perf_counter()
    database = bench.Database(engine == "postgres", bench.DEFAULT_POSTGRES_URL)
    try:
        bench.setup_django(bench.django_env(database.url, database.media))
        how = migrate()
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop(keep=False)
    return f"{engine} template {how} in {time.perf_counter() - began:.0f} s"


if __name__ == "__main__":
    print(_build(sys.argv[1]))  # noqa: T201
