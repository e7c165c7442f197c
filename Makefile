# The few commands a newcomer needs. `make demo` runs Samla; `make test` runs every check;
# `make test-fast` leaves out the worker, browser and fuzz tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install assets demo stack test test-fast migrations-check lint format worker browser-deps ops-deps clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(INSTALLED)

assets: install
	$(BIN)/python -m samla.assets

demo: assets
	DJANGO_SETTINGS_MODULE=samla.settings.dev $(BIN)/samla upgrade --verbosity 0
	DJANGO_SETTINGS_MODULE=samla.settings.dev $(BIN)/samla demo_data
	DJANGO_SETTINGS_MODULE=samla.settings.dev $(BIN)/samla runserver 127.0.0.1:8000

# What production runs (Procfile: gunicorn, a Celery worker, beat) under honcho, after one
# `samla upgrade`: against DATABASE_URL and CELERY_BROKER_URL when set, else the embedded
# PostgreSQL and redis://127.0.0.1:6379/0; settings samla.settings.stack (production's,
# without TLS) unless DJANGO_SETTINGS_MODULE says otherwise; PORT 8000 (samla/stack.py).
stack: assets
	$(BIN)/python -m samla.stack

# Debian's Chromium for the browser tests, installed when missing (needs root or sudo).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# Debian's PgBouncer for the operations tests (tests/operations/test_stack.py), installed
# when missing (needs root or sudo).
ops-deps:
	@command -v pgbouncer >/dev/null 2>&1 || test -x /usr/sbin/pgbouncer || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq pgbouncer; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=samla.settings.test $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DJANGO_SETTINGS_MODULE=samla.settings.test $(BIN)/samla makemigrations --check --dry-run --verbosity 0

test: assets browser-deps ops-deps lint migrations-check
	$(BIN)/pytest $(PYTEST_ARGS)

# The local loop: the same checks as `make test`, and every test except the groups that
# need something outside Python or take minutes: the real Celery worker (marker `worker`,
# needs Redis), headless Chromium (`browser`) and the API fuzzer (`fuzz`). In CI
# (CI=true) those groups fail rather than skip when Redis or Chromium is missing, so
# `make test` is what CI runs and what to run before pushing.
test-fast: assets lint migrations-check
	$(BIN)/pytest -m "not worker and not browser and not fuzz" $(PYTEST_ARGS)

worker: install
	DJANGO_SETTINGS_MODULE=samla.settings.dev $(BIN)/celery -A samla worker --beat --loglevel=info

clean:
	rm -rf $(VENV) .samla samla/static/vendor samla/assets/node_modules
