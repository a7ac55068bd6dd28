# The two commands the README promises: `make run` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000

.PHONY: run serve test lint bench install chromium screenshots

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

# The browser tests drive Debian's Chromium; never `playwright install` (no downloads but the registries).
CHROMIUM := /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium)

# The browser bundles esbuild makes from web/ui/bundles/ (bpmn-js-differ for the diagram diff), into the
# gitignored web/ui/static/build/, served at /assets/app/build/... Never committed: made on every install.
BUILT := web/ui/static/build/studio-diff.js
$(BUILT): $(STAMP) $(wildcard web/ui/bundles/*.js)
	npm run --silent build

install: $(STAMP) $(BUILT)

# Installs, migrates the embedded SQLite database, deploys workflows/, loads the demo, serves on localhost.
run: install
	$(BIN)/flask --app web db upgrade heads
	$(BIN)/flask --app web setup
	$(BIN)/flask --app web run --port $(PORT)

# Production serving on DATABASE_URL (PostgreSQL beyond one machine): gunicorn with WEB_CONCURRENCY web
# workers and TIMER_WORKERS timer workers (web/gunicorn_conf.py; docs/operations.md).
serve: install
	$(BIN)/flask --app web db upgrade heads
	$(BIN)/flask --app web setup --no-demo
	$(BIN)/gunicorn -c web/gunicorn_conf.py

# Installs and runs the whole suite (DATABASE_URL=postgresql+psycopg://... runs it on PostgreSQL;
# PYTEST_ARGS passes options, e.g. PYTEST_ARGS=--ignore=tests/browser).
test: install chromium
	$(BIN)/pytest -q $(PYTEST_ARGS)

# Refreshes the README's pictures in docs/screenshots from the browser tests (other runs write to a temporary folder).
screenshots: install chromium
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -q tests/browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench
