# Parley. `make run` starts the site on http://127.0.0.1:8000; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the site's own links (emails, feeds) name: HOST, or served on every address
# (0.0.0.0 or ::), the machine's first network address, which others can reach.
SITE_HOST = $(if $(filter 0.0.0.0 ::,$(HOST)),$(or $(firstword $(shell hostname -I 2>/dev/null)),127.0.0.1),$(HOST))
SITE_URL = http://$(if $(findstring :,$(SITE_HOST)),[$(SITE_HOST)],$(SITE_HOST)):$(PORT)
# Locally the test database is kept between runs; CI starts from nothing.
PYTEST_ARGS ?= $(if $(CI),--durations=20,--reuse-db)

.DEFAULT_GOAL := help
.PHONY: help setup migrate demo run worker test test-fast lint format bench bench-search bench-peers bench-live bench-import messages clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

setup: $(STAMP) ## Create .venv and install Parley with its development tools

migrate: setup ## Apply database migrations
	PARLEY_SITE_URL=$${PARLEY_SITE_URL:-$(SITE_URL)} $(BIN)/python manage.py migrate --noinput

demo: migrate ## Load the demo article, updates and comments (once)
	$(BIN)/python manage.py load_demo

run: demo ## Start the site on http://127.0.0.1:8000 (embedded: SQLite, inline tasks)
	@echo ""
	@echo "  Parley is starting on $${PARLEY_SITE_URL:-$(SITE_URL)}/"
	@echo "  Open $${PARLEY_SITE_URL:-$(SITE_URL)}/ for the demo article and its comments."
	@echo "  Create an admin (and moderator) account in another terminal with:"
	@echo "      $(BIN)/python manage.py createsuperuser"
	@echo "  then sign in at $${PARLEY_SITE_URL:-$(SITE_URL)}/admin/"
	@echo ""
	PARLEY_SITE_URL=$${PARLEY_SITE_URL:-$(SITE_URL)} $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: setup ## Start a Celery worker with beat (needs REDIS_URL)
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (for example redis://127.0.0.1:6379) first."; exit 2; }
	$(BIN)/celery -A config worker --beat --loglevel=INFO --queues=celery,webhooks --concurrency=$${CELERY_CONCURRENCY:-2}

test: setup ## Run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS) $(ARGS)

test-fast: setup ## Run the unit tier: no browser, no worker, nothing slow (under a minute)
	$(BIN)/python -m pytest $(PYTEST_ARGS) -m "not browser and not integration and not slow" $(ARGS)

lint: setup ## Check style (ruff) and that dependencies point one way (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

messages: setup ## Extract new strings into locale/ (German, Ukrainian) and compile them; needs gettext
	$(BIN)/python manage.py translations_update

format: setup ## Reformat with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup ## Run the benchmarks under bench/ and print their figures
	$(BIN)/python -m bench.thread_render
	$(BIN)/python -m bench.markdown_render
	$(BIN)/python -m bench.spam_eval --replay
	$(BIN)/python -m bench.spam_learning
	$(BIN)/python -m bench.queue_latency
	$(BIN)/python -m bench.http_load
	$(BIN)/python -m bench.faults

bench-search: setup ## Time the moderators' search over 100,000 comments in a scratch PostgreSQL database (DATABASE_URL)
	$(BIN)/python -m bench.search $(ARGS)

bench-peers: setup ## Run Parley beside Isso 0.14 and nginx in one run and print the table (ARGS=--quick)
	$(BIN)/python -m bench.peers $(ARGS)

bench-import: setup ## Import a 100,000-comment WordPress export on SQLite and PostgreSQL and print comments/s, peak RSS and the re-run
	$(BIN)/python -m bench.import $(ARGS)

bench-live: setup ## Open 1,000 live streams on one article (uvicorn, Redis, a worker) and print the figures
	$(BIN)/python -m bench.live $(ARGS)

clean: ## Remove the virtualenv, local databases and caches
	rm -rf $(VENV) db.sqlite3* .test-db.sqlite3* .pytest_cache staticfiles *.egg-info
