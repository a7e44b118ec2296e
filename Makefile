# The two commands of the README:
#   make serve   – install everything, then run the platform with demo data (SQLite)
#   make test    – install everything, then run the whole test suite (SQLite and PostgreSQL)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/tongban

.PHONY: serve test install system-packages lint check-postgres test-sqlite test-postgres bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip uv

install: $(BIN)/python
	$(BIN)/uv pip install --quiet -p $(BIN)/python -r requirements/lock.txt
	$(BIN)/uv pip install --quiet -p $(BIN)/python --no-deps -e .

system-packages:
	bash scripts/system-packages

serve: install
	$(BIN)/tongban serve

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy src

check-postgres:
	bash scripts/ensure-postgres

test-sqlite: install
	TONGBAN_DATABASE_URL= $(BIN)/pytest -p no:cacheprovider

test-postgres: install check-postgres
	TONGBAN_DATABASE_URL=$(PG_URL) $(BIN)/pytest -p no:cacheprovider

test: system-packages install lint test-sqlite test-postgres

bench: install check-postgres
	$(BIN)/python bench/catalogue_bench.py
