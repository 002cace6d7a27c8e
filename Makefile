# The two commands of the README: `make run` and `make test`. Both build .venv on first use, from the
# locks in requirements/ (exact versions, every file checked against its hash), then add the project
# itself as an editable install with nothing more. `make lock` refreshes the locks (docs/DEVELOPING.md).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
APP_LOCK := requirements/app.txt
DEV_LOCK := requirements/dev.txt
HUB_LOCK := requirements/hub.txt
STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev
# `make lock` runs uv from a venv of its own (not a dependency of the app or its tests).
TOOLS_VENV ?= .venv-tools
UV_VERSION := 0.13.9
UV := $(TOOLS_VENV)/bin/uv
LOCK_FLAGS ?=
COMPILE := $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock' $(LOCK_FLAGS)

.PHONY: run test lint bench screenshots installer lock system-deps-test clean

# The lock first (pip is pinned in it too), then the project without its dependencies and without build
# isolation: setuptools and wheel come from the lock as well.
define install_lock
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(1)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
endef

# The app and the hub: requirements/app.txt.
$(STAMP): $(APP_LOCK) pyproject.toml
	$(call install_lock,$(APP_LOCK))
	touch $@

# The tests, linters and the installer build: requirements/dev.txt (the app's pins plus the dev, icu and
# postgres extras). PyICU builds from source on libicu-dev: the Debian packages come first.
$(DEV_STAMP): $(DEV_LOCK) pyproject.toml | system-deps-test
	$(call install_lock,$(DEV_LOCK))
	touch $(STAMP) $@

# Debian packages of the tests (PostgreSQL, Xvfb, Chromium, libicu-dev, …); phony, so one `make test`
# checks them once.
system-deps-test:
	bash scripts/system-deps.sh test

run: $(STAMP)
	bash scripts/system-deps.sh run
	$(BIN)/enrollpoint

# Style, the layer contracts of pyproject.toml ([tool.importlinter]) and types ([tool.mypy]).
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# The hub tests also run on PostgreSQL: a throw-away cluster on 127.0.0.1 (reused if already running;
# skipped, with SQLite only, when PostgreSQL is not installed).
test: system-deps-test lint
	EP_TEST_PG_URL="$${EP_TEST_PG_URL:-$$(bash scripts/ci-postgres.sh 2>/dev/null || true)}" \
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(DEV_STAMP)
	$(BIN)/python bench/run_all.py

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py --real-display

# The Linux one-folder bundle (installer/README.md), built with the dev lock's PyInstaller.
installer: $(DEV_STAMP)
	PYTHON=$(BIN)/python bash installer/build_linux.sh

# Re-resolve both locks for Linux and Windows (universal markers) from pyproject.toml. Versions already
# in a lock are kept unless pyproject.toml excludes them; `make lock LOCK_FLAGS=--upgrade` moves
# everything to the newest allowed, `LOCK_FLAGS='-P reportlab'` one package. The dev lock is
# constrained by the app lock, so both pin the same versions; the hub-only lock (requirements/hub.in: no
# PySide6) by the dev lock.
lock: $(UV)
	$(COMPILE) pyproject.toml requirements/tools.in -o $(APP_LOCK)
	$(COMPILE) pyproject.toml requirements/tools.in --extra dev --extra icu --extra postgres \
		-c $(APP_LOCK) -o $(DEV_LOCK)
	$(COMPILE) requirements/hub.in requirements/tools.in -c $(DEV_LOCK) -o $(HUB_LOCK)

$(UV):
	$(PY) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install --quiet uv==$(UV_VERSION)

clean:
	rm -rf $(VENV) build dist *.egg-info
