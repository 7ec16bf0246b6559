"""Tenants of processes that share one database (core/shared_tenants.py): a tenant made, written to, faulted,
counted, reset or deleted through one process is so for every process, and tenants stay apart there too. Two apps
on one SQLite file stand for two workers; tests/reliability/test_postgres.py has replicas on PostgreSQL."""

import time

import pytest
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings
from tests.credentials import VENDORS, admin_headers
from tests.tenants.test_isolation import _creds, _read, _write

TAG = "/ushahidi/api/v3/tags/1"


def _two(url: str, **settings):
    settings = Settings(database_url=url, shared_state=True, **settings)
    return TestClient(create_app(settings)), TestClient(create_app(settings))


@pytest.fixture
def two(tmp_path):
    a, b = _two(f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    with a, b:
        yield a, b


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_tenant_is_one_across_processes_and_apart_from_others(two, vendor):
    a, b = two
    creds = _creds(a, "/t/x", vendor)  # minted through one process: accepted by the other
    ident = _write(b, "/t/x", vendor, creds)
    assert _read(a, "/t/x", vendor, ident, creds) == 200
    assert _read(b, "/t/y", vendor, ident, _creds(b, "/t/y", vendor)) != 200
    assert _read(a, "", vendor, ident, _creds(a, "", vendor)) != 200
    count = {"vendor": vendor}
    for client in (a, b):  # the write and the read in x, the read in y, whichever process served them
        assert client.post("/t/x/__admin/requests/count", json=count).json() == {"count": 2}
        assert client.post("/t/y/__admin/requests/count", json=count).json() == {"count": 1}


def test_faults_counts_and_resets_are_the_tenants_across_processes(two):
    a, b = two
    headers = admin_headers(lambda path, **kw: a.post("/t/x" + path, **kw), "ushahidi")
    for client in (a, b):
        client.delete("/t/x/__admin/requests")
        client.delete("/t/y/__admin/requests")
    rule = {"vendor": "ushahidi", "path": "/api/v3/tags/1", "status": 503, "times": 3}
    assert a.post("/t/x/__admin/faults", json=rule).status_code == 201
    statuses = [(a if i % 2 else b).get(f"/t/x{TAG}").status_code for i in range(6)]
    assert sorted(statuses) == [200] * 3 + [503] * 3
    assert [b.get(f"/t/y{TAG}").status_code for _ in range(3)] == [200] * 3
    matcher = {"vendor": "ushahidi", "path": "/api/v3/tags/1"}
    assert a.post("/t/x/__admin/requests/count", json=matcher).json() == {"count": 6}
    assert b.post("/t/x/__admin/requests/count", json=matcher).json() == {"count": 6}
    assert a.post("/t/y/__admin/requests/count", json=matcher).json() == {"count": 3}
    assert a.put(f"/t/x{TAG}", json={"tag": "Renamed"}, headers=headers).status_code == 200
    assert b.get(f"/t/x{TAG}").json()["tag"] == "Renamed"
    assert b.post("/t/x/__admin/reset").status_code == 200
    assert a.get(f"/t/x{TAG}").json()["tag"] == "Emergency"
    assert a.post("/t/x/__admin/requests/count", json={}).json() == {"count": 1}


def test_made_listed_and_deleted_for_every_process(two):
    a, b = two
    assert a.post("/__admin/tenants", json={"name": "made"}).status_code == 201
    assert b.post("/__admin/tenants", json={"name": "made"}).status_code == 409
    assert [t["name"] for t in b.get("/__admin/tenants").json()["tenants"]] == ["default", "made"]
    headers = admin_headers(lambda path, **kw: b.post("/t/made" + path, **kw), "ushahidi")
    assert b.put(f"/t/made{TAG}", json={"tag": "Renamed"}, headers=headers).status_code == 200
    assert a.get(f"/t/made{TAG}").json()["tag"] == "Renamed"
    assert b.delete("/__admin/tenants/made").json() == {"status": "ok", "deleted": "made"}
    assert a.get("/__admin/tenants/made").status_code == 404
    # Named again through the other process: a new tenant from the seed, and the old credentials are refused.
    assert a.get(f"/t/made{TAG}").json()["tag"] == "Emergency"
    assert b.get("/t/made/ushahidi/api/v3/users/me", headers=headers).status_code == 401


def test_the_bound_and_the_ttl_hold_across_processes(tmp_path):
    a, b = _two(f"sqlite:///{tmp_path / 'shared.sqlite3'}", max_tenants=1, tenant_ttl=0.5)
    with a, b:
        assert a.get(f"/t/one{TAG}").status_code == 200
        assert b.get(f"/t/two{TAG}").status_code == 429
        time.sleep(1.0)  # idle past its TTL
        assert b.get(f"/t/two{TAG}").status_code == 200
        assert [t["name"] for t in a.get("/__admin/tenants").json()["tenants"]] == ["default", "two"]
        assert sorted(p.name.split(".")[0] for p in (tmp_path / "shared.tenants").glob("*.sqlite3")) == ["two"]


def test_a_tenant_deleted_through_one_process_is_closed_by_the_others(two):
    a, b = two
    for n in range(3):
        assert a.post("/__admin/tenants", json={"name": f"gone-{n}"}).status_code == 201
        assert b.get(f"/t/gone-{n}{TAG}").status_code == 200  # b opens it
        assert a.delete(f"/__admin/tenants/gone-{n}").status_code == 200
    others = b.app.state.tenants
    assert sorted(others._named) == ["gone-0", "gone-1", "gone-2"]  # b has not heard yet
    others.sweep()  # what b does every 30 s (or TTL) by itself
    assert others._named == {}
