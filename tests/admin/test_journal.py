"""The request journal: what an entry holds, listing filters, verification counts, unmatched requests, the cap."""

import pytest
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings

IDEASCALE_MEMBER = {"api_token": "00000000-0000-4000-8000-000000000002"}


def journal(client, **params) -> list[dict]:
    response = client.get("/__admin/requests", params=params)
    assert response.status_code == 200, response.text
    return response.json()["requests"]


def count(client, **matcher) -> int:
    response = client.post("/__admin/requests/count", json=matcher)
    assert response.status_code == 200, response.text
    return response.json()["count"]


def test_an_entry_records_request_and_response(client):
    sent = client.post(
        "/ushahidi/oauth/token?trace=1",
        data={"grant_type": "client_credentials", "client_id": "ushahidiui", "client_secret": "wrong"},
        headers={"X-Trace": "abc"},
    )
    assert sent.status_code == 401
    [entry] = journal(client)
    assert list(entry) == [
        "id",
        "time",
        "vendor",
        "method",
        "path",
        "query",
        "headers",
        "body",
        "status",
        "response_body",
        "duration_ms",
        "body_size",
        "response_headers",
        "response_size",
        "unmatched",
        "fault",
        "tenant",
    ]
    assert entry["vendor"] == "ushahidi" and entry["method"] == "POST" and entry["tenant"] == "default"
    assert entry["path"] == "/ushahidi/oauth/token" and entry["query"] == "trace=1"
    assert entry["headers"]["x-trace"] == "abc"
    assert entry["body"] == "grant_type=client_credentials&client_id=ushahidiui&client_secret=wrong"
    assert entry["body_size"] == len(entry["body"])
    assert entry["status"] == 401 and entry["response_body"] == sent.text
    assert entry["response_headers"]["content-type"] == sent.headers["content-type"]
    assert entry["response_size"] == len(sent.content)
    assert entry["time"].endswith("Z") and len(entry["time"]) == 24
    assert entry["duration_ms"] >= 0 and entry["unmatched"] is False and entry["fault"] is None


def test_newest_first_and_only_vendor_requests(client):
    client.get("/ushahidi/api/v3/posts/8328")
    client.get("/crowdskout/v1/profile/1")
    client.get("/__admin/health")
    client.get("/")
    entries = journal(client)
    assert [e["path"] for e in entries] == ["/crowdskout/v1/profile/1", "/ushahidi/api/v3/posts/8328"]
    assert entries[0]["id"] > entries[1]["id"]


