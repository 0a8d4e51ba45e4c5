# Quick start: `make demo` (offline, no token needed) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test run check lint bench clean

# Python 3.11 or newer. A .venv made by an older Python is rebuilt, not reused: when its python is
# too old the stamp counts as out of date whatever its time.
NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 11))
HOW_TO_GET := on Ubuntu 22.04: sudo apt install python3.11 python3.11-venv, then make PYTHON=python3.11 (Ubuntu 24.04 and Debian 12+: sudo apt install python3 python3-venv)
ifneq ($(shell $(PY) -c '$(NEW_ENOUGH)' 2>/dev/null && echo ok),ok)
.PHONY: $(STAMP)
endif

$(STAMP): requirements.txt
	@$(PYTHON) -c '$(NEW_ENOUGH)' 2>/dev/null || { \
	  found=$$(command -v $(PYTHON) >/dev/null && echo "$$($(PYTHON) --version 2>&1) ($$(command -v $(PYTHON)))" || echo "no $(PYTHON)"); \
	  echo "Python 3.11 or newer is needed, found $$found; $(HOW_TO_GET)" >&2; \
	  exit 1; }
	@if test -x $(PY) && ! $(PY) -c '$(NEW_ENOUGH)' 2>/dev/null; then \
	  echo "$(VENV) was made by $$($(PY) --version 2>&1); rebuilding it with $(PYTHON)"; rm -rf $(VENV); fi
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

# The FAQ evaluation first (seconds; fails on a missed target), then the delivery benchmark.
bench: $(STAMP)
	$(PY) bench/faq_eval.py --strict
	$(PY) bench/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
