"""pytest plugin (entry point `pytest11: crowdmock`): crowdmock as a test double, in-process or as a live server.

def test_my_client(crowdmock_app):
    client = crowdmock_app.client                      # httpx-compatible, over ASGI, no network
    client.get("/ushahidi/api/v3/posts/8328")
    assert crowdmock_app.count(vendor="ushahidi", path="/api/v3/posts/8328") == 1

def test_against_a_server(crowdmock_server, crowdmock_reset):
    base = crowdmock_server.base_url("ushahidi")       # http://127.0.0.1:<port>/ushahidi

def test_in_parallel(crowdmock_tenant):                # safe under pytest-xdist: a fresh tenant per test
    base = crowdmock_tenant.base_url("ushahidi")       # http://127.0.0.1:<port>/t/gw0-<id>/ushahidi

def test_over_https(crowdmock_server):                 # with `crowdmock_https = true` (ini) or --crowdmock-https
    base = crowdmock_server.base_url("ushahidi", https=True)  # https://127.0.0.1:<port>/ushahidi
    httpx.get(f"{base}/api/v3/posts/8328", verify=ssl.create_default_context(cafile=crowdmock_server.ca_path))

Under pytest-xdist the live server is started once, by the controller, and shared by every worker
(docs/pytest-plugin.md, docs/parallel-tests.md).
"""

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from crowdmock.main import create_app, vendor_hostnames
from crowdmock.settings import Settings, user_cache_dir
from crowdmock.vendors import VENDORS

HTTPS_HELP = (
    "the live crowdmock server serves HTTPS when asked: `crowdmock_https = true` in your pytest configuration, "
    "`pytest --crowdmock-https`, or CROWDMOCK_HTTPS=true (docs/pytest-plugin.md)"
)


class Crowdmock:
    """Base URLs and the admin API, over any httpx-style client rooted at crowdmock. `https_url` is the same server
    over HTTPS (None when it serves none) and `ca_path` the CA certificate that clients trust it by."""

    def __init__(self, client, url: str, https_url: str | None = None, ca_path: Path | None = None):
        self.client, self.url = client, url.rstrip("/")
        self.https_url, self.ca_path = https_url and https_url.rstrip("/"), ca_path

    def base_url(self, vendor: str, https: bool = False) -> str:
        if not https:
            return self.url + VENDORS[vendor].prefix
        if self.https_url is None:
            raise RuntimeError(HTTPS_HELP)
        return self.https_url + VENDORS[vendor].prefix

    def _at(self, suffix: str) -> "Crowdmock":
        """The same server under a path (a tenant's `/t/<name>`)."""
        https_url = self.https_url + suffix if self.https_url else None
        return Crowdmock(self.client, self.url + suffix, https_url, self.ca_path)

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
    """In-process: `base_url(vendor, https=True)` gives requests the https scheme (no TLS, no certificate)."""

    def __init__(self, app, client: TestClient):
        super().__init__(client, "http://testserver", "https://testserver")
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
    with serve_urls(settings, port) as (url, _https_url):
        yield url


@contextmanager
def serve_urls(settings: Settings, port: int | None = None, https_port: int | None = None) -> Iterator[tuple]:
    """`serve`, also over HTTPS when `settings.https` (on `https_port`, a free one unless given); yields the base
    URL and the HTTPS one (None without HTTPS)."""
    port = port or free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        http="crowdmock.core.protocol:CrowdmockProtocol",
        log_level="warning",
        proxy_headers=False,  # forwarded headers: CROWDMOCK_TRUSTED_PROXIES only (core/proxies.py)
    )
    https_url = None
    if settings.https:
        from crowdmock.core.listeners import TLSServer, bind
        from crowdmock.core.tls import ensure_certificate

        https_port = https_port or free_port()
        server: uvicorn.Server = TLSServer(
            config, bind("127.0.0.1", https_port), ensure_certificate(settings, vendor_hostnames())
        )
        https_url = f"https://127.0.0.1:{https_port}"
    else:
        server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.01)
    if not server.started:
        raise RuntimeError("crowdmock server did not start")
    try:
        yield f"http://127.0.0.1:{port}", https_url
    finally:
        server.should_exit = True
        thread.join(10)
        if isinstance(getattr(server, "tls_socket", None), socket.socket):
            server.tls_socket.close()


