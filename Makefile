# One command to run the site with demo content, one to test it. See README.md.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) site/manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# `make test` runs pytest in this many processes (pytest-xdist); 1 for a plain serial run.
TEST_WORKERS ?= 2

.PHONY: run test install install-test lint check migrate demo worker clean system-deps bench
.PHONY: browser-deps loadtest prodcheck prodcheck-deps messages
# Debian packages the project uses: HarfBuzz's subsetter makes PDF font subsetting ~7x
# faster; fonts-noto-cjk prints Chinese, Japanese and Korean in PDFs (16 MB a weight, too big to
# bundle like the other scripts' fonts; without it CJK letters are reported as missing, by
# script). Installed when we are root with apt (CI, fresh machines); a note otherwise.
SYSTEM_PACKAGES ?= libharfbuzz-subset0 fonts-noto-cjk

# Debian's Chromium for the browser tests (tests/browser: Playwright drives it; never
# `playwright install`). Installed when we are root with apt, like system-deps.
browser-deps:
	@if command -v chromium >/dev/null || [ -n "$$CHROMIUM_PATH" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)) >/dev/null; \
	else echo "Note: Chromium is not installed: the browser tests will be skipped (apt-get install chromium)"; fi

# Debian's nginx for `make prodcheck`, installed when we are root with apt, like browser-deps.
prodcheck-deps:
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get install -y -qq nginx-light >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nginx-light)) >/dev/null; \
	else echo "make prodcheck needs nginx: apt-get install nginx-light" >&2; exit 1; fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get install -y -qq $$missing >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $$missing)) >/dev/null; \
	else echo "Note: system packages not installed:$$missing (PDFs are slower without libharfbuzz-subset0; Chinese, Japanese and Korean print as boxes without fonts-noto-cjk)"; fi

# Re-install only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	@$(MAKE) --no-print-directory system-deps
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(MANAGE) migrate --no-input

demo: migrate
	$(MANAGE) load_demo

# Serves the site with a background task worker and the periodic jobs' scheduler beside it (the
# answers' languages, scheduled publishing, reminders); Ctrl-C stops all three.
run: demo
	@echo "Site:  http://$(HOST):$(PORT)/   Admin: http://$(HOST):$(PORT)/admin/  (accounts in README.md)"
	@trap 'kill 0' INT TERM EXIT; \
	$(MANAGE) db_worker --interval 1 --queue-name '*' & \
	$(MANAGE) run_periodic & \
	$(MANAGE) runserver $(HOST):$(PORT)

worker: install
	$(MANAGE) db_worker --queue-name '*'

lint: install-test
	$(VENV)/bin/ruff check .

check: install-test
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

test: install-test
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) makemigrations --check --dry-run
	@command -v chromium >/dev/null || [ -n "$$CHROMIUM_PATH" ] || \
		echo "*** Chromium not found: browser tests will be SKIPPED (make browser-deps) ***"
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup -m "not alone" $(PYTEST_ARGS)
	@# Tests that time or race real servers run afterwards, with the machine to themselves
	@# (pytest exits 5 when PYTEST_ARGS selected none of them).
	$(VENV)/bin/pytest -m alone $(PYTEST_ARGS) || [ $$? -eq 5 ]

# No lost submission: gunicorn + PostgreSQL (127.0.0.1:5432) on loopback, a rush at the
# deadline with double clicks, a worker killed and the counts rebuilt meanwhile; then a burst of
# 1,000 presses in the last second. Bounded (~2 x 2 min). LOADTEST_ARGS=--sqlite.
loadtest: install-test
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)
	$(PY) bench/loadtest.py --burst $(LOADTEST_ARGS)

# Proof on several nodes: nginx in front of 2 gunicorn nodes, 2 task workers and the scheduler,
# PostgreSQL (127.0.0.1:5432), Redis (127.0.0.1:6379/7) and SeaweedFS (S3) on loopback; a deadline
# rush with a node and a worker killed; ONE summary line. Bounded (6 min). PRODCHECK_ARGS=--keep.
prodcheck: install-test prodcheck-deps
	$(PY) deploy/prodcheck.py $(PRODCHECK_ARGS)

# Benchmarks: every speed target beside its baseline in the same run, in ONE table written to
# bench/results/bench.txt and bench.json (about 14 minutes; BENCH_ARGS=--quick, --only, --strict).
bench: install-test
	$(PY) bench/run_bench.py $(BENCH_ARGS)

# Translation catalogues: extract every string for every interface language, then compile
# (fill in the new entries of each locale/<lang>/LC_MESSAGES/django.po, then `make messages` again).
messages: install
	$(MANAGE) update_catalogues

clean:
	rm -rf $(VENV) db.sqlite3 media static_collected
