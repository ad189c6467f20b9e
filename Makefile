# CleanGov: two commands for a fresh machine with python3 and make.
#   make demo   set everything up, build the demo county on SQLite, serve http://127.0.0.1:8000
#   make test   ruff, migrations check, the whole suite on SQLite and on PostgreSQL, browser tests

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export CLEANGOV_DATA_DIR ?= $(CURDIR)/var
# The tests' PostgreSQL sessions commit without waiting for the write-ahead log to reach the disk
# (synchronous_commit=off: a crash could lose the last commits, never corrupt; fine for a test database
# that is thrown away, never for production).
PG_URL ?= postgres://postgres@127.0.0.1:5432/test?options=-c%20synchronous_commit%3Doff

.PHONY: install demo serve test lint test-sqlite test-postgres test-engine test-spark test-browser messages clean

# The demo needs the runtime only; the tests add pytest, Playwright, ruff and Spark.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	$(BIN)/python scripts/fetch_static.py
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python scripts/fetch_static.py --test
	touch $(DEV_STAMP)

install: $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/cleangov setup
	$(BIN)/cleangov demo
	$(BIN)/cleangov serve --host 127.0.0.1 --port 8000 --with-worker

test: $(DEV_STAMP) lint test-sqlite test-postgres test-engine test-spark test-browser

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_catalogs.py
	CLEANGOV_DATA_DIR=$$(mktemp -d) $(BIN)/python -m django makemigrations --check --dry-run --settings=cleangov.settings

test-sqlite: $(DEV_STAMP)
	@echo "=== pytest on SQLite ==="
	CLEANGOV_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -m "not browser and not spark" -n 2 -p no:cacheprovider --ignore=tests/engine

test-postgres: $(DEV_STAMP)
	@echo "=== pytest on PostgreSQL ==="
	@scripts/ensure_postgres.sh
	DATABASE_URL=$(PG_URL) CLEANGOV_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -m "not browser and not spark" -n 2 -p no:cacheprovider --ignore=tests/engine

test-browser: $(DEV_STAMP)
	@echo "=== browser tests (Playwright + Debian Chromium) ==="
	@scripts/ensure_chromium.sh
	@$(BIN)/python scripts/fetch_static.py --test
	CLEANGOV_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -m browser -p no:cacheprovider

test-engine: $(DEV_STAMP)
	@echo "=== voucher_audit engine alone (no Django installed) ==="
	ENGINE_WITHOUT_SPARK=1 scripts/test_engine_alone.sh -m "not spark"

test-spark: $(DEV_STAMP)
	@echo "=== voucher_audit Spark parity (local mode) ==="
	$(BIN)/pytest -q -p no:django -p no:cacheprovider --confcutdir=tests/engine -m spark tests/engine

messages: $(DEV_STAMP)
	$(BIN)/python scripts/update_catalogs.py

clean:
	rm -rf $(VENV) var
