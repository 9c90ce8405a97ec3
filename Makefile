# jobindblik: the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The Dagster instance `make dev` keeps its runs in. `make run` uses a throwaway one: recording every
# partition's events in SQLite more than doubled its time (29 s -> 67 s on the sample).
DAGSTER_HOME_DIR := $(CURDIR)/.dagster

.PHONY: run test test-fast lint dev bench validate clean

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

test: $(VENV)/.installed-dev  ## the whole suite, offline
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed-dev  ## the unit layer only: no test builds a warehouse (under 30 s)
	$(BIN)/python -m pytest -m "not integration"

lint: $(VENV)/.installed-dev  ## ruff: the lint rules and the formatting (configured in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

dev: $(VENV)/.installed  ## the Dagster UI and daemon on http://127.0.0.1:3000
	DAGSTER_HOME=$(DAGSTER_HOME_DIR) $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

validate: $(VENV)/.installed  ## the code location loads
	$(BIN)/dagster definitions validate -w workspace.yaml

bench: $(VENV)/.installed  ## time a cold run, again, a nightly no-op, a two-month backfill and scale 10
	$(BIN)/python -m pipelines.bench
	$(BIN)/jobindblik bench-forloeb --persons 2000000 --weeks 52

clean:  ## the generated warehouse, landing, quarantine and Dagster state (not .venv)
	rm -rf warehouse/*.duckdb warehouse/*.wal warehouse/landing warehouse/quarantine
	find .dagster -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
