# The two commands: `make run` and `make test`. Both are safe to run again.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Emailed links point at the local server, not www.diz.org.uk.
DEV_ENV = DJANGO_DEBUG=1 DJANGO_SITE_URL=http://127.0.0.1:$(PORT)
PORT ?= 8000

.PHONY: install run test test-fast lint format bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_demo
	$(DEV_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@# A worker beside the server sends email and runs imports; it stops when the server does.
	$(DEV_ENV) $(PY) manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  trap 'exit 130' INT TERM; \
	  $(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install lint
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# A separate database: SQLite file bench.sqlite3, or BENCH_DATABASE_URL (its name must contain
# "bench"), e.g. BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/diz_bench
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/bench.sqlite3
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SECRET_KEY=bench-only-not-secret \
	  DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_LOG_LEVEL=WARNING \
	  $(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache
