# One place for the commands a contributor needs. `make check` is what CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup console check lint types test bench bench-full bench-table

$(BIN)/navigator: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/navigator

console: setup  ## try it: the whole dialogue in the terminal, offline
	$(BIN)/navigator console

lint: setup
	$(BIN)/ruff check .

types: setup
	$(BIN)/mypy rules db bot

test: setup
	$(BIN)/pytest -q

check: lint types test  ## test it: lint, types and every test
	$(BIN)/navigator check --quiet-warnings

bench: setup  ## quick benchmarks; exit 1 if a ratio target is missed (after one automatic re-run)
	$(BIN)/python -m bench --quick

bench-full: setup
	$(BIN)/python -m bench

bench-table: setup  ## quick benchmarks plus the README table generated from their results
	$(BIN)/python -m bench --quick --markdown
