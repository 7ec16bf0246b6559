"""Vendor reason phrases reach the status line when served by `crowdmock serve`'s uvicorn protocol."""

import http.client

import pytest


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
