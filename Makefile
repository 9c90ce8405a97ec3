# jobindblik: the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The Dagster instance `make dev` keeps its runs in. `make run` uses a throwaway one: its events are for the
# command's own report, and writing them to SQLite would only cost time.
DAGSTER_HOME_DIR := $(CURDIR)/.dagster

# A DuckDB 1.1 client outside git, so the tests can open serving.duckdb the way BI tools on DuckDB 1.x do.
DUCKDB1 := $(HOME)/.cache/jobindblik/duckdb-1.1.3

# The suite runs on one pytest-xdist worker per core, at most 4 (each holds the pipeline's memory). loadgroup keeps
# the tests that share a module fixture on one worker, in the order tests/distribution.py hands them out.
PYTEST_WORKERS ?= -n auto --maxprocesses 4 --dist loadgroup

.PHONY: run test test-fast lint dev bench validate clean duckdb1

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependencies change; constraints.txt pins the versions the suite ran with.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@

run: $(VENV)/.installed  ## materialise every asset from the bundled sample and publish serving.duckdb
	$(BIN)/jobindblik run

test: $(VENV)/.installed-dev  ## the whole suite, offline (the DuckDB 1.1 client is installed first where it can be)
	-@$(MAKE) --no-print-directory duckdb1
	$(BIN)/python -m pytest $(PYTEST_WORKERS)

test-fast: $(VENV)/.installed-dev  ## the unit layer only: no test builds a warehouse (under 30 s)
	$(BIN)/python -m pytest $(PYTEST_WORKERS) -m "not integration"

lint: $(VENV)/.installed-dev  ## ruff: the lint rules and the formatting (configured in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

duckdb1: $(DUCKDB1)/.installed  ## the old DuckDB client the serving test opens serving.duckdb with

$(DUCKDB1)/.installed:
	$(PYTHON) -m venv $(DUCKDB1)
	$(DUCKDB1)/bin/python -m pip install --quiet --disable-pip-version-check duckdb==1.1.3
	touch $@

dev: $(VENV)/.installed  ## the Dagster UI and daemon on http://127.0.0.1:3000
	DAGSTER_HOME=$(DAGSTER_HOME_DIR) $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

validate: $(VENV)/.installed  ## the code location loads
	$(BIN)/dagster definitions validate -w workspace.yaml

bench: $(VENV)/.installed  ## time the sample runs, the nightly, a backfill, the plain-DuckDB floor, scale 10 and the forløb engine
	$(BIN)/python -m pipelines.bench
	$(BIN)/jobindblik bench-forloeb --persons 2000000 --weeks 52

clean:  ## the generated warehouse, landing, quarantine, export, reports and Dagster state (not .venv)
	rm -rf warehouse/*.duckdb warehouse/*.wal warehouse/landing warehouse/quarantine warehouse/export \
		warehouse/.export-* warehouse/rapporter
	find .dagster -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
