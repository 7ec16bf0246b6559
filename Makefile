# Two commands do all the set-up: `make run` and `make test`. Both create .venv when it is missing.
# Dependencies come from the locks in requirements/ (`make lock` writes them from pyproject.toml's ranges); `make
# run` installs what serving needs, `make test` adds the test tools. crowdmock itself is an editable install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SERVE_STAMP := $(VENV)/.installed-serve
TEST_STAMP := $(VENV)/.installed-test
PIP := $(BIN)/python -m pip install -q

.PHONY: run test fuzz openapi bench browser postgres tls-clients lint format clean lock dist package-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip

$(SERVE_STAMP): pyproject.toml requirements/serve.txt | $(BIN)/python
	$(PIP) -r requirements/serve.txt
	$(PIP) --no-deps -e .
	touch $@

$(TEST_STAMP): pyproject.toml requirements/test.txt | $(BIN)/python
	$(PIP) -r requirements/test.txt
	$(PIP) --no-deps -e .
	touch $(SERVE_STAMP) $@

run: $(SERVE_STAMP)
	$(BIN)/crowdmock serve

# The dashboard's browser test drives Debian's chromium; install it when we can (root with apt-get), else the
# test is skipped (CI sets CROWDMOCK_REQUIRE_BROWSER=1, which makes a missing browser a failure).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; }; } || \
		echo "chromium not installed: the dashboard browser test will be skipped"

# The PostgreSQL tests start a real server from Debian's postgresql package; install it when we can (root with
# apt-get), else they are skipped (CI sets CROWDMOCK_REQUIRE_POSTGRES=1, which makes a missing server a failure).
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get install -y -qq postgresql >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }; }; } || \
		echo "postgresql not installed: the PostgreSQL tests will be skipped"

# The HTTPS tests also drive Node's https module and curl (docs/https.md); install them when we can, else those tests
# are skipped (CI sets CROWDMOCK_REQUIRE_TLS_CLIENTS=1, which makes a missing client a failure).
tls-clients:
	@{ command -v node >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; } || { [ "$$(id -u)" = 0 ] && \
		command -v apt-get >/dev/null 2>&1 && { apt-get install -y -qq nodejs curl >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq nodejs curl >/dev/null; }; }; } || \
		echo "node or curl not installed: their HTTPS tests will be skipped"

# The whole suite on SQLite, then the vendor and admin suites again with every store on PostgreSQL.
test: $(TEST_STAMP) browser postgres tls-clients
	$(BIN)/ruff check app tests
	$(BIN)/ruff format --check app tests
	$(BIN)/pytest
	CROWDMOCK_TEST_BACKEND=postgresql $(BIN)/pytest tests/crowdskout tests/crowdynews tests/dosomething tests/ideascale \
		tests/ushahidi tests/admin tests/dashboard tests/core/test_cache.py tests/core/test_inline.py tests/core/test_counters.py \
		tests/tenants/test_isolation.py

# A longer schemathesis search than the test suite's (same fixed seed; CROWDMOCK_FUZZ_EXAMPLES per operation).
fuzz: $(TEST_STAMP)
	CROWDMOCK_FUZZ_EXAMPLES=$${CROWDMOCK_FUZZ_EXAMPLES:-100} $(BIN)/pytest -o addopts= -q tests/fuzz

# Re-records what the OpenAPI documents show of request bodies, parameters and answers from the test suite's
# exchanges (tests/openapi_recorder.py) into app/vendors/<vendor>/openapi.json. Run it after changing a response.
openapi: $(TEST_STAMP)
	rm -f .openapi-recording.jsonl
	CROWDMOCK_RECORD_OPENAPI=$(CURDIR)/.openapi-recording.jsonl $(BIN)/pytest -o addopts= -q -p no:cacheprovider \
		--ignore=tests/fuzz --ignore=tests/reliability tests
	$(BIN)/python -m tests.openapi_recorder build .openapi-recording.jsonl
	rm -f .openapi-recording.jsonl

# crowdmock against a bare FastAPI ceiling (bench/run.py): wrk on one core, the server on the other. Installs
# Debian's wrk when it can (root with apt-get). Results in bench/results/.
bench: $(TEST_STAMP)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The locks: every dependency pinned, for `make run` and the image (with the `postgres` extra), `make test` and CI;
# pyproject.toml keeps open ranges for users.
lock: $(TEST_STAMP)
	$(PIP) pip-tools
	for lock in serve test; do \
		$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --annotation-style=line \
			--extra $$( [ $$lock = test ] && echo dev || echo postgres ) -o requirements/$$lock.txt pyproject.toml; done

# The sdist and the wheel, in dist/.
dist: $(TEST_STAMP)
	rm -rf dist
	$(BIN)/python -m build -q --outdir dist .

# crowdmock as a user meets it: the wheel in a new virtualenv outside the checkout, `crowdmock serve`, and a user
# project with its own `app/` package using the plugin's fixtures (.ci/package-check).
package-check: dist
	bash .ci/package-check dist

format: $(TEST_STAMP)
	$(BIN)/ruff format app tests
	$(BIN)/ruff check --fix app tests

clean:
	rm -rf $(VENV) dist build data/*.sqlite3*
