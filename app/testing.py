"""pytest plugin (entry point `pytest11: crowdmock`): crowdmock as a test double, in-process or as a live server.

def test_my_client(crowdmock_app):
    client = crowdmock_app.client                      # httpx-compatible, over ASGI, no network
    client.get("/ushahidi/api/v3/posts/8328")
    assert crowdmock_app.count(vendor="ushahidi", path="/api/v3/posts/8328") == 1

def test_against_a_server(crowdmock_server, crowdmock_reset):
    base = crowdmock_server.base_url("ushahidi")       # http://127.0.0.1:<port>/ushahidi

def test_in_parallel(crowdmock_tenant):                # safe under pytest-xdist: a fresh tenant per test
    base = crowdmock_tenant.base_url("ushahidi")       # http://127.0.0.1:<port>/t/gw0-<id>/ushahidi

Under pytest-xdist the live server is started once, by the controller, and shared by every worker
(docs/pytest-plugin.md, docs/parallel-tests.md).
"""

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings
from crowdmock.vendors import VENDORS


class Crowdmock:
    """Base URLs and the admin API, over any httpx-style client rooted at crowdmock."""

    def __init__(self, client, url: str):
        self.client, self.url = client, url.rstrip("/")

    def base_url(self, vendor: str) -> str:
        return self.url + VENDORS[vendor].prefix

    def _admin(self, method: str, path: str, **kwargs) -> dict:
        response = self.client.request(method, f"{self.url}/__admin{path}", **kwargs)
        response.raise_for_status()
        return response.json()

    def reset(self, vendor: str | None = None) -> dict:
        return self._admin("POST", "/reset", params={"vendor": vendor} if vendor else None)

    def requests(self, **filters) -> list[dict]:
        """Journal entries, newest first (filters: vendor, method, path prefix, status, since, limit)."""
        return self._admin("GET", "/requests", params=filters)["requests"]

    def count(self, **matcher) -> int:
        """Journal entries matching (vendor, method, path, path_regex, status, query, headers, body_contains)."""
        return self._admin("POST", "/requests/count", json=matcher)["count"]

    def fault(self, **rule) -> dict:
        return self._admin("POST", "/faults", json=rule)

    def token(self, vendor: str, user: str | None = None, scopes: list[str] | None = None, ttl: int | None = None):
        """Ready-to-send credentials: {"headers", "cookies", "query", ...}."""
        spec = {k: v for k, v in {"vendor": vendor, "user": user, "scopes": scopes, "ttl": ttl}.items() if v}
        return self._admin("POST", "/tokens", json=spec)


class CrowdmockApp(Crowdmock):
    def __init__(self, app, client: TestClient):
        super().__init__(client, "http://testserver")
        self.app = app

    def async_client(self, **kwargs) -> httpx.AsyncClient:
        """An httpx.AsyncClient over the same app (no network)."""
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=self.url, **kwargs)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(settings: Settings, port: int | None = None) -> Iterator[str]:
    """`crowdmock serve`'s uvicorn setup on a loopback port (a free one unless given) in a background thread;
    yields the base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        http="crowdmock.core.reason:ReasonPhraseProtocol",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.01)
    if not server.started:
        raise RuntimeError("crowdmock server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def crowdmock_settings() -> Settings:
    """Override to change settings; the default is a private throwaway database."""
    return Settings(database_url="sqlite://")


@pytest.fixture
def crowdmock_app(crowdmock_settings) -> Iterator[CrowdmockApp]:
    """crowdmock in-process with a fresh store: `.client` (sync, httpx API), `.async_client()`, admin helpers."""
    app = create_app(crowdmock_settings)
    with TestClient(app) as client:
        yield CrowdmockApp(app, client)


# pytest-xdist: the controller's live server, whose URL each worker gets in its `workerinput`.
WORKER_URL_KEY = "crowdmock_server_url"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """xdist's controller, as it starts each worker: one live server for all of them, starting in the background
    with the first worker (the workers wait for it only when a test asks for it)."""
    config = node.config
    if not hasattr(config, "_crowdmock_server"):
        config._crowdmock_server = _BackgroundServer()
    node.workerinput[WORKER_URL_KEY] = config._crowdmock_server.url


def pytest_unconfigure(config) -> None:
    server = getattr(config, "_crowdmock_server", None)
    if server is not None:
        server.stop()


class _BackgroundServer:
    """`serve()` in a thread of its own, on a port chosen now, so that its URL is known before it is up."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # Its own state whatever the environment says (CROWDMOCK_SHARED_STATE would need a database file).
        with serve(Settings(database_url="sqlite://", shared_state=False), port=self.port):
            self._stop.wait()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(15)


def _wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{url}/__admin/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the shared crowdmock server at {url} did not start")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def crowdmock_server(pytestconfig) -> Iterator[Crowdmock]:
    """A live crowdmock on a free loopback port for the whole session (use crowdmock_reset or crowdmock_tenant
    between tests). Under pytest-xdist every worker shares the controller's."""
    shared = getattr(pytestconfig, "workerinput", {}).get(WORKER_URL_KEY)
    with httpx.Client(timeout=30) as client:
        if shared:
            _wait_until_up(shared)
            yield Crowdmock(client, shared)
            return
        with serve(Settings(database_url="sqlite://")) as url:
            yield Crowdmock(client, url)


@pytest.fixture
def crowdmock_tenant(crowdmock_server, pytestconfig) -> Iterator[Crowdmock]:
    """A fresh tenant of the live server for this test alone (docs/parallel-tests.md): `.base_url(vendor)` and
    every helper work on it; it is deleted after the test. Safe with any number of xdist workers."""
    worker = getattr(pytestconfig, "workerinput", {}).get("workerid", "main")
    name = f"{worker}-{uuid.uuid4().hex[:12]}"
    crowdmock_server._admin("POST", "/tenants", json={"name": name})
    try:
        yield Crowdmock(crowdmock_server.client, f"{crowdmock_server.url}/t/{name}")
    finally:
        crowdmock_server.client.delete(f"{crowdmock_server.url}/__admin/tenants/{name}")


@pytest.fixture
def crowdmock_reset(crowdmock_server) -> Crowdmock:
    """Resets the live server (data, journal, faults) before the test."""
    crowdmock_server.reset()
    return crowdmock_server
