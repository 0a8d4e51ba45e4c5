# Quick start: `make demo` (offline, no token needed) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# One stamp per requirements file: run, demo and check install only the runtime (requirements.txt);
# test, lint and bench add requirements-dev.txt.
RUNTIME := $(VENV)/.installed-requirements.txt
DEV := $(VENV)/.installed-requirements-dev.txt
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

# The settings file of check, run and demo, as the service's: make check ENV_FILE=/etc/pilkada-bot.env
# (or BOT_ENV_FILE=...). Without one, bot.py reads .env and the defaults (the bundled schedule).
ENV_FILE ?= $(BOT_ENV_FILE)
SETTINGS := $(if $(strip $(ENV_FILE)), --env-file $(strip $(ENV_FILE)))

# The user the systemd unit runs the bot as. Where that user exists, root does not build the .venv:
# root's files (with root's umask) may be unusable by it, and root would own what it must update.
SERVICE_USER ?= pilkada-bot
NOT_AS_ROOT = if [ "$$(id -u)" = 0 ] && [ -z "$(ALLOW_ROOT)" ] && id -u $(SERVICE_USER) >/dev/null 2>&1; then \
	  echo "refusing to build $(VENV) as root (the bot's user $(SERVICE_USER) might not run it); run make as $(SERVICE_USER): sudo chown -R $(SERVICE_USER): . && sudo -u $(SERVICE_USER) make $(MAKECMDGOALS) (or make ALLOW_ROOT=1 to build it as root anyway)" >&2; \
	  exit 1; fi

.PHONY: demo test run check lint bench clean

# Python 3.11 or newer. A .venv made by an older Python is rebuilt, not reused: when its python is
# too old the stamps count as out of date whatever their time.
NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 11))
HOW_TO_GET := on Ubuntu 22.04: sudo apt install python3.11 python3.11-venv, then make PYTHON=python3.11 (Ubuntu 24.04 and Debian 12+: sudo apt install python3 python3-venv)
ifneq ($(shell $(PY) -c '$(NEW_ENOUGH)' 2>/dev/null && echo ok),ok)
.PHONY: $(RUNTIME) $(DEV)
endif

$(RUNTIME): requirements.txt
	@$(PYTHON) -c '$(NEW_ENOUGH)' 2>/dev/null || { \
	  found=$$(command -v $(PYTHON) >/dev/null && echo "$$($(PYTHON) --version 2>&1) ($$(command -v $(PYTHON)))" || echo "no $(PYTHON)"); \
	  echo "Python 3.11 or newer is needed, found $$found; $(HOW_TO_GET)" >&2; \
	  exit 1; }
	@$(NOT_AS_ROOT)
	@if test -x $(PY) && ! $(PY) -c '$(NEW_ENOUGH)' 2>/dev/null; then \
	  echo "$(VENV) was made by $$($(PY) --version 2>&1); rebuilding it with $(PYTHON)"; rm -rf $(VENV); fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $(RUNTIME)

$(DEV): requirements-dev.txt $(RUNTIME)
	@$(NOT_AS_ROOT)
	$(PIP) -r requirements-dev.txt
	touch $(DEV)

demo: $(RUNTIME)
	$(PY) bot.py demo$(SETTINGS)

run: $(RUNTIME)
	$(PY) bot.py run$(SETTINGS)

check: $(RUNTIME)
	$(PY) bot.py check$(SETTINGS)

# mypy's settings are in pyproject.toml ([tool.mypy]: bot/ and standin/, disallow_untyped_defs).
lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Most tests wait on sockets and subprocesses, not the CPU: 5 workers beat 2 even on 2 cores (on 2
# cores with the caches below, measured: 5 workers 82-89 s, 6 workers 96 s, 8 workers 89 s, each
# worker beyond 5 costing more CPU than its waits save); worksteal keeps a worker that drew the slow
# end-to-end tests from holding up the end.
# PYTHONDONTWRITEBYTECODE (set on some machines and CI images) would make each worker, and each bot
# process a test starts, compile the bot and rewrite the tests' asserts anew: 6 CPU-s a worker, over
# a quarter of the run on 2 cores. A collection pass writes those caches once; the workers read them.
test: lint
	@PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q --collect-only >/dev/null || true
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q -n 5 --dist worksteal

# The FAQ evaluation first (seconds; fails on a missed target), then the delivery benchmark.
bench: $(DEV)
	$(PY) bench/faq_eval.py --strict
	$(PY) bench/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
