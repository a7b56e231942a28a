# One command to run the site with demo content, one to test it. See README.md.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) site/manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test lint check migrate demo worker clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Re-install only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
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

# Serves the site and runs a background task worker beside it; Ctrl-C stops both.
run: demo
	@echo "Site:  http://$(HOST):$(PORT)/   Admin: http://$(HOST):$(PORT)/admin/  (accounts in README.md)"
	@trap 'kill 0' INT TERM EXIT; \
	$(MANAGE) db_worker --interval 1 & \
	$(MANAGE) runserver $(HOST):$(PORT)

worker: install
	$(MANAGE) db_worker

lint: install-test
	$(VENV)/bin/ruff check .

check: install-test
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

test: install-test
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media static_collected
