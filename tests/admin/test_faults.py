"""Fault rules: they hit the matching vendor requests only, answer in the vendor's own error shape, and can
delay, drop the connection, fire a number of times or with a probability."""

import http.client

import httpx
import pytest
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings

IDEASCALE_MEMBER = {"api_token": "00000000-0000-4000-8000-000000000002"}


def add_fault(client, **rule) -> dict:
    response = client.post("/__admin/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()


def faults(client) -> list[dict]:
    return client.get("/__admin/faults").json()["faults"]


def test_a_new_rule_is_returned_whole(client):
    rule = add_fault(client, vendor="ushahidi", method="get", path="/api/v3/posts", status=500, times=2)
    assert rule == {
        "id": 1,
        "vendor": "ushahidi",
        "method": "GET",
        "path": "/api/v3/posts",
        "path_regex": None,
        "status": 500,
        "body": None,
        "headers": {},
        "message": None,
        "delay_ms": 0,
        "delay_max_ms": None,
        "drop_connection": False,
        "retry_after": None,
        "times": 2,
        "probability": 1.0,
        "hits": 0,
    }
    assert faults(client) == [rule]
    assert client.get("/__admin/faults/1").json() == rule


@pytest.mark.parametrize(
    ("vendor", "path", "body"),
    [
        (
            "crowdskout",
            "/crowdskout/v1/profile/1",
            {"success": False, "messages": ["Service Unavailable"], "data": None},
        ),
        ("dosomething", "/dosomething/api/v1/campaigns/362", ["Service Unavailable"]),
        ("ideascale", "/ideascale/a/rest/v1/campaigns", {"key": "UNEXPECTED", "message": "Unexpected Error"}),
        ("ushahidi", "/ushahidi/api/v3/posts/8328", {"errors": [{"status": 503, "message": "Service Unavailable"}]}),
    ],
)
def test_status_faults_use_the_vendors_error_shape(client, vendor, path, body):
    add_fault(client, vendor=vendor, status=503, retry_after=30)
    response = client.get(path)
    assert response.status_code == 503
    assert response.json() == body
    assert response.headers["retry-after"] == "30"


def test_crowdynews_fault_carries_its_request_id(client):
    add_fault(client, vendor="crowdynews", status=429, retry_after=5)
    response = client.get("/crowdynews/v1/customer/contracts/me")
    assert response.status_code == 429 and response.headers["retry-after"] == "5"
    assert response.json() == {
        "requestId": response.headers["x-request-id"],
        "errors": [{"name": "TooManyRequestsError", "message": "Too Many Requests"}],
    }


def test_retry_after_alone_means_503(client):
    rule = add_fault(client, vendor="ushahidi", retry_after=2)
    assert rule["status"] == 503
    assert client.get("/ushahidi/api/v3/posts/8328").status_code == 503


def test_only_matching_requests_are_hit(client):
    add_fault(client, vendor="ushahidi", method="POST", path="/ushahidi/api/v3/posts", status=500)
    assert client.get("/ushahidi/api/v3/posts").status_code == 200  # other method
    assert client.post("/ushahidi/api/v3/posts/8328", json={}).status_code != 500  # other path
    assert client.get("/crowdskout/v1/profile/1").status_code == 401  # other vendor
    assert client.get("/__admin/health").status_code == 200  # never the admin API
    assert client.post("/ushahidi/api/v3/posts", json={}).status_code == 500
    assert [f["hits"] for f in faults(client)] == [1]


def test_path_regex_and_the_vendors_own_path(client):
    add_fault(client, path_regex=r"^/api/v3/posts/\d+$", status=502)
    assert client.get("/ushahidi/api/v3/posts/8328").status_code == 502
    assert client.get("/ushahidi/api/v3/posts").status_code == 200
    add_fault(client, path="/crowdskout/v1/profile/1", status=418, body={"teapot": True})
    teapot = client.get("/crowdskout/v1/profile/1")
    assert (teapot.status_code, teapot.json()) == (418, {"teapot": True})


def test_custom_body_headers_and_message(client):
    add_fault(client, vendor="ushahidi", path="/api/v3/tags", status=500, message="database on fire")
    assert client.get("/ushahidi/api/v3/tags").json() == {"errors": [{"status": 500, "message": "database on fire"}]}
    add_fault(client, vendor="crowdskout", status=502, body="<html>Bad Gateway</html>", headers={"X-Proxy": "edge"})
    proxied = client.get("/crowdskout/v1/profile/1")
    assert proxied.status_code == 502 and proxied.text == "<html>Bad Gateway</html>"
    assert proxied.headers["x-proxy"] == "edge" and proxied.headers["content-type"].startswith("text/plain")


def test_times_then_the_rule_is_gone(client):
    add_fault(client, vendor="ushahidi", status=503, times=2)
    statuses = [client.get("/ushahidi/api/v3/posts/8328").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert faults(client) == []


def test_probability(client):
    add_fault(client, vendor="ushahidi", status=500, probability=0)
    assert all(client.get("/ushahidi/api/v3/posts/8328").status_code == 200 for _ in range(20))
    client.delete("/__admin/faults")
    add_fault(client, vendor="ushahidi", status=500, probability=1)
    assert all(client.get("/ushahidi/api/v3/posts/8328").status_code == 500 for _ in range(5))


def test_probability_is_repeatable_in_deterministic_mode():
    def run() -> list[int]:
        with TestClient(create_app(Settings(database_url="sqlite://", deterministic=True))) as client:
            add_fault(client, vendor="ushahidi", status=500, probability=0.5)
            return [client.get("/ushahidi/api/v3/posts/8328").status_code for _ in range(30)]

    first = run()
    assert first == run()
    assert 500 in first and 200 in first


def test_a_delay_only_rule_passes_the_request_on(client):
    add_fault(client, vendor="ushahidi", delay_ms=20, delay_max_ms=40)
    response = client.get("/ushahidi/api/v3/posts/8328")
    assert response.status_code == 200 and response.json()["id"] == 8328
    assert faults(client)[0]["hits"] == 1
    [entry] = client.get("/__admin/requests").json()["requests"]
    assert entry["fault"] == 1 and entry["status"] == 200


def test_dropped_connection_in_process(client):
    add_fault(client, vendor="ideascale", drop_connection=True, times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/ideascale/a/rest/v1/campaigns", headers=IDEASCALE_MEMBER)
    assert client.get("/ideascale/a/rest/v1/campaigns", headers=IDEASCALE_MEMBER).status_code == 200
    dropped = client.get("/__admin/requests").json()["requests"][-1]
    assert (dropped["status"], dropped["fault"], dropped["response_body"]) == (None, 1, "")


def test_dropped_connection_on_a_live_server(live_server):
    httpx.post(f"{live_server}/__admin/faults", json={"vendor": "ushahidi", "drop_connection": True, "times": 1})
    host, port = live_server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", "/ushahidi/api/v3/posts/8328")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        conn.getresponse()
    assert httpx.get(f"{live_server}/ushahidi/api/v3/posts/8328").status_code == 200


def test_delete_one_or_all(client):
    first = add_fault(client, vendor="ushahidi", status=500)
    add_fault(client, vendor="crowdskout", status=500)
    assert client.delete(f"/__admin/faults/{first['id']}").json() == {"status": "ok", "cleared": 1}
    assert [f["vendor"] for f in faults(client)] == ["crowdskout"]
    missing = client.delete(f"/__admin/faults/{first['id']}")
    assert missing.status_code == 404 and missing.json()["error"] == "no such fault rule"
    assert client.get("/__admin/faults/999").status_code == 404
    assert client.delete("/__admin/faults").json() == {"status": "ok", "cleared": 1}
    assert faults(client) == []
    assert client.get("/crowdskout/v1/profile/1").status_code == 401


def test_reset_clears_faults(client):
    add_fault(client, vendor="ushahidi", status=500)
    add_fault(client, vendor="crowdskout", status=500)
    client.post("/__admin/reset", params={"vendor": "ushahidi"})
    assert [f["vendor"] for f in faults(client)] == ["crowdskout"]
    client.post("/__admin/reset")
    assert faults(client) == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{oops", 400),
        (b'"status"', 422),
        (b"{}", 422),  # no effect
        (b'{"vendor": "ushahidi"}', 422),
        (b'{"status": 99}', 422),
        (b'{"status": 600}', 422),
        (b'{"status": "500"}', 422),
        (b'{"vendor": "acme", "status": 500}', 422),
        (b'{"status": 500, "probability": 1.5}', 422),
        (b'{"status": 500, "times": 0}', 422),
        (b'{"delay_ms": -1}', 422),
        (b'{"delay_ms": 100, "delay_max_ms": 50}', 422),
        (b'{"path_regex": "[", "status": 500}', 422),
        (b'{"status": 500, "colour": "red"}', 422),
        (b'{"status": 500, "headers": {"X": 1}}', 422),
    ],
)
def test_bad_rules_are_refused_and_not_stored(client, body, status):
    response = client.post("/__admin/faults", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert set(response.json()) == {"error", "problems"}
    assert faults(client) == []


def test_a_whole_number_written_as_a_float_is_an_integer(client):
    created = client.post("/__admin/faults", json={"vendor": "ushahidi", "status": 503.0, "times": 2.0})
    assert created.status_code == 201, created.text
    assert (created.json()["status"], created.json()["times"]) == (503, 2)
    assert client.post("/__admin/faults", json={"status": 503.5}).status_code == 422
