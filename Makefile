# The few commands a newcomer needs. `make demo` runs Samla; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install assets demo test lint format worker browser-deps clean

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

# Debian's Chromium for the browser tests, installed when missing (needs root or sudo).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: assets browser-deps lint
	DJANGO_SETTINGS_MODULE=samla.settings.test $(BIN)/samla makemigrations --check --dry-run --verbosity 0
	$(BIN)/pytest $(PYTEST_ARGS)

worker: install
	DJANGO_SETTINGS_MODULE=samla.settings.dev $(BIN)/celery -A samla worker --beat --loglevel=info

clean:
	rm -rf $(VENV) .samla samla/static/vendor samla/assets/node_modules
