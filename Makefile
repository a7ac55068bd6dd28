# The two commands the README promises: `make run` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Installs, migrates the embedded SQLite database, deploys workflows/, loads the demo, serves on localhost.
run: $(STAMP)
	$(BIN)/flask --app web db upgrade heads
	$(BIN)/flask --app web setup
	$(BIN)/flask --app web run --port 5000

# Installs and runs the whole suite (DATABASE_URL=postgresql+psycopg://... runs it on PostgreSQL).
test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench
