# Two commands do all the set-up: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test fuzz openapi bench browser lint format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/crowdmock serve

# The dashboard's browser test drives Debian's chromium; install it when we can (root with apt-get), else the
# test is skipped (CI sets CROWDMOCK_REQUIRE_BROWSER=1, which makes a missing browser a failure).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; }; } || \
		echo "chromium not installed: the dashboard browser test will be skipped"

test: $(STAMP) browser
	$(BIN)/ruff check app tests
	$(BIN)/ruff format --check app tests
	$(BIN)/pytest

# A longer schemathesis search than the test suite's (same fixed seed; CROWDMOCK_FUZZ_EXAMPLES per operation).
fuzz: $(STAMP)
	CROWDMOCK_FUZZ_EXAMPLES=$${CROWDMOCK_FUZZ_EXAMPLES:-100} $(BIN)/pytest -o addopts= -q tests/fuzz

# Re-records what the OpenAPI documents show of request bodies, parameters and answers from the test suite's
# exchanges (tests/openapi_recorder.py) into app/vendors/<vendor>/openapi.json. Run it after changing a response.
openapi: $(STAMP)
	rm -f .openapi-recording.jsonl
	CROWDMOCK_RECORD_OPENAPI=$(CURDIR)/.openapi-recording.jsonl $(BIN)/pytest -o addopts= -q -p no:cacheprovider \
		--ignore=tests/fuzz --ignore=tests/reliability tests
	$(BIN)/python -m tests.openapi_recorder build .openapi-recording.jsonl
	rm -f .openapi-recording.jsonl

# crowdmock against a bare FastAPI ceiling (bench/run.py): wrk on one core, the server on the other. Installs
# Debian's wrk when it can (root with apt-get). Results in bench/results/.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

format: $(STAMP)
	$(BIN)/ruff format app tests
	$(BIN)/ruff check --fix app tests

clean:
	rm -rf $(VENV) data/*.sqlite3*
