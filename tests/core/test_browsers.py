"""What browser frontends rely on: CORS on every vendor and the admin API (configurable), docs pages that work
offline, every vendor's real hostnames, and single-vendor serving at the root."""

import pytest
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings
from crowdmock.vendors import VENDORS

PREFLIGHT = {
    "Origin": "http://localhost:5173",
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "authorization,content-type,x-csrf-token,api_token",
}
PATHS = {
    "crowdskout": "/crowdskout/v1/profile/1",
    "crowdynews": "/crowdynews/v1/customer/contracts/me",
    "dosomething": "/dosomething/api/v1/campaigns/362",
    "ideascale": "/ideascale/a/rest/v1/campaigns",
    "ushahidi": "/ushahidi/api/v3/posts/8328",
}


@pytest.mark.parametrize("path", [*PATHS.values(), "/__admin/faults", "/__admin/requests/count"])
def test_preflights_are_answered_everywhere(client, path):
    response = client.options(path, headers=PREFLIGHT)
    # Ushahidi's server answers 204 (docs/vendors/ushahidi.md §1.13), the others as Starlette does.
    assert response.status_code == (204 if path.startswith("/ushahidi") else 200)
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "PUT" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == PREFLIGHT["Access-Control-Request-Headers"]
    assert client.get("/__admin/requests").json()["requests"] == []  # preflights are not vendor traffic


def test_responses_expose_vendor_headers(client):
    response = client.get("/ideascale/a/rest/v1/campaigns", headers={"Origin": "http://localhost:5173"})
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    exposed = [h.strip() for h in response.headers["access-control-expose-headers"].split(",")]
    assert {"X-Request-Id", "Retry-After", "pager_total_count"} <= set(exposed)


def test_configured_origins_only():
    settings = Settings(database_url="sqlite://", cors_origins=["http://app.test"])
    with TestClient(create_app(settings)) as client:
        allowed = client.options("/ushahidi/api/v3/posts", headers={**PREFLIGHT, "Origin": "http://app.test"})
        assert allowed.status_code == 204 and allowed.headers["access-control-allow-origin"] == "http://app.test"
        refused = client.options("/ushahidi/api/v3/posts", headers=PREFLIGHT)
        assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
        simple = client.get("/ushahidi/api/v3/posts/8328", headers={"Origin": "http://evil.test"})
        assert simple.status_code == 200 and "access-control-allow-origin" not in simple.headers


def test_cors_can_be_turned_off():
    with TestClient(create_app(Settings(database_url="sqlite://", cors_enabled=False))) as client:
        response = client.get("/ushahidi/api/v3/posts/8328", headers={"Origin": "http://localhost:5173"})
        assert "access-control-allow-origin" not in response.headers


def test_origins_from_the_environment(monkeypatch):
    monkeypatch.setenv("CROWDMOCK_CORS_ORIGINS", "http://a.test, http://b.test")
    assert Settings().cors_origins == ["http://a.test", "http://b.test"]
    monkeypatch.setenv("CROWDMOCK_CORS_ORIGINS", '["http://c.test"]')
    assert Settings().cors_origins == ["http://c.test"]


@pytest.mark.parametrize("base", ["/__admin", *(v.prefix for v in VENDORS.values())])
def test_docs_pages_use_local_assets(client, base):
    page = client.get(f"{base}/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text
    assert "/__admin/static/docs/swagger-ui-bundle.js" in page.text
    assert f"{base}/openapi.json" in page.text
    assert client.get(f"{base}/openapi.json").status_code == 200
    assert client.get(f"{base}/redoc").status_code == 404


def test_docs_assets_are_served(client):
    script = client.get("/__admin/static/docs/swagger-ui-bundle.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert client.get("/__admin/static/docs/swagger-ui.css").status_code == 200
    assert client.get("/__admin/static/dashboard/dashboard.js").status_code == 200


@pytest.mark.parametrize(
    ("host", "path", "vendor"),
    [
        ("api.crowdskout.com", "/v1/profile/1", "crowdskout"),
        ("api.crowdynews.com:443", "/v1/customer/contracts/me", "crowdynews"),
        ("q.crowdynews.com", "/v1/content/unknown-contract", "crowdynews"),
        ("auth.crowdynews.com", "/v1/oauth/token/info", "crowdynews"),
        ("www.dosomething.org", "/api/v1/campaigns/362", "dosomething"),
        ("acme.ideascale.com", "/a/rest/v1/campaigns", "ideascale"),
        ("MyDeployment.API.Ushahidi.io", "/api/v3/posts/8328", "ushahidi"),
    ],
)
def test_every_real_hostname_is_routed(client, host, path, vendor):
    client.get(path, headers={"Host": host})
    [entry] = client.get("/__admin/requests").json()["requests"]
    assert entry["vendor"] == vendor and entry["path"].startswith(VENDORS[vendor].prefix + "/")
    assert not entry["unmatched"]


def test_docs_through_a_real_hostname(client):
    page = client.get("/docs", headers={"Host": "api.crowdskout.com"})
    assert page.status_code == 200 and "/crowdskout/openapi.json" in page.text
    spec = client.get("/crowdskout/openapi.json", headers={"Host": "api.crowdskout.com"})
    assert spec.status_code == 200


def test_one_vendor_at_the_root():
    with TestClient(create_app(Settings(database_url="sqlite://", vendor="ushahidi"))) as client:
        assert client.get("/api/v3/posts/8328").json()["id"] == 8328
        assert client.get("/ushahidi/api/v3/posts/8328").status_code == 404
        assert list(client.get("/__admin/health").json()["vendors"]) == ["ushahidi"]
        [entry] = [e for e in client.get("/__admin/requests").json()["requests"] if e["status"] == 200]
        assert (entry["vendor"], entry["path"]) == ("ushahidi", "/api/v3/posts/8328")
        assert client.get("/docs").status_code == 200
        refused = client.post("/__admin/faults", json={"vendor": "crowdskout", "status": 500})
        assert refused.status_code == 422
        assert client.post("/__admin/faults", json={"vendor": "ushahidi", "status": 500}).status_code == 201
        assert client.get("/api/v3/posts/8328").status_code == 500
