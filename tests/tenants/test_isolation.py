"""Tenants (app/core/tenancy.py): each is a whole crowdmock of its own. What is done in one (a write, a reset, a fault
rule, credentials, deterministic draws, journal entries) has no effect in another or in `default`, for every
vendor; the path and the header pick the same tenant."""

import pytest
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings
from tests.credentials import VENDORS, admin_headers
from tests.reliability import workload

READ = {
    "crowdskout": "/crowdskout/v1/profile/{}?collections=Names",
    "crowdynews": "/crowdynews/collection/lists/{}",
    "dosomething": "/dosomething/api/v1/users/{}/activity",
    "ideascale": "/ideascale/a/rest/v1/comments/{}",
    "ushahidi": "/ushahidi/api/v3/posts/{}",
}


@pytest.fixture
def client(database_url):
    """On the test run's backend: SQLite (tenants are files) or PostgreSQL (tenants are schemas)."""
    with TestClient(create_app(Settings(database_url=database_url))) as test_client:
        yield test_client


def _creds(client: TestClient, tenant: str, vendor: str) -> dict:
    return {"headers": admin_headers(lambda path, **kw: client.post(tenant + path, **kw), vendor)}


def _write(client: TestClient, tenant: str, vendor: str, creds: dict) -> str:
    _, status, ident = workload._write(client, f"http://testserver{tenant}", {vendor: creds}, vendor, 1)
    assert status in (200, 201) and ident, status
    return ident


def _read(client: TestClient, tenant: str, vendor: str, ident: str, creds: dict | None) -> int:
    return client.get(tenant + READ[vendor].format(ident), **(creds or {})).status_code


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_write_in_one_tenant_is_seen_there_only(client, vendor):
    creds = {t: _creds(client, t, vendor) for t in ("/t/a", "/t/b", "")}
    ident = _write(client, "/t/a", vendor, creds["/t/a"])
    assert _read(client, "/t/a", vendor, ident, creds["/t/a"]) == 200
    assert _read(client, "/t/b", vendor, ident, creds["/t/b"]) != 200
    assert _read(client, "", vendor, ident, creds[""]) != 200
    # The header picks the same tenant as the path.
    headers = {**creds["/t/a"]["headers"], "X-Crowdmock-Tenant": "a"}
    assert client.get(READ[vendor].format(ident), headers=headers).status_code == 200


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_reset_resets_its_own_tenant_only(client, vendor):
    creds = {t: _creds(client, t, vendor) for t in ("/t/a", "/t/b")}
    kept, gone = _write(client, "/t/b", vendor, creds["/t/b"]), _write(client, "/t/a", vendor, creds["/t/a"])
    assert client.post("/t/a/__admin/reset", params={"vendor": vendor}).status_code == 200
    creds["/t/a"] = _creds(client, "/t/a", vendor)
    assert _read(client, "/t/a", vendor, gone, creds["/t/a"]) != 200
    assert _read(client, "/t/b", vendor, kept, creds["/t/b"]) == 200


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_fault_rule_fires_in_its_own_tenant_only(client, vendor):
    creds = {t: _creds(client, t, vendor) for t in ("/t/a", "/t/b", "")}
    idents = {t: _write(client, t, vendor, creds[t]) for t in creds}
    rule = {"vendor": vendor, "status": 503}
    assert client.post("/t/a/__admin/faults", json=rule).status_code == 201
    assert _read(client, "/t/a", vendor, idents["/t/a"], creds["/t/a"]) == 503
    assert _read(client, "/t/b", vendor, idents["/t/b"], creds["/t/b"]) == 200
    assert _read(client, "", vendor, idents[""], creds[""]) == 200
    assert client.get("/t/b/__admin/faults").json() == {"faults": []}
    assert client.get("/__admin/faults").json() == {"faults": []}


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_journal_and_counts_are_each_tenants_own(client, vendor):
    for tenant in ("/t/a", "/t/b", ""):
        client.delete(f"{tenant}/__admin/requests")
    creds = _creds(client, "/t/a", vendor)
    ident = _write(client, "/t/a", vendor, creds)
    for _ in range(3):
        _read(client, "/t/a", vendor, ident, creds)
    count = {"vendor": vendor}
    assert client.post("/t/a/__admin/requests/count", json=count).json()["count"] == 4
    assert client.post("/t/b/__admin/requests/count", json=count).json()["count"] == 0
    assert client.post("/__admin/requests/count", json=count).json()["count"] == 0
    paths = [e["path"] for e in client.get("/t/a/__admin/requests", params=count).json()["requests"]]
    assert paths[0] == READ[vendor].format(ident).split("?")[0]  # as the vendor saw it: without /t/a


