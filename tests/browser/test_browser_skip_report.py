"""Without Chromium the browser tests are skipped with a banner; with REQUIRE_BROWSER=1 (CI)
the run fails instead."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pytest(**env):
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pytest", "-q", "tests/browser/test_browser_accounts.py"],
        cwd=ROOT,
        env={**os.environ, "CHROMIUM_PATH": "/nonexistent/chromium", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_browser_tests_without_chromium_are_skipped_with_a_banner():
    done = _pytest(REQUIRE_BROWSER="0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROWSER TESTS SKIPPED" in done.stdout
    assert re.search(r"\b[1-9]\d* skipped", done.stdout) and "passed" not in done.stdout


def test_browser_tests_without_chromium_fail_when_required():
    done = _pytest(REQUIRE_BROWSER="1")
    assert done.returncode != 0
    assert "REQUIRE_BROWSER=1 but the browser tests cannot run" in done.stdout + done.stderr
