# trainer: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgresql bench install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(FLASK) db upgrade
	$(FLASK) curricula import
	$(FLASK) demo seed --if-empty
	$(FLASK) demo logins
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

# The whole suite on SQLite (with the real-browser journeys), then again on a throwaway PostgreSQL
# server started from the installed binaries. Without CI=true, a missing PostgreSQL or Chromium skips
# those parts with a message; with CI=true it fails.
test: install-dev
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgresql

test-sqlite: install-dev
	TRAINER_TEST_DB=sqlite $(BIN)/python -m pytest -q -rs $(PYTEST_ARGS) tests

test-postgresql: install-dev
	TRAINER_TEST_DB=postgresql $(BIN)/python -m pytest -q -rs $(PYTEST_ARGS) --ignore=tests/e2e tests

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
