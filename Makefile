# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is what those two are made of.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Django 6.1 needs Python >= 3.12: take the newest one this machine has.
PYTHON_BOOT := $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)
SANDBOX_ADDR ?= 127.0.0.1:8001

.PHONY: run test venv lint sandbox clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON_BOOT)" || { echo "Python >= 3.12 is required (tried python3.13, python3.12, python3)." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

## run: set everything up and start the product on the sandbox
run: venv
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py demo_setup --addr $(SANDBOX_ADDR)
	$(PY) manage.py runsandbox $(SANDBOX_ADDR)

## test: set everything up and run the whole suite
test: venv
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var
