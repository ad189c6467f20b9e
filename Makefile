# CleanGov: two commands for a fresh machine with python3 and make.
#   make demo   set everything up, build the demo county on SQLite, serve http://127.0.0.1:8000
#   make test   ruff, migrations check, the whole suite on SQLite and on PostgreSQL, browser tests

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CLEANGOV_DATA_DIR ?= $(CURDIR)/var
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install demo serve test lint test-sqlite test-postgres test-browser messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python scripts/fetch_static.py
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/cleangov setup
	$(BIN)/cleangov demo
	$(BIN)/cleangov serve --host 127.0.0.1 --port 8000 --with-worker

test: $(STAMP) lint test-sqlite test-postgres test-browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python scripts/check_catalogs.py
	CLEANGOV_DATA_DIR=$$(mktemp -d) $(BIN)/python -m django makemigrations --check --dry-run --settings=cleangov.settings

test-sqlite: $(STAMP)
	@echo "=== pytest on SQLite ==="
	CLEANGOV_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -m "not browser" -n 2 -p no:cacheprovider

test-postgres: $(STAMP)
	@echo "=== pytest on PostgreSQL ==="
	@scripts/ensure_postgres.sh
	DATABASE_URL=$(PG_URL) CLEANGOV_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -m "not browser" -n 2 -p no:cacheprovider

test-browser: $(STAMP)
	@echo "=== browser tests (Playwright + Debian Chromium) ==="
	@scripts/ensure_chromium.sh
	CLEANGOV_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -m browser -p no:cacheprovider

messages: $(STAMP)
	$(BIN)/python scripts/update_catalogs.py

clean:
	rm -rf $(VENV) var
