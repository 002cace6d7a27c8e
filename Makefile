# The two commands of the README: `make run` and `make test`. Both build .venv on first use.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench screenshots clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The tests also need Debian packages (PostgreSQL, Xvfb, libicu-dev to build PyICU, …) and the icu extra.
$(TEST_STAMP): $(STAMP)
	bash scripts/system-deps.sh test
	$(BIN)/pip install --quiet -e '.[dev,icu]'
	touch $(TEST_STAMP)

run: $(STAMP)
	bash scripts/system-deps.sh run
	$(BIN)/enrollpoint

# Style, the layer contracts of pyproject.toml ([tool.importlinter]) and types ([tool.mypy]).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# The hub tests also run on PostgreSQL: a throw-away cluster on 127.0.0.1 (reused if already running;
# skipped, with SQLite only, when PostgreSQL is not installed).
test: $(TEST_STAMP)
	bash scripts/system-deps.sh test
	$(MAKE) --no-print-directory lint
	EP_TEST_PG_URL="$${EP_TEST_PG_URL:-$$(bash scripts/ci-postgres.sh 2>/dev/null || true)}" \
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) build dist *.egg-info