def live_settings(config: pytest.Config) -> Settings:
    """The live server's settings: its own state in memory whatever the environment says (CROWDMOCK_SHARED_STATE
    would need a database file), HTTPS when asked, the CA in the user's cache unless CROWDMOCK_CA_DIR says."""
    settings = Settings(database_url="sqlite://", shared_state=False)
    https = settings.https or config.getoption("crowdmock_https") or config.getini("crowdmock_https")
    return settings.model_copy(update={"https": bool(https), "ca_dir": settings.ca_dir or user_cache_dir() / "ca"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("crowdmock_https", type="bool", default=False, help="crowdmock's live server also serves HTTPS")
    parser.addoption(
        "--crowdmock-https", action="store_true", default=False, help="crowdmock's live server also serves HTTPS"
    )


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


# pytest-xdist: the controller's live server, whose URLs and CA each worker gets in its `workerinput`.
WORKER_URL_KEY = "crowdmock_server_url"
WORKER_HTTPS_KEY, WORKER_CA_KEY = "crowdmock_server_https_url", "crowdmock_ca_path"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """xdist's controller, as it starts each worker: one live server for all of them, starting in the background
    with the first worker (the workers wait for it only when a test asks for it)."""
    config = node.config
    if not hasattr(config, "_crowdmock_server"):
        config._crowdmock_server = _BackgroundServer(live_settings(config))
    server = config._crowdmock_server
    node.workerinput[WORKER_URL_KEY] = server.url
    node.workerinput[WORKER_HTTPS_KEY] = server.https_url
    node.workerinput[WORKER_CA_KEY] = server.ca_path


def pytest_unconfigure(config) -> None:
    server = getattr(config, "_crowdmock_server", None)
    if server is not None:
        server.stop()


class _BackgroundServer:
    """`serve()` in a thread of its own, on a port chosen now, so that its URL is known before it is up."""

    def __init__(self, settings: Settings):
        self.settings, self.port, self.https_port = settings, free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.https_url = f"https://127.0.0.1:{self.https_port}" if settings.https else None
        self.ca_path = str(settings.ca_folder / "ca.pem") if settings.https and not settings.tls_cert else None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with serve_urls(self.settings, port=self.port, https_port=self.https_port):
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
    workerinput = getattr(pytestconfig, "workerinput", {})
    with httpx.Client(timeout=30) as client:
        if shared := workerinput.get(WORKER_URL_KEY):
            _wait_until_up(shared)
            ca_path = workerinput.get(WORKER_CA_KEY)
            yield Crowdmock(client, shared, workerinput.get(WORKER_HTTPS_KEY), ca_path and Path(ca_path))
            return
        settings = live_settings(pytestconfig)
        with serve_urls(settings) as (url, https_url):
            ca_path = settings.ca_folder / "ca.pem" if https_url and not settings.tls_cert else None
            yield Crowdmock(client, url, https_url, ca_path)


@pytest.fixture
def crowdmock_tenant(crowdmock_server, pytestconfig) -> Iterator[Crowdmock]:
    """A fresh tenant of the live server for this test alone (docs/parallel-tests.md): `.base_url(vendor)` and
    every helper work on it; it is deleted after the test. Safe with any number of xdist workers."""
    worker = getattr(pytestconfig, "workerinput", {}).get("workerid", "main")
    name = f"{worker}-{uuid.uuid4().hex[:12]}"
    crowdmock_server._admin("POST", "/tenants", json={"name": name})
    try:
        yield crowdmock_server._at(f"/t/{name}")
    finally:
        crowdmock_server.client.delete(f"{crowdmock_server.url}/__admin/tenants/{name}")


@pytest.fixture
def crowdmock_reset(crowdmock_server) -> Crowdmock:
    """Resets the live server (data, journal, faults) before the test."""
    crowdmock_server.reset()
    return crowdmock_server
