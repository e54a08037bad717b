# Evident: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-sqlite test-postgres test-browser setup demo migrate check clean lint-imports

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test,postgres,redis]"
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	TASKS_BACKEND=$${TASKS_BACKEND:-django_tasks_db.DatabaseBackend} $(BIN)/python manage.py demo --look-up

# The processes `make run` starts together (NAME=COMMAND each; see config/devserver.py, which
# also sets the task backend they share). Add one with RUN_PROCESSES += "name=command".
RUN_PROCESSES = "web=$(BIN)/python manage.py runserver $(HOST):$(PORT)"
RUN_PROCESSES += "worker=$(BIN)/python manage.py worker"

## Set everything up and serve the forum with demo data on SQLite at http://127.0.0.1:8000,
## with the task worker beside it (one Ctrl-C stops both)
run: demo
	REFERENCES_MAX_RETRIES=$${REFERENCES_MAX_RETRIES:-1} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} \
		$(BIN)/python config/devserver.py $(RUN_PROCESSES)

## Set everything up and run the whole suite: SQLite, PostgreSQL and the Chromium browser tests
test: setup
	bash .ci/test-all

test-sqlite: setup
	$(BIN)/python -m pytest

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/evident} $(BIN)/python -m pytest

## The import contracts alone (.importlinter; `make test` runs them first)
lint-imports: setup
	$(BIN)/lint-imports --no-logo --no-cache

check: setup
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var staticfiles
