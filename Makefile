# fsi-analytics: `make demo` builds and publishes the warehouse, `make test` runs every check CI runs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
UV := .tools/bin/uv
BIN := .venv/bin
CI_WAREHOUSE := target/ci/analytics.duckdb

export DBT_PROFILES_DIR := $(CURDIR)/profiles
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
# Install compiled bytecode: where PYTHONDONTWRITEBYTECODE is set (containers, CI), Python
# would otherwise compile dbt's and Dagster's modules from source in every process, about
# 2.4 s of each dbt command's start.
export UV_COMPILE_BYTECODE := 1

SCALE ?= 10

# A dbt selection for `make test-spark` (empty: every node). CI builds the claims marts and
# the customer snapshot with everything upstream of them.
SPARK_SELECT ?=
SPARK_CI_SELECT := +path:models/marts/claims +customers_history

.PHONY: install demo test test-dbt lint test-python validate ui docs bench clean test-spark test-spark-ci

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml packages.yml | $(UV)
	$(UV) sync --frozen
	$(BIN)/dbt deps --quiet
	touch $@

## install: create .venv from the lock file and install the local dbt packages
install: .venv/.synced

## demo: seed, build and test every model on DuckDB, publish the BI file, print a summary
demo: install
	$(BIN)/fsi --target dev demo

## test: everything CI checks
test: install test-dbt lint test-python validate
	@echo "make test: all checks passed"

test-dbt:
	rm -rf target/ci && mkdir -p target/ci
	FSI_TARGET=ci FSI_DUCKDB_PATH=$(CI_WAREHOUSE) $(BIN)/dbt build
	@echo "second build on the same warehouse: every model must rebuild cleanly over its last state"
	FSI_TARGET=ci FSI_DUCKDB_PATH=$(CI_WAREHOUSE) $(BIN)/dbt build --quiet
	FSI_TARGET=ci FSI_DUCKDB_PATH=$(CI_WAREHOUSE) $(BIN)/dbt docs generate --quiet

lint:
	FSI_TARGET=ci $(BIN)/sqlfluff lint models
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-python:
	$(BIN)/pytest -m "not spark" --durations=10

## test-spark: build and test every node on a local Spark session (Java 17), compare every mart with DuckDB
test-spark: install
	$(UV) sync --frozen --extra spark
	FSI_REQUIRE_SPARK=1 FSI_SPARK_SELECT="$(SPARK_SELECT)" $(BIN)/pytest -m spark --durations=0

## test-spark-ci: the representative subset of test-spark that CI runs
test-spark-ci:
	$(MAKE) test-spark SPARK_SELECT="$(SPARK_CI_SELECT)"

validate:
	FSI_TARGET=ci $(BIN)/dbt parse --quiet
	FSI_TARGET=ci $(BIN)/dagster definitions validate

## bench: time every phase at SCALE (default 10; 100 = 10M transactions), results in bench/results/
bench: install
	$(BIN)/fsi bench --scale $(SCALE)

## ui: the Dagster UI on http://127.0.0.1:3000
ui: install
	DAGSTER_HOME=$(CURDIR)/.dagster $(BIN)/dagster dev -h 127.0.0.1 -p 3000

## docs: dbt docs on http://127.0.0.1:8080
docs: install
	$(BIN)/dbt docs generate && $(BIN)/dbt docs serve --port 8080

clean:
	rm -rf target dbt_packages logs .venv .tools
