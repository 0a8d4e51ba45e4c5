# Quick start: `make demo` (offline, no token needed) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test run check lint bench clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

demo: $(STAMP)
	$(PY) bot.py demo

run: $(STAMP)
	$(PY) bot.py run

check: $(STAMP)
	$(PY) bot.py check

# mypy's settings are in pyproject.toml ([tool.mypy]: bot/ with --check-untyped-defs).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Most tests wait on sockets and subprocesses, not the CPU: 6 workers beat 2 even on 2 cores;
# worksteal keeps a worker that drew the slow end-to-end tests from holding up the end.
test: lint
	$(PY) -m pytest -q -n 6 --dist worksteal

bench: $(STAMP)
	$(PY) bench/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
