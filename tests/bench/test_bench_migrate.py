"""bench/bench_migrate.py: a part's database copied from the run's migrated template.

Each test sets Django up in a process of its own, with the bench's settings and a throw-away
database, as a bench part does. The templates here are made by hand (a table named
``marker``), so that a copy is told from a migration, and no test pays for a real migrate.
"""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from bench import bench_migrate, run_bench

PART = """
import sys, warnings
sys.path[:0] = {paths!r}
warnings.filterwarnings("ignore")
import django
django.setup()
import bench_migrate
print(bench_migrate.migrate())
"""


def run_part(url: str, folder, tmp_path) -> str:
    """What ``migrate()`` answers in a bench part whose database is at ``url``."""
    paths = [str(bench_migrate.ROOT / "site"), str(bench_migrate.BENCH), str(bench_migrate.ROOT)]
    done = subprocess.run(
        [sys.executable, "-c", PART.format(paths=paths)],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "WP_BENCH_DATABASE_URL": url,
            "WP_BENCH_MEDIA_ROOT": str(tmp_path / "media"),
            bench_migrate.TEMPLATES: str(folder),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_run_bench_names_an_engine_for_every_part_that_migrates():
    parts = {group for group, *_ in run_bench.PARTS}
    assert set(run_bench.TEMPLATE_ENGINE) <= parts
    assert set(run_bench.TEMPLATE_ENGINE.values()) == {"sqlite", "postgres"}


def test_a_sqlite_part_starts_from_the_template_file(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    with closing(sqlite3.connect(folder / bench_migrate.SQLITE_FILE)) as template:
        template.execute("CREATE TABLE marker (word TEXT)")
        template.execute("INSERT INTO marker VALUES ('from the template')")
        template.commit()
    target = tmp_path / "part.sqlite3"

    assert run_part(f"sqlite:///{target}", folder, tmp_path) == "copied"

    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("SELECT word FROM marker").fetchall() == [("from the template",)]


def test_a_postgresql_part_starts_from_the_template_database(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs the PostgreSQL server the suite runs on")
    import psycopg

    server = {
        "host": connection.settings_dict["HOST"] or "127.0.0.1",
        "port": str(connection.settings_dict["PORT"] or 5432),
        "user": connection.settings_dict["USER"] or "postgres",
        "dbname": "postgres",
    }
    folder = tmp_path / "templates"
    folder.mkdir()
    template, target = bench_migrate.template_name(str(folder)), f"wp_test_part_{os.getpid()}"
    with psycopg.connect(**server, autocommit=True) as conn:
        for name in (template, target):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(**{**server, "dbname": template}, autocommit=True) as conn:
            conn.execute("CREATE TABLE marker (word text)")
            conn.execute("INSERT INTO marker VALUES ('from the template')")
        record = {"server": server, "name": template}  # what migrate() writes when it makes one
        (folder / bench_migrate.POSTGRES_FILE).write_text(json.dumps(record))
        url = f"postgres://{server['user']}@{server['host']}:{server['port']}/{target}"

        assert run_part(url, folder, tmp_path) == "copied"

        with psycopg.connect(**{**server, "dbname": target}) as conn:
            words = conn.execute("SELECT word FROM marker").fetchall()
        assert words == [("from the template",)]
        bench_migrate.drop_templates(str(folder))  # what run_bench does at the end of a run
        with psycopg.connect(**server) as conn:
            left = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            assert left.fetchone() is None
    finally:
        with psycopg.connect(**server, autocommit=True) as conn:
            for name in (template, target):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
