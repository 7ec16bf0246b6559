"""Shared fixtures: a fresh in-memory store and app per test, and a live server when a test needs sockets."""

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

# Seeded databases are kept for this run only (not in the user's cache): the first store of the run is seeded from
# the fixtures, the later ones copy it, so both paths run every time. Set before Settings are read.
os.environ["CROWDMOCK_SEED_CACHE"] = tempfile.mkdtemp(prefix="crowdmock-test-seeds-")
atexit.register(shutil.rmtree, os.environ["CROWDMOCK_SEED_CACHE"], ignore_errors=True)

from crowdmock.main import create_app  # noqa: E402
from crowdmock.settings import Settings  # noqa: E402
from crowdmock.testing import serve  # noqa: E402
from tests import postgres  # noqa: E402

if os.environ.get("CROWDMOCK_RECORD_OPENAPI"):  # `make openapi`
    from tests.openapi_recorder import install

    install(os.environ["CROWDMOCK_RECORD_OPENAPI"])


# Which database the suites' stores use: a private SQLite file each, or a new PostgreSQL database each copied from a
# seeded one on a real server the run starts (CROWDMOCK_TEST_BACKEND=postgresql; `.ci/run` runs both).
BACKEND = os.environ.get("CROWDMOCK_TEST_BACKEND", "sqlite")


@pytest.fixture(scope="session")
def postgres_server():
    if not postgres.available():
        postgres.skip_or_fail("Debian's postgresql package is not installed")
    server = postgres.PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def database_url(request) -> str:
    if BACKEND == "postgresql":
        return request.getfixturevalue("postgres_server").seeded_database()
    return "sqlite://"


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(database_url=database_url, public_base_url=None)


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def live_server(settings) -> Iterator[str]:
    with serve(settings) as base:
        yield base


class VendorClient:
    """A TestClient rooted at a vendor's prefix, sending default headers unless a call gives its own."""

    def __init__(self, client, prefix: str, headers: dict | None = None):
        self.client, self.prefix, self.default_headers = client, prefix, headers or {}

    def request(self, method: str, path: str, **kwargs):
        kwargs.setdefault("headers", self.default_headers)
        return self.client.request(method, self.prefix + path, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)