# IdeaScale's api_tokens are the community's seeded ones, the same in every tenant's copy (README, credentials).
@pytest.mark.parametrize("vendor", [v for v in VENDORS if v != "ideascale"])
def test_credentials_issued_in_one_tenant_are_refused_in_another(client, vendor):
    mine, foreign = _creds(client, "/t/b", vendor), _creds(client, "/t/a", vendor)
    ident = _write(client, "/t/b", vendor, mine)
    assert _read(client, "/t/b", vendor, ident, mine) == 200
    anonymous = _read(client, "/t/b", vendor, ident, None)
    assert anonymous != 200
    assert _read(client, "/t/b", vendor, ident, foreign) == anonymous
    assert _read(client, "", vendor, ident, foreign) != 200


def test_deterministic_draws_are_each_tenants_own_and_repeatable(database_url):
    settings = Settings(database_url=database_url, deterministic=True)
    with TestClient(create_app(settings)) as client:

        def minted(tenant: str) -> list[str]:
            return [_creds(client, tenant, "ushahidi")["headers"]["Authorization"] for _ in range(2)]

        a, b, default = minted("/t/a"), minted("/t/b"), minted("")
        client.post("/t/a/__admin/reset")
        assert minted("/t/a") == a  # a reset starts the tenant's sequence again: repeatable
        assert len({*a, *b, *default}) == 6  # no tenant draws another's values


def test_the_header_picks_the_tenant_of_a_request_on_a_vendors_real_hostname(client):
    host = {"Host": "demo.api.ushahidi.io"}
    headers = admin_headers(lambda path, **kw: client.post("/t/real" + path, **kw), "ushahidi")
    renamed = client.put(
        "/api/v3/tags/1", json={"tag": "Renamed"}, headers={**host, **headers, "X-Crowdmock-Tenant": "real"}
    )
    assert renamed.status_code == 200
    answer = client.get("/api/v3/tags/1", headers={**host, "X-Crowdmock-Tenant": "real"}).json()
    assert (answer["tag"], answer["url"]) == ("Renamed", "http://demo.api.ushahidi.io/api/v3/tags/1")
    assert client.get("/api/v3/tags/1", headers=host).json()["tag"] == "Emergency"


def test_the_response_cache_keeps_each_tenants_answers(client):
    """The same GET (same path after `/t/<name>`, same headers) in two tenants: each gets its own data, cached."""
    for tenant in ("/t/a", "/t/b"):
        assert [client.get(f"{tenant}/ushahidi/api/v3/tags/1").json()["tag"] for _ in range(2)] == ["Emergency"] * 2
    headers = admin_headers(lambda path, **kw: client.post("/t/b" + path, **kw), "ushahidi")
    assert client.put("/t/b/ushahidi/api/v3/tags/1", json={"tag": "Mine"}, headers=headers).status_code == 200
    assert client.get("/t/b/ushahidi/api/v3/tags/1").json()["tag"] == "Mine"
    assert client.get("/t/a/ushahidi/api/v3/tags/1").json()["tag"] == "Emergency"
    same = {"X-Crowdmock-Tenant": "b"}
    assert client.get("/ushahidi/api/v3/tags/1", headers=same).json()["tag"] == "Mine"
    assert client.get("/ushahidi/api/v3/tags/1").json()["tag"] == "Emergency"


def test_a_cached_answer_keeps_the_links_of_the_way_the_tenant_was_chosen(client):
    by_path = [client.get("/t/default/ushahidi/api/v3/tags/1").json()["url"] for _ in range(2)]
    assert by_path == ["http://testserver/t/default/ushahidi/api/v3/tags/1"] * 2
    assert client.get("/ushahidi/api/v3/tags/1").json()["url"] == "http://testserver/ushahidi/api/v3/tags/1"
