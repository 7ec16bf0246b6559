"""A tenant's life: made on first use or by POST /__admin/tenants (seeded, from fixtures or from a snapshot), listed,
deleted, expired after CROWDMOCK_TENANT_TTL, bounded by CROWDMOCK_MAX_TENANTS; bad names refused with 400."""

import time

import pytest
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings
from tests.credentials import admin_headers

TAG = "/ushahidi/api/v3/tags/1"
RULE = "1 to 40 of a-z, 0-9, '-' and '_', starting with a letter or digit"


def _client(**settings) -> TestClient:
    return TestClient(create_app(Settings(**{"database_url": "sqlite://", **settings})))


@pytest.fixture
def client():
    with _client() as test_client:
        yield test_client


def _names(client: TestClient) -> list[str]:
    return [t["name"] for t in client.get("/__admin/tenants").json()["tenants"]]


def test_a_percent_encoded_name_is_refused(client):
    for path in ("/t/w%31/ushahidi/api/v3/tags/1", "/t/a%2Fb/ushahidi/api/v3/tags/1"):
        refused = client.get(path)
        assert (refused.status_code, refused.json()["error"]) == (400, "invalid tenant name"), path
    assert _names(client) == ["default"]


@pytest.mark.parametrize("name", ["Upper", "-dash", "a" * 41, "dot.ted", "sp ace"])
def test_a_bad_name_is_refused_with_400_by_path_header_and_body(client, name):
    refusal = {"error": "invalid tenant name", "problems": [f"{name!r}: a tenant name is {RULE}"]}
    by_path = client.get(f"/t/{name}{TAG}")
    assert (by_path.status_code, by_path.json()) == (400, refusal)
    by_header = client.get(TAG, headers={"X-Crowdmock-Tenant": name})
    assert (by_header.status_code, by_header.json()) == (400, refusal)
    by_body = client.post("/__admin/tenants", json={"name": name})
    assert (by_body.status_code, by_body.json()) == (400, refusal)
    assert _names(client) == ["default"]


def test_made_on_first_use_listed_and_deleted(client):
    assert client.get(f"/t/first{TAG}").status_code == 200
    assert _names(client) == ["default", "first"]
    shown = client.get("/__admin/tenants/first").json()
    assert shown["name"] == "first" and shown["expires"] > time.time() and shown["idle_seconds"] >= 0
    assert client.delete("/__admin/tenants/first").json() == {"status": "ok", "deleted": "first"}
    assert client.get("/__admin/tenants/first").status_code == 404
    assert client.delete("/__admin/tenants/first").json() == {
        "error": "unknown tenant",
        "problems": ["no tenant named 'first'"],
    }
    refused = client.delete("/__admin/tenants/default")
    assert refused.status_code == 400 and "cannot be deleted" in refused.json()["problems"][0]


def test_a_deleted_tenant_comes_back_seeded(client):
    headers = admin_headers(lambda path, **kw: client.post("/t/x" + path, **kw), "ushahidi")
    assert client.put(f"/t/x{TAG}", json={"tag": "Renamed"}, headers=headers).status_code == 200
    assert client.get(f"/t/x{TAG}").json()["tag"] == "Renamed"
    client.delete("/__admin/tenants/x")
    assert client.get(f"/t/x{TAG}").json()["tag"] == "Emergency"
    # Its old credentials went with it.
    assert client.get("/t/x/ushahidi/api/v3/users/me", headers=headers).status_code == 401