def test_listing_filters(client):
    client.get("/ushahidi/api/v3/posts/8328")
    client.get("/ushahidi/api/v3/posts?limit=1")
    client.post("/ushahidi/api/v3/posts", json={})
    client.get("/ideascale/a/rest/v1/campaigns", headers=IDEASCALE_MEMBER)
    client.get("/ideascale/a/rest/v1/campaigns")
    assert [e["path"] for e in journal(client, vendor="ideascale")] == ["/ideascale/a/rest/v1/campaigns"] * 2
    assert [e["method"] for e in journal(client, method="post")] == ["POST"]
    assert len(journal(client, path="/ushahidi/api/v3/posts")) == 3
    assert len(journal(client, path="/api/v3/posts/8328")) == 1  # the vendor's own path works too
    assert [e["status"] for e in journal(client, vendor="ideascale", status=400)] == [400]
    assert len(journal(client, limit=2)) == 2
    newest = journal(client)[0]
    assert journal(client, after=newest["id"]) == []
    assert len(journal(client, after=newest["id"] - 2)) == 2
    assert len(journal(client, since=newest["time"])) >= 1
    assert journal(client, since="2999-01-01T00:00:00Z") == []
    assert len(journal(client, since="0")) == 5


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "x"}, {"status": "abc"}, {"since": "yesterday"}, {"vendor": "nope"}, {"after": "-1"}],
)
def test_bad_listing_filters_are_refused_in_the_admin_shape(client, params):
    response = client.get("/__admin/requests", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid request" and body["problems"] and "detail" not in body


def test_count_matches_every_given_field(client):
    client.get("/ushahidi/api/v3/posts?status=published&limit=5", headers={"Authorization": "Bearer nope"})
    client.post("/ushahidi/api/v3/posts", json={"title": "Flood on Main St"})
    client.get("/crowdskout/v1/profile/1")
    assert count(client) == 3
    assert count(client, vendor="ushahidi") == 2
    assert count(client, method="get") == 2
    assert count(client, path="/ushahidi/api/v3/posts") == 2
    assert count(client, vendor="ushahidi", path="/api/v3/posts", method="POST") == 1
    assert count(client, path="/api/v3/post") == 0  # exact, not a prefix
    assert count(client, path_regex=r"^/api/v3/posts$") == 2
    assert count(client, path_regex=r"profile/\d+$") == 1
    assert count(client, query={"status": "published"}) == 1
    assert count(client, query={"status": "draft"}) == 0
    assert count(client, headers={"AUTHORIZATION": "Bearer"}) == 1
    assert count(client, headers={"x-missing": ""}) == 0
    assert count(client, body_contains="Main St") == 1
    assert count(client, status=401) == 3
    assert count(client, status=200) == 0
    assert count(client, vendor="crowdskout", status=401) == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[]", 422),
        (b'{"colour": "red"}', 422),
        (b'{"path_regex": "("}', 422),
        (b'{"status": "ok"}', 422),
        (b'{"vendor": "acme"}', 422),
        (b'{"query": {"a": 1}}', 422),
    ],
)
def test_bad_count_bodies(client, body, status):
    response = client.post("/__admin/requests/count", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert set(response.json()) == {"error", "problems"}


def test_count_accepts_a_body_sent_as_a_form_type(client):
    # `curl -d '{...}'` labels JSON as a form; the admin API reads it as JSON anyway.
    client.get("/crowdskout/v1/profile/1")
    response = client.post(
        "/__admin/requests/count",
        content=b'{"vendor": "crowdskout"}',
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.json() == {"count": 1}


def test_unmatched_requests(client):
    client.get("/ushahidi/api/v3/no-such-thing")  # no route
    client.delete("/ushahidi/api/v3/config")  # the path exists, the method does not
    client.get("/ushahidi/api/v3/posts/999999")  # a route answered 404: matched
    client.get("/ideascale/a/rest/v1/nothing", headers=IDEASCALE_MEMBER)
    client.get("/dosomething/api/v1/campaigns/362")
    response = client.get("/__admin/requests/unmatched")
    assert [(e["method"], e["path"]) for e in response.json()["requests"]] == [
        ("GET", "/ideascale/a/rest/v1/nothing"),
        ("DELETE", "/ushahidi/api/v3/config"),
        ("GET", "/ushahidi/api/v3/no-such-thing"),
    ]
    assert all(e["unmatched"] for e in response.json()["requests"])
    only = client.get("/__admin/requests/unmatched", params={"vendor": "ideascale"}).json()["requests"]
    assert [e["path"] for e in only] == ["/ideascale/a/rest/v1/nothing"]


def test_single_entry_and_clear(client):
    client.get("/crowdskout/v1/profile/1")
    client.get("/ushahidi/api/v3/posts/8328")
    newest = journal(client)[0]
    assert client.get(f"/__admin/requests/{newest['id']}").json() == newest
    missing = client.get("/__admin/requests/999999")
    assert missing.status_code == 404 and missing.json()["error"] == "no such journal entry"
    assert client.delete("/__admin/requests", params={"vendor": "crowdskout"}).json() == {"status": "ok", "cleared": 1}
    assert [e["vendor"] for e in journal(client)] == ["ushahidi"]
    assert client.delete("/__admin/requests").json() == {"status": "ok", "cleared": 1}
    assert journal(client) == []


def test_reset_clears_the_journal(client):
    client.get("/crowdskout/v1/profile/1")
    client.get("/ushahidi/api/v3/posts/8328")
    client.post("/__admin/reset", params={"vendor": "crowdskout"})
    assert [e["vendor"] for e in journal(client)] == ["ushahidi"]
    client.post("/__admin/reset")
    assert journal(client) == []


def test_host_routed_requests_are_journaled_with_the_prefix(client):
    client.get("/v1/profile/1", headers={"Host": "api.crowdskout.com:8000"})
    [entry] = journal(client)
    assert entry["vendor"] == "crowdskout" and entry["path"] == "/crowdskout/v1/profile/1"
    assert entry["headers"]["host"] == "api.crowdskout.com:8000"
    assert count(client, vendor="crowdskout", path="/v1/profile/1") == 1


def test_the_journal_is_capped():
    with TestClient(create_app(Settings(database_url="sqlite://", journal_size=3))) as client:
        for n in range(10):
            client.get(f"/crowdskout/v1/profile/{n}")
        entries = journal(client)
        assert [e["path"] for e in entries] == [f"/crowdskout/v1/profile/{n}" for n in (9, 8, 7)]
        assert entries[0]["id"] == 10


def test_bodies_are_bounded_but_sizes_are_true():
    with TestClient(create_app(Settings(database_url="sqlite://", journal_body_bytes=16))) as client:
        client.post("/ushahidi/api/v3/posts", json={"title": "x" * 100})
        [entry] = journal(client)
        assert entry["body"] == '{"title":"xxxxxx' and entry["body_size"] == len('{"title":""}') + 100
        assert len(entry["response_body"]) == 16 and entry["response_size"] > 16


def test_the_journal_can_be_turned_off():
    with TestClient(create_app(Settings(database_url="sqlite://", journal_size=0))) as client:
        assert client.get("/crowdskout/v1/profile/1").status_code == 401
        assert journal(client) == []
        assert count(client) == 0


def test_text_with_a_nul_character_is_stored_and_journaled_on_every_backend(client):
    """PostgreSQL refuses U+0000 in text; crowdmock stores U+FFFD in its place there, never answering a 500."""
    admin = client.post("/__admin/tokens", json={"vendor": "ushahidi", "user": "admin@ushahidi.com"}).json()
    created = client.post("/ushahidi/api/v3/tags", json={"tag": "nul\u0000here"}, headers=admin["headers"])
    assert created.status_code == 200, created.text
    tag = client.get(f"/ushahidi/api/v3/tags/{created.json()['id']}", headers=admin["headers"]).json()["tag"]
    assert tag in ("nul\u0000here", "nul\ufffdhere")
    assert client.get("/ushahidi/api/v3/config%00x").status_code == 404
    assert client.post("/__admin/requests/count", json={"path_regex": "config"}).json() == {"count": 1}
