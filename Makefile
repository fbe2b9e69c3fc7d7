# ParkAtlas: `make run` serves the demo park, `make test` runs the whole suite.
# Both do all set-up themselves and are safe to run again (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PORT ?= 5000
PYTHON ?= python3
export PARKATLAS_PGPORT ?= 54329

# Without DATABASE_URL the project-local cluster in var/pg is used (and started).
DB_START = $(if $(DATABASE_URL),@echo "Using DATABASE_URL",@scripts/pg.sh start)

.PHONY: run test stop setup setup-test system-deps system-deps-test venv assets \
        translations db migrate demo lint bench clean-db

# The offline basemap: the sample package of the demo unless PARKATLAS_BASEMAP names one.
SAMPLE_BASEMAP := var/basemap/demo.mbtiles

run: setup migrate demo
	@echo "ParkAtlas on http://127.0.0.1:$(PORT)  (stop the database with: make stop)"
	@PARKATLAS_BASEMAP="$${PARKATLAS_BASEMAP:-$(CURDIR)/$(SAMPLE_BASEMAP)}" \
	  exec $(BIN)/parkatlas serve --port $(PORT)

# The 20 slowest tests and the branch coverage of app/ after the results.
TEST_REPORT ?= --durations=20 --cov=app --cov-branch --cov-report=term

# Test processes (pytest-xdist), a module each at a time: one process spends most of its
# time waiting for PostgreSQL or Chromium, so two keep both cores busy. Each process has
# its own template database and copies; TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2

test: setup-test
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(TEST_REPORT) $(PYTEST_ARGS)

stop:
	@scripts/pg.sh stop

setup: system-deps venv assets translations db
setup-test: system-deps-test venv assets translations db

system-deps:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

assets:
	@scripts/vendor-assets.sh

# Compiled message catalogues are build output; the .po files are the source.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))
translations: $(MO_FILES)

app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	@$(BIN)/pybabel compile --statistics -d app/translations -l $* 2>&1 | grep -v '^$$' || true

# Re-extract message ids after editing templates or Python strings.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

db:
	$(DB_START)

migrate: venv db
	@$(BIN)/parkatlas db upgrade

demo: migrate
	@$(BIN)/parkatlas load-demo --if-empty
	@$(PY) scripts/sample_basemap.py --if-missing $(SAMPLE_BASEMAP)

lint: venv
	$(BIN)/ruff check .

bench: setup migrate
	$(PY) -m bench.api
	$(PY) -m bench.status
	$(PY) -m bench.requisition
	$(PY) -m bench.read_files
	$(PY) -m bench.tiles
