# Two commands for a new user: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 4
PYTEST_ARGS ?=

.PHONY: run serve test test-fast lint bench load messages language clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

## run: migrate the database, load the demo the first time, print its logins, serve on HOST:PORT
run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo
	@echo "Demo logins (role, email, password):"
	@$(FLASK) demo logins
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

## serve: production serving: migrate the configured database, then gunicorn with WORKERS workers on HOST:PORT
serve: $(VENV)/.installed
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

## test: the whole suite, SQLite and PostgreSQL, browser tests included when Chromium is there
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-fast: the suite without the PostgreSQL, browser and slow (wheel, server) tests
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not postgresql and not browser and not slow" $(PYTEST_ARGS)

## bench: time every comparison output on a synthetic 2,000-store × 60-month chain (SQLite, PostgreSQL)
BENCH_STORES ?= 2000
BENCH_MONTHS ?= 60
bench: $(VENV)/.installed
	BENCH_STORES=$(BENCH_STORES) BENCH_MONTHS=$(BENCH_MONTHS) $(BIN)/python -m shopper.bench

## load: gunicorn + PostgreSQL under 50 shoppers, 3 coordinators, 2 owners; then without pauses until p95 > 1 s
LOAD_SECONDS ?= 120
LOAD_RAMP_SECONDS ?= 300
LOAD_WORKERS ?= 4
LOAD_STORES ?= 200
LOAD_MONTHS ?= 12
$(VENV)/.installed-load: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[load]'
	touch $@

load: $(VENV)/.installed-load
	$(BIN)/python -m shopper.devtools.load --seconds $(LOAD_SECONDS) --ramp-seconds $(LOAD_RAMP_SECONDS) \
		--workers $(LOAD_WORKERS) --stores $(LOAD_STORES) --months $(LOAD_MONTHS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check shopper tests wsgi.py
	$(BIN)/ruff format --check shopper tests wsgi.py

## messages: extract every marked string into shopper/translations/messages.pot, then update each catalogue
KEYWORDS := -k _l -k N_ -k N_plural:1,2 -k lazy_gettext -k lazy_ngettext:1,2
messages: $(VENV)/.installed
	mkdir -p shopper/translations
	$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) --no-location --sort-output \
		-o shopper/translations/messages.pot .
	@if ls shopper/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel update -i shopper/translations/messages.pot -d shopper/translations \
			--no-fuzzy-matching --ignore-pot-creation-date; \
	fi

## language: start a catalogue for a new interface language, e.g. `make language LANG_CODE=de`
language: messages
	$(BIN)/pybabel init -i shopper/translations/messages.pot -d shopper/translations -l $(LANG_CODE)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache tests/artifacts
