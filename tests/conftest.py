"""Shared fixtures: a fresh in-memory store and app per test, and a live server when a test needs sockets."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url="sqlite://", public_base_url=None)


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """`crowdmock serve`'s uvicorn setup on a free loopback port in a thread; yields the base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        http="app.core.reason:ReasonPhraseProtocol",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


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
