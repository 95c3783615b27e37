# trainer: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
PYTEST_ARGS ?=
# Parallel test processes (pytest-xdist); each has its own SQLite files and its own PostgreSQL server.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -rfEs --tb=short $(if $(filter-out 0 1,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS))

.PHONY: run test test-sqlite test-postgresql bench install install-dev clean translations translations-extract translations-update

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Translations: extract the marked strings into the template, merge them into each language's
# catalogue (translate the new entries, then compile), and compile the catalogues the app reads.
translations-extract: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 --sort-by-file \
		--no-wrap -o translations/messages.pot .

translations-update: translations-extract
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --no-wrap --ignore-obsolete

translations: install
	$(BIN)/pybabel -q compile --statistics -d translations

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# The OpenID provider that the single sign-on tests start (tests/oidc, Node.js). Without npm those
# tests are skipped with a message (with CI=true they fail).
tests/oidc/node_modules/.package-lock.json: tests/oidc/package.json tests/oidc/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the single sign-on tests against a real OpenID provider will be skipped"; fi

# Digital Bazaar's Data Integrity verifier, a second independent check of the Open Badges proofs.
tests/certificates/node/node_modules/.package-lock.json: tests/certificates/node/package.json tests/certificates/node/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/certificates/node --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the Open Badges check with Digital Bazaar's verifier will be skipped"; fi

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev tests/oidc/node_modules/.package-lock.json \
	tests/certificates/node/node_modules/.package-lock.json

run: install translations
	$(FLASK) db upgrade
	$(FLASK) curricula import
	$(FLASK) demo seed --if-empty
	$(FLASK) demo logins
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(BIN)/gunicorn -c gunicorn.conf.py --workers 2 --bind 127.0.0.1:$(PORT) wsgi:app

# The whole suite on SQLite (with the real-browser journeys), then again on a throwaway PostgreSQL
# server started from the installed binaries. Without CI=true, a missing PostgreSQL or Chromium skips
# those parts with a message; with CI=true it fails. Both passes run even if the first fails; any
# non-zero pytest status fails the target, including 5 ("no tests ran").
# PYTEST_ARGS narrows a run: make test-postgresql PYTEST_ARGS="tests/auth tests/core"
test: install-dev translations
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=$$?; \
	$(MAKE) --no-print-directory test-postgresql || status=$$?; \
	if [ $$status -ne 0 ]; then echo "make test: FAILED (a pass exited with status $$status)"; fi; \
	exit $$status

test-sqlite: install-dev
	TRAINER_TEST_DB=sqlite $(PYTEST) $(or $(PYTEST_ARGS),tests)

test-postgresql: install-dev
	TRAINER_TEST_DB=postgresql $(PYTEST) --ignore=tests/e2e $(or $(PYTEST_ARGS),tests)

bench: install-dev translations
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
