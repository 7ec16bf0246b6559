"""The response cache (app/core/cache.py): a repeated vendor GET is answered from the last identical answer, byte for
byte, and never once anything changed, a fault rule exists or the request differs (credentials, Origin)."""

import asyncio
from types import SimpleNamespace

import pytest

from crowdmock.core.cache import ResponseCache
from crowdmock.core.db import make_engine
from crowdmock.core.faults import Faults
from crowdmock.core.journal import Journal
from crowdmock.core.tenancy import TENANT_KEY
from tests.credentials import admin_headers

TAG = "/ushahidi/api/v3/tags/1"


def _cache(app) -> ResponseCache:
    layer = app.middleware_stack
    while not isinstance(layer, ResponseCache):
        layer = layer.app
    return layer


@pytest.fixture
def admin(client) -> dict:
    return admin_headers(client.post, "ushahidi")


def test_a_repeated_get_is_answered_from_the_cache_byte_for_byte(client, app, admin):
    first = client.get(TAG, headers=admin)
    second = client.get(TAG, headers=admin)
    assert _cache(app).hits == 1
    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    drop = {"date"}
    assert [h for h in second.headers.raw if h[0] not in drop] == [h for h in first.headers.raw if h[0] not in drop]


def test_the_cache_answers_as_the_uncached_app_does(client, app, admin):
    from fastapi.testclient import TestClient

    from crowdmock.main import create_app
    from crowdmock.settings import Settings

    cached = [client.get(TAG, headers=admin) for _ in range(2)][-1]
    uncached_app = create_app(Settings(database_url="sqlite://", response_cache=False))
    with TestClient(uncached_app) as other:
        token = admin_headers(other.post, "ushahidi")
        plain = other.get(TAG, headers=token)
    assert _cache(uncached_app).hits == 0
    assert (plain.status_code, plain.content) == (cached.status_code, cached.content)


def test_a_write_a_reset_and_another_connections_commit_make_it_answer_anew(client, app, admin, settings):
    assert client.get(TAG, headers=admin).json()["tag"] == "Emergency"
    client.put(TAG, json={"tag": "Renamed"}, headers=admin)
    assert client.get(TAG, headers=admin).json()["tag"] == "Renamed"
    client.post("/__admin/reset", params={"vendor": "ushahidi"})
    admin = admin_headers(client.post, "ushahidi")
    assert client.get(TAG, headers=admin).json()["tag"] == "Emergency"
    # Another process (a second worker or replica) writing to the same database.
    other = make_engine(str(app.state.store.engine.url.render_as_string(hide_password=False)))
    with other.begin() as conn:
        conn.exec_driver_sql("UPDATE ushahidi_tag SET tag = 'From elsewhere' WHERE id = 1")
    other.dispose()
    assert client.get(TAG, headers=admin).json()["tag"] == "From elsewhere"


def test_faults_credentials_and_origins_are_honoured(client, app, admin):
    assert client.get(TAG, headers=admin).status_code == 200
    assert client.get(TAG, headers=admin).status_code == 200
    rule = client.post("/__admin/faults", json={"vendor": "ushahidi", "path": "/api/v3/tags/1", "status": 503}).json()
    assert client.get(TAG, headers=admin).status_code == 503
    client.delete(f"/__admin/faults/{rule['id']}")
    assert client.get(TAG, headers=admin).status_code == 200
    assert client.get("/ushahidi/api/v3/users/me").status_code == 401
    forged = {"Authorization": admin["Authorization"][:-3] + "xyz"}
    assert client.get(TAG, headers=forged).status_code == 401
    for _ in range(2):
        answer = client.get(TAG, headers={**admin, "Origin": "http://localhost:5173"})
        assert answer.headers["access-control-allow-origin"] == "http://localhost:5173"


def test_answers_from_the_cache_are_journaled(client, app, admin):
    client.delete("/__admin/requests")
    for _ in range(3):
        client.get(TAG, params={"format": "json"}, headers={**admin, "X-Trace": "abc"})
    entries = client.get("/__admin/requests", params={"path": TAG}).json()["requests"]
    assert [e["status"] for e in entries] == [200, 200, 200]
    assert len({e["response_body"] for e in entries}) == 1
    assert _cache(app).hits == 2
    for entry in entries:  # what each request sent, recorded alike whether answered from the cache or not
        assert (entry["method"], entry["path"], entry["query"], entry["body"]) == ("GET", TAG, "format=json", "")
        assert entry["headers"]["x-trace"] == "abc"
        assert entry["headers"]["authorization"] == admin["Authorization"]


def test_only_successful_gets_are_kept(client, app, admin):
    for _ in range(2):
        assert client.get("/ushahidi/api/v3/tags/999", headers=admin).status_code == 404
        client.post("/ushahidi/api/v3/tags", json={"tag": "New", "type": "category"}, headers=admin)
    assert _cache(app).hits == 0


def test_identical_requests_waiting_on_an_answer_that_cannot_be_kept_query_one_at_a_time():
    """A commit while the answer is being made spoils it; the requests waiting for it then take turns (the first
    makes the next answer, which the rest reuse) instead of all querying at once."""
    version = [1]
    calls, running, most = [0], [0], [0]

    async def vendor_app(scope, receive, send):
        calls[0] += 1
        running[0] += 1
        most[0] = max(most[0], running[0])
        for _ in range(3):
            await asyncio.sleep(0)  # the others arrive meanwhile
        if calls[0] == 1:
            version[0] += 1  # another connection commits while the first answer is made
        running[0] -= 1
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": f"v{version[0]}".encode()})

    cache = ResponseCache(vendor_app, lambda path: ("v", "/v"))
    # What the cache asks of the request's tenant: its data version, fault rules and journal.
    tenant = SimpleNamespace(
        serial=0,
        store=SimpleNamespace(data_version=lambda: version[0]),
        control=SimpleNamespace(faults=Faults(), journal=Journal(0, 0)),
    )

    async def get() -> bytes:
        sent: list[dict] = []

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/v/x",
            "query_string": b"",
            "headers": [],
            TENANT_KEY: tenant,
        }
        await cache(scope, None, send)
        assert sent[0]["status"] == 200
        return sent[1]["body"]

    async def burst() -> list[bytes]:
        return await asyncio.gather(*(get() for _ in range(8)))

    bodies = asyncio.run(burst())
    assert most[0] == 1
    assert calls[0] == 2  # the spoiled answer, then one that the six others reuse
    assert bodies == [b"v2"] * 8
    assert cache.hits == 6


def test_a_get_on_a_vendors_real_hostname_is_answered_from_the_cache_too(client, app, admin):
    """Host routing runs before the cache looks for a vendor (app/core/pipeline.py), so such GETs are cached."""
    host = {**admin, "Host": "demo.api.ushahidi.io"}
    first = client.get("/api/v3/tags/1", headers=host)
    second = client.get("/api/v3/tags/1", headers=host)
    assert _cache(app).hits == 1
    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    assert second.json()["url"] == first.json()["url"] == "http://demo.api.ushahidi.io/api/v3/tags/1"
    assert client.get("/__admin/requests", params={"path": TAG}).json()["requests"][0]["path"] == TAG
