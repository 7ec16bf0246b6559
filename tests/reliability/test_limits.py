"""Bodies over the size limit are refused with the vendor's 413 before they are read whole; deeply nested JSON is
a vendor-shaped 4xx; a client that sends its body slowly does not hold up other writers."""

import socket
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings
from crowdmock.testing import serve

LIMIT = 4096
IDEASCALE_ADMIN = {"api_token": "00000000-0000-4000-8000-000000000001"}
# A write endpoint of each vendor, with credentials, and the 413 body it answers.
WRITES = {
    "crowdskout": (
        "/crowdskout/v1/profile",
        {"Authorization": "Bearer abcd1234"},
        {"success": False, "messages": ["Request Entity Too Large"], "data": None},
    ),
    "dosomething": ("/dosomething/api/v1/users", {}, ["Request Entity Too Large"]),
    "ideascale": (
        "/ideascale/a/rest/v1/ideas/352809/comment",
        IDEASCALE_ADMIN,
        {"key": "PAYLOAD_TOO_LARGE", "message": "Request body too large"},
    ),
    "ushahidi": ("/ushahidi/api/v3/posts", {}, {"errors": [{"status": 413}]}),
}


@pytest.fixture
def small(tmp_path):
    with TestClient(create_app(Settings(database_url="sqlite://", max_body_bytes=LIMIT))) as client:
        yield client


def _comments(client) -> int:
    return client.get("/ideascale/a/rest/v1/ideas/352809", headers=IDEASCALE_ADMIN).json()["commentCount"]


@pytest.mark.parametrize("vendor", sorted(WRITES))
def test_streamed_body_over_the_limit_is_refused_in_the_vendors_shape(small, vendor):
    path, headers, refused = WRITES[vendor]
    before = _comments(small)

    def chunks():  # no Content-Length: the limit is noticed while receiving
        for _ in range(10):
            yield b"x" * 1024

    response = small.post(path, content=chunks(), headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json() == refused
    assert _comments(small) == before


def test_crowdynews_413(small):
    token = small.post("/__admin/tokens", json={"vendor": "crowdynews"}).json()
    response = small.post("/crowdynews/collection/lists", content=b"x" * (LIMIT + 1), headers=token["headers"])
    assert response.status_code == 413
    body = response.json()
    assert body["errors"][0]["name"] == "PayloadTooLargeError" and response.headers["x-request-id"] == body["requestId"]


def _raw(base: str, request: bytes) -> socket.socket:
    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=30)
    sock.sendall(request)
    return sock


def _response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + _length(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _length(data: bytes) -> int:
    head = data.split(b"\r\n\r\n")[0].lower()
    for line in head.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def test_declared_oversize_is_refused_before_the_body_is_sent():
    with serve(Settings(database_url="sqlite://", max_body_bytes=LIMIT)) as base:
        path = urlsplit(base).path + "/ideascale/a/rest/v1/ideas/352809/comment"
        head = (
            f"POST {path} HTTP/1.1\r\nHost: localhost\r\napi_token: {IDEASCALE_ADMIN['api_token']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {LIMIT * 1000}\r\n\r\n"
        )
        sock = _raw(base, head.encode())  # not one byte of the body
        answer = _response(sock)
        sock.close()
        assert answer.startswith(b"HTTP/1.1 413 ")
        assert answer.endswith(b'{"key":"PAYLOAD_TOO_LARGE","message":"Request body too large"}')


DEEP = b"[" * 200_000 + b"]" * 200_000


@pytest.mark.parametrize("vendor", sorted(WRITES))
def test_deeply_nested_json_is_a_vendor_error(client, vendor):
    path, headers, _ = WRITES[vendor]
    response = client.post(path, content=DEEP, headers={**headers, "Content-Type": "application/json"})
    if vendor == "dosomething":  # Drupal Services: a user without an e-mail is its documented 500
        assert (response.status_code, response.json()) == (500, ["Email is required."])
    else:
        assert 400 <= response.status_code < 500 and "detail" not in response.text


def test_a_slow_client_does_not_hold_up_other_writers():
    with serve(Settings(database_url="sqlite://")) as base:
        body = b'{"text": "sent slowly"}'
        path = urlsplit(base).path + "/ideascale/a/rest/v1/ideas/352809/comment"
        head = (
            f"POST {path} HTTP/1.1\r\nHost: localhost\r\napi_token: {IDEASCALE_ADMIN['api_token']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        slow = _raw(base, head.encode() + body[:5])  # headers and a little of the body, then nothing
        # Other writers of the same vendor go ahead while the slow body is outstanding (the timeout only bounds
        # the wait if they do not).
        for n in range(5):
            response = httpx.post(
                f"{base}/ideascale/a/rest/v1/ideas/352809/comment",
                json={"text": f"fast {n}"},
                headers=IDEASCALE_ADMIN,
                timeout=20,
            )
            assert response.status_code == 200
        slow.sendall(body[5:])
        answer = _response(slow)
        slow.close()
        assert answer.startswith(b"HTTP/1.1 200 ")
        idea = httpx.get(f"{base}/ideascale/a/rest/v1/ideas/352809", headers=IDEASCALE_ADMIN).json()
        assert idea["commentCount"] == 25 + 6