def test_create_explicitly_from_the_seed_a_snapshot_or_fixtures(client, tmp_path):
    made = client.post("/__admin/tenants", json={"name": "plain"})
    assert made.status_code == 201 and made.json()["name"] == "plain"
    again = client.post("/__admin/tenants", json={"name": "plain"})
    assert (again.status_code, again.json()["error"]) == (409, "tenant exists")

    headers = admin_headers(client.post, "ushahidi")
    client.put(TAG, json={"tag": "In the snapshot"}, headers=headers)
    taken = client.get("/__admin/snapshot", params={"vendor": "ushahidi"}).json()
    client.post("/__admin/reset")
    assert client.post("/__admin/tenants", json={"name": "snap", "snapshot": taken}).status_code == 201
    assert client.get(f"/t/snap{TAG}").json()["tag"] == "In the snapshot"
    assert client.get(TAG).json()["tag"] == "Emergency"

    folder = tmp_path / "mine" / "ideascale"
    folder.mkdir(parents=True)
    (folder / "campaign_groups.json").write_text('[{"id": 1, "name": "Renamed"}]')
    body = {"name": "mine", "fixtures": str(tmp_path / "mine")}
    assert client.post("/__admin/tenants", json=body).status_code == 201
    ideascale = admin_headers(lambda path, **kw: client.post("/t/mine" + path, **kw), "ideascale")
    groups = client.get("/t/mine/ideascale/a/rest/v1/campaigns/groups", headers=ideascale).json()
    assert (1, "Renamed") in [(g["id"], g["name"]) for g in groups]
    # The reset of a tenant made from fixtures brings those back.
    client.post("/t/mine/__admin/reset")
    groups = client.get("/t/mine/ideascale/a/rest/v1/campaigns/groups", headers=ideascale).json()
    assert (1, "Renamed") in [(g["id"], g["name"]) for g in groups]


def test_bad_sources_change_nothing(client, tmp_path):
    missing = client.post("/__admin/tenants", json={"name": "m", "fixtures": str(tmp_path / "nothing")})
    assert missing.status_code == 422
    bad = {"format": "crowdmock-snapshot", "version": 1, "vendors": {"ushahidi": {"nope": []}}}
    refused = client.post("/__admin/tenants", json={"name": "s", "snapshot": bad})
    assert (refused.status_code, refused.json()["error"]) == (422, "invalid snapshot")
    assert _names(client) == ["default"]


def test_links_keep_the_tenant_chosen_by_path(client):
    assert client.get(f"/t/links{TAG}").json()["url"] == f"http://testserver/t/links{TAG}"
    by_header = client.get(TAG, headers={"X-Crowdmock-Tenant": "links"})
    assert by_header.json()["url"] == f"http://testserver{TAG}"


def test_the_bound_refuses_more_tenants_with_429():
    with _client(max_tenants=2) as client:
        assert client.get(f"/t/one{TAG}").status_code == 200
        assert client.post("/__admin/tenants", json={"name": "two"}).status_code == 201
        full = client.get(f"/t/three{TAG}")
        assert full.status_code == 429
        assert full.json()["error"] == "too many tenants"
        assert "CROWDMOCK_MAX_TENANTS" in full.json()["problems"][0]
        assert client.post("/__admin/tenants", json={"name": "three"}).status_code == 429
        client.delete("/__admin/tenants/one")
        assert client.get(f"/t/three{TAG}").status_code == 200


def _files(folder, name: str) -> list:
    return sorted(folder.glob(f"{name}.*.sqlite3"))


def test_idle_tenants_expire_and_their_files_go(tmp_path):
    database, folder = tmp_path / "crowdmock.sqlite3", tmp_path / "crowdmock.tenants"
    with _client(database_url=f"sqlite:///{database}", tenant_ttl=0.5) as client:
        assert client.get(f"/t/idle{TAG}").status_code == 200
        assert len(_files(folder, "idle")) == 1
        time.sleep(1.0)  # idle past its TTL
        assert client.get(TAG).status_code == 200  # any request looks for expired tenants
        assert _names(client) == ["default"]
        assert _files(folder, "idle") == []
        assert client.get(f"/t/kept{TAG}").status_code == 200
        assert len(_files(folder, "kept")) == 1
    assert _files(folder, "kept") == []  # one process's tenants go with it
