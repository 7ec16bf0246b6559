"""`crowdmock serve`'s HTTP protocol (app/core/protocol.py): vendor reason phrases in the status line, answers
written whole (head and body together) yet byte for byte what uvicorn writes, and the access log."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time

import httpx
import pytest

from crowdmock.testing import free_port


@pytest.fixture
def live_port(live_server) -> int:
    return int(live_server.rsplit(":", 1)[1])


def fetch(port: int, method: str, path: str, body: str | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=body, headers=headers)
    return conn.getresponse()


def test_drupal_services_messages_are_in_the_status_line(live_port):
    denied = fetch(live_port, "GET", "/dosomething/api/v1/users?parameters[email]=x@example.com")
    assert (denied.status, denied.reason) == (403, ": Access denied for user anonymous")
    assert denied.read() == b'["Access denied for user anonymous"]'
    wrong = fetch(live_port, "POST", "/dosomething/api/v1/auth/login", '{"username":"batman","password":"x"}')
    assert (wrong.status, wrong.reason) == (401, "Unauthorized : Wrong username or password.")
    unknown = fetch(live_port, "GET", "/dosomething/api/v1/nothing")
    assert (unknown.status, unknown.reason) == (404, "Not found : Could not find resource nothing.")
    assert unknown.read() == b""
    required = fetch(live_port, "POST", "/dosomething/api/v1/users", "{}")
    assert (required.status, required.reason) == (
        500,
        "Internal Server Error : An error occurred (0): Email is required.",
    )


def test_other_vendors_keep_the_standard_phrase(live_port):
    response = fetch(live_port, "GET", "/crowdskout/v1/profile/1")
    assert (response.status, response.reason) == (401, "Unauthorized")
    ok = fetch(live_port, "GET", "/dosomething/api/v1/campaigns/362")
    assert (ok.status, ok.reason) == (200, "OK")


def exchange(port: int, request: bytes) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def without_date(raw: bytes) -> bytes:
    return re.sub(rb"date: [^\r]+\r\n", b"", raw)


def test_pipelined_requests_on_one_connection_are_each_answered_in_order(live_port):
    get = b"GET /dosomething/api/v1/campaigns/362 HTTP/1.1\r\nHost: x\r\n\r\n"
    head = b"HEAD /dosomething/api/v1/campaigns/362 HTTP/1.1\r\nHost: x\r\n\r\n"
    missing = b"GET /crowdskout/v1/profile/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    raw = exchange(live_port, get + head + missing)
    answers = raw.split(b"HTTP/1.1 ")[1:]
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [b"200 OK", b"200 OK", b"401 Unauthorized"]
    first_head, first_body = answers[0].split(b"\r\n\r\n", 1)
    length = int(re.search(rb"content-length: (\d+)", first_head).group(1))
    assert len(first_body) == length and first_body.startswith(b'{"data":{"id":"362"')
    head_head, head_body = answers[1].split(b"\r\n\r\n", 1)
    assert head_body == b"" and f"content-length: {length}".encode() in head_head  # HEAD: the head only
    assert b"connection: close\r\n" in answers[2]
    assert answers[2].endswith(b'{"success":false,"messages":["The request is missing an access token."],"data":null}')


def test_http_1_0_gets_its_answer_and_the_connection_closed(live_port):
    raw = exchange(live_port, b"GET /dosomething/api/v1/campaigns/362 HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 200 OK\r\n") and b"connection: close\r\n" in raw


def test_an_answer_from_the_response_cache_is_the_bytes_of_the_first(live_port):
    request = b"GET /ushahidi/api/v3/posts/8328 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    first, second = exchange(live_port, request), exchange(live_port, request)
    assert without_date(first) == without_date(second)
    assert without_date(first).startswith(b"HTTP/1.1 200 OK\r\nserver: uvicorn\r\ncontent-length: ")


def serve(env: dict, *options: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-c", "from crowdmock.cli import main; main()", "serve", "--port", str(port), *options]
    env = {**os.environ, "CROWDMOCK_DATABASE_URL": "sqlite://", "PYTHONUNBUFFERED": "1", **env}
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{base}/__admin/health")
            return server, base
        except httpx.TransportError:
            assert time.monotonic() < deadline and server.poll() is None, "server did not start"
            time.sleep(0.05)


def access_lines(server: subprocess.Popen) -> list[str]:
    server.terminate()
    out, _ = server.communicate(timeout=10)
    return [line for line in out.splitlines() if ' - "' in line]


def test_the_access_log_prints_uvicorns_line_for_every_request():
    """As uvicorn's default configuration prints it, with the request target as sent (a tenant's `/t/<name>`)."""
    server, base = serve({})
    with httpx.Client(base_url=base) as client:
        client.get("/dosomething/api/v1/campaigns/362")
        client.get("/dosomething/api/v1/campaigns/362")  # from the response cache: logged all the same
        client.get('/t/w1/crowdskout/v1/profile/1?q="x"')
        client.post("/dosomething/api/v1/users", json={})
        port = client.get("/__admin/health").extensions["network_stream"].get_extra_info("client_addr")[1]
    lines = access_lines(server)
    client = f"127.0.0.1:{port}"
    assert lines[-5:-1] == [
        f'INFO:     {client} - "GET /dosomething/api/v1/campaigns/362 HTTP/1.1" 200 OK',
        f'INFO:     {client} - "GET /dosomething/api/v1/campaigns/362 HTTP/1.1" 200 OK',
        f'INFO:     {client} - "GET /t/w1/crowdskout/v1/profile/1?q=%22x%22 HTTP/1.1" 401 Unauthorized',
        f'INFO:     {client} - "POST /dosomething/api/v1/users HTTP/1.1" 500 Internal Server Error',
    ]


@pytest.mark.parametrize("env, options", [({"CROWDMOCK_ACCESS_LOG": "false"}, ()), ({}, ("--log-level", "warning"))])
def test_the_access_log_can_be_turned_off(env, options):
    server, base = serve(env, *options)
    assert httpx.get(f"{base}/dosomething/api/v1/campaigns/362").status_code == 200
    assert access_lines(server) == []
