"""Production settings start only when configured, and say in one line what is missing or wrong."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3Jx9-vQ2mZ8rT5wY7uP1sL4nB6cD0fG-hE3aR8tU2iO5pW9qX1zV7yN4mK6jH0b"
GOOD = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "participation.example.eu",
    "DATABASE_URL": "postgres://participation:secret@db.example.eu:5432/participation",
    "EMAIL_HOST": "smtp.example.eu",
}
# Variables of the machine running the tests that would change the outcome.
_CLEARED = (
    "DEBUG",
    "REDIS_URL",
    "EMAIL_BACKEND",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_PRIVATE_STORAGE_BUCKET_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "SENTRY_DSN",
    "DATABASE_PREPARE_THRESHOLD",
    "PARTICIPATION_MACHINE_TRANSLATION_BACKEND",
    "PARTICIPATION_MACHINE_TRANSLATION_URL",
    "PARTICIPATION_MACHINE_TRANSLATION_API_KEY",
)


def _run(args, env, cwd=ROOT):
    base = {k: v for k, v in os.environ.items() if k not in _CLEARED and k not in GOOD}
    return subprocess.run(
        args, capture_output=True, text=True, env={**base, **env}, cwd=cwd, timeout=120
    )


def _manage(*args, env):
    return _run([sys.executable, str(ROOT / "site" / "manage.py"), *args], env)


def test_production_settings_start_when_configured():
    result = _manage("check", env=GOOD)
    assert result.returncode == 0, result.stderr
    assert "Configuration error" not in result.stderr


@pytest.mark.parametrize(
    "change, named",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is too short"),
        ({"SECRET_KEY": "dev-only-not-secret-4b1c0d9e7f" + "x" * 40}, "development key"),
        ({"SECRET_KEY": "django-insecure-" + "y" * 50}, "development key"),
        ({"DEBUG": "true"}, "DEBUG"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres//no-scheme"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u:p@db:notaport/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u:p@db:5432"}, "DATABASE_URL names no database"),
        ({"AWS_STORAGE_BUCKET_NAME": "media"}, "AWS_ACCESS_KEY_ID"),
        (
            {"AWS_PRIVATE_STORAGE_BUCKET_NAME": "private", "AWS_ACCESS_KEY_ID": "AKIA"},
            "AWS_SECRET_ACCESS_KEY",
        ),
        (
            {
                "AWS_STORAGE_BUCKET_NAME": "media",
                "AWS_ACCESS_KEY_ID": "A",
                "AWS_SECRET_ACCESS_KEY": "B",
            },
            "AWS_PRIVATE_STORAGE_BUCKET_NAME is not",
        ),
        (
            {"MEDIA_ROOT": "/srv/p/media", "PRIVATE_MEDIA_ROOT": "/srv/p/media/private"},
            "PRIVATE_MEDIA_ROOT is inside MEDIA_ROOT",
        ),
        ({"EMAIL_HOST": ""}, "EMAIL_HOST"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
        ({"TASKS_WORKER_DEAD_AFTER_SECONDS": "soon"}, "TASKS_WORKER_DEAD_AFTER_SECONDS"),
        ({"TASKS_WORKER_DEAD_AFTER_SECONDS": "0"}, "must be 1 or more"),
        (
            {"PARTICIPATION_MACHINE_TRANSLATION_BACKEND": "google"},
            "none, libretranslate, deepl or etranslation",
        ),
        (
            {"PARTICIPATION_MACHINE_TRANSLATION_BACKEND": "libretranslate"},
            "PARTICIPATION_MACHINE_TRANSLATION_URL",
        ),
        (
            {"PARTICIPATION_MACHINE_TRANSLATION_BACKEND": "deepl"},
            "PARTICIPATION_MACHINE_TRANSLATION_API_KEY",
        ),
        ({"PARTICIPATION_MACHINE_TRANSLATION_TIMEOUT": "soon"}, "TRANSLATION_TIMEOUT"),
    ],
)
def test_production_settings_stop_with_one_line_naming_the_variable(change, named):
    result = _manage("check", env={**GOOD, **change})
    assert result.returncode == 78  # EX_CONFIG: systemd units do not restart on it
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no traceback
    assert lines[0].startswith("Configuration error: ")
    assert named in lines[0]
    assert "secret@" not in result.stderr and "u:p@" not in result.stderr  # no password echoed


def test_production_settings_accept_email_without_smtp_host_for_another_backend():
    env = {
        **GOOD,
        "EMAIL_HOST": "",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    assert _manage("check", env=env).returncode == 0


def test_gunicorn_stops_with_one_line_when_configuration_is_missing():
    env = {**GOOD, "ALLOWED_HOSTS": ""}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = _run(
        [
            str(gunicorn),
            "--chdir",
            "site",
            "portal.wsgi",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--preload",
        ],
        env,
    )
    assert result.returncode == 4  # "App failed to load": the master stops, no restart loop
    errors = [line for line in result.stderr.splitlines() if "Configuration error" in line]
    assert errors == [errors[0]] and "ALLOWED_HOSTS" in errors[0]
    assert "Traceback" not in result.stderr


def test_production_settings_report_errors_to_sentry_without_personal_data():
    code = (
        "import django; django.setup(); import sentry_sdk; c = sentry_sdk.get_client(); "
        "print(c.is_active(), c.options['send_default_pii'], c.options['environment'], "
        "c.options['release'])"
    )
    env = {
        **GOOD,
        "SENTRY_DSN": "https://public@sentry.example.eu/1",
        "SENTRY_ENVIRONMENT": "staging",
        "SENTRY_RELEASE": "participation@1.2.3",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
    }
    result = _run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "staging", "participation@1.2.3"]


def test_production_settings_exempt_health_from_the_https_redirect():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "import re; print(any(re.search(p, 'health/') for p in settings.SECURE_REDIRECT_EXEMPT))"
    )
    env = {**GOOD, "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}"}
    result = _run([sys.executable, "-c", code], env)
    assert result.stdout.strip() == "True", result.stderr


@pytest.mark.parametrize(
    ("value", "expected"), [(None, "5"), ("20", "20"), ("none", "None"), ("off", "None")]
)
def test_production_settings_prepare_the_submits_statements_unless_turned_off(value, expected):
    # DATABASE_PREPARE_THRESHOLD=none: behind a pooler that cannot keep prepared statements.
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    )
    env = {**GOOD, "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}"}
    if value is not None:
        env["DATABASE_PREPARE_THRESHOLD"] = value
    result = _run([sys.executable, "-c", code], env)
    assert result.stdout.strip() == expected, result.stderr


def test_production_settings_read_the_task_recovery_variables():
    env = {**GOOD, "TASKS_WORKER_DEAD_AFTER_SECONDS": "12", "TASKS_MAX_ATTEMPTS": "5"}
    code = (
        "from participation.operations import conf; "
        "print(conf.get('WORKER_DEAD_AFTER_SECONDS'), conf.get('MAX_ATTEMPTS'), "
        "conf.get('HEARTBEAT_SECONDS'))"
    )
    result = _manage("shell", "--verbosity", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["12", "5", "5"]


def test_production_settings_prefixed_task_variables_win_over_their_old_names():
    env = {
        **GOOD,
        "PARTICIPATION_TASKS_WORKER_DEAD_AFTER_SECONDS": "12",
        "TASKS_WORKER_DEAD_AFTER_SECONDS": "99",  # the old name, read only when the new is unset
        "TASKS_MAX_ATTEMPTS": "5",
        "PARTICIPATION_DOCUMENTS_STALE_AFTER_SECONDS": "600",
    }
    code = (
        "from participation.operations import conf; from participation.documents import conf as d; "
        "print(conf.get('WORKER_DEAD_AFTER_SECONDS'), conf.get('MAX_ATTEMPTS'), "
        "d.get('STALE_AFTER_SECONDS'))"
    )
    result = _manage("shell", "--verbosity", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["12", "5", "600"]


def test_production_settings_read_the_machine_translation_variables():
    env = {
        **GOOD,
        "PARTICIPATION_MACHINE_TRANSLATION_BACKEND": "LibreTranslate",
        "PARTICIPATION_MACHINE_TRANSLATION_URL": "https://translate.example.eu",
        "PARTICIPATION_MACHINE_TRANSLATION_TIMEOUT": "7",
        "PARTICIPATION_MACHINE_TRANSLATION_LANGUAGES": "fr, ar",
    }
    code = (
        "from participation.machine_translation import conf, services; "
        "backend = services.get_backend(); "
        "print(type(backend).__name__, backend.url, backend.timeout, conf.get('LANGUAGES'))"
    )
    result = _manage("shell", "--verbosity", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "LibreTranslate https://translate.example.eu 7.0 ['fr', 'ar']"
    )
    # Unset: nothing is translated.
    code = "from participation.machine_translation import conf; print(conf.enabled())"
    result = _manage("shell", "--verbosity", "0", "-c", code, env=GOOD)
    assert result.stdout.splitlines()[-1] == "False", result.stderr
