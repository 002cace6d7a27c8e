# The two commands of the README: `make run` and `make test`. Both build .venv on first use.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench screenshots clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	bash scripts/system-deps.sh run
	$(BIN)/enrollpoint

lint: $(STAMP)
	$(BIN)/ruff check .

# The hub tests also run on PostgreSQL: a throw-away cluster on 127.0.0.1 (reused if already running;
# skipped, with SQLite only, when PostgreSQL is not installed).
test: $(STAMP)
	bash scripts/system-deps.sh test
	$(BIN)/ruff check .
	EP_TEST_PG_URL="$${EP_TEST_PG_URL:-$$(bash scripts/ci-postgres.sh 2>/dev/null || true)}" \
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) build dist *.egg-info
