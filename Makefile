# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is what those two are made of.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Django 6.1 needs Python >= 3.12: take the newest one this machine has.
PYTHON_BOOT := $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)
# Where make run / make serve start the two servers. The dashboard's settings read SANDBOX_ADDR
# too: BRIGHTSTAR_API_URL follows it unless set in the environment or .env.
SANDBOX_ADDR ?= 127.0.0.1:8001
DASHBOARD_ADDR ?= 127.0.0.1:8000
export SANDBOX_ADDR
# The browser tests drive Debian's Chromium; point this elsewhere to use another build.
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

.PHONY: run serve test test-postgres explore venv lint browser clean bench bench-door bench-venue soak messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON_BOOT)" || { echo "Python >= 3.12 is required (tried python3.13, python3.12, python3)." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

## run: set everything up and start the dashboard (and its task worker) on the sandbox (Ctrl-C stops all)
# Its last line is the dashboard's URL, printed once both servers answer (startup_check).
run: venv
	@$(PY) manage.py migrate --verbosity 0
	@$(PY) manage.py collectstatic --noinput --verbosity 0
	@$(PY) manage.py demo_setup --addr $(SANDBOX_ADDR)
	@echo "Demo staff (one per role):"
	@$(PY) manage.py demo_staff
	@echo ""
	@export PYTHONUNBUFFERED=1; trap 'kill 0' EXIT; \
	$(PY) manage.py runsandbox $(SANDBOX_ADDR) --noreload & \
	$(PY) manage.py runserver $(DASHBOARD_ADDR) --noreload & \
	$(PY) manage.py db_worker --no-reload --verbosity 0 & \
	$(PY) manage.py startup_check --dashboard $(DASHBOARD_ADDR); \
	wait

## serve: both servers under gunicorn with production settings, on this machine (Ctrl-C stops both)
serve: venv
	@$(PY) manage.py migrate --verbosity 0
	@$(PY) manage.py collectstatic --noinput --verbosity 0
	@$(PY) manage.py demo_setup --addr $(SANDBOX_ADDR) >/dev/null
	@echo "Starting the sandbox (http://$(SANDBOX_ADDR)/v1/test) and the dashboard under gunicorn..."
	@export PYTHONUNBUFFERED=1; trap 'kill 0' EXIT; \
	DEBUG=false BIND=$(SANDBOX_ADDR) DJANGO_SETTINGS_MODULE=sandbox.settings $(VENV)/bin/gunicorn -c gunicorn.conf.py sandbox.wsgi & \
	DEBUG=false BIND=$(DASHBOARD_ADDR) $(VENV)/bin/gunicorn -c gunicorn.conf.py boxoffice.wsgi & \
	DEBUG=false $(PY) manage.py db_worker --no-reload --verbosity 0 & \
	DEBUG=false $(PY) manage.py startup_check --dashboard $(DASHBOARD_ADDR); \
	wait

## browser: Debian's Chromium for the browser tests (installed when missing and we are root)
browser:
	@if [ ! -x $(CHROMIUM_PATH) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium for the browser tests (apt-get install chromium)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium at $(CHROMIUM_PATH): run 'sudo apt-get install chromium' (Debian/Ubuntu)," >&2; \
	    echo "or point CHROMIUM_PATH at an installed Chromium." >&2; exit 1; \
	  fi; \
	fi

## test: set everything up and run the whole suite
test: venv browser
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

## test-postgres: the suite again on PostgreSQL and Redis on 127.0.0.1 (CI's second leg)
PG_URL ?= postgres://postgres@127.0.0.1:5432
test-postgres: venv browser
	DATABASE_URL=$(PG_URL)/boxoffice SANDBOX_DATABASE_URL=$(PG_URL)/sandbox CACHE_URL=redis://127.0.0.1:6379/1 \
	  $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

## explore: the property tests with fresh random draws (make test draws the same ones every run)
explore: venv browser
	HYPOTHESIS_PROFILE=explore $(PY) -m pytest tests/hostile tests/dashboard/test_money.py $(PYTEST_ARGS)

## soak: a dozen simulated staff and doors on the dashboard for 3 minutes, the API failing 20% of the time
soak: venv
	$(PY) soak/run.py --minutes 3

## bench: what each dashboard page costs on top of its API calls (gunicorn, 100,000 attendees; a few minutes)
bench: venv
	$(PY) bench/pages.py
	$(PY) bench/scans.py

## bench-door: the door's scan, counters and search, dashboard vs API in floors, and scan throughput
bench-door: venv
	$(PY) bench/door.py

## bench-venue: venue mode: the replica's first and incremental sync, offline vs online scans, the outbox's drain
bench-venue: venv
	$(PY) bench/venue.py

## messages: extract every marked string into locale/<lang>/LC_MESSAGES/*.po, then compile the .mo files
# Extracting needs GNU gettext (xgettext: apt-get install gettext); compiling uses Babel, which the venv has,
# so the committed .mo files can be rebuilt anywhere (tests/dashboard/test_i18n.py checks they are current).
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=sandbox --ignore=tests --ignore=bench --ignore=soak \
	--ignore=scripts --ignore=static/vendor --ignore=screenshots --ignore=node_modules
messages: venv
	@command -v xgettext >/dev/null || { echo "make messages needs xgettext: apt-get install gettext" >&2; exit 1; }
	$(PY) manage.py makemessages --locale=en --locale=de --domain=django --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(PY) manage.py makemessages --locale=en --locale=de --domain=djangojs --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	@for domain in django djangojs; do \
	  ls locale/*/LC_MESSAGES/$$domain.po >/dev/null 2>&1 || continue; \
	  $(VENV)/bin/pybabel compile --statistics -d locale -D $$domain || exit 1; \
	done

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var
