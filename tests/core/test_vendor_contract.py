"""Every registered vendor keeps the vendor contract (app/core/vendor.py, docs/architecture.md): an app with an OpenAPI
document, its error shape on every error crowdmock's layers make (404, 405, 413, 422, 500, faults), credentials
the admin API can mint, reset and snapshots, fixtures that load, and its real hostnames routed to it. A sixth vendor
is checked by these tests as soon as it is in the registry."""

import asyncio
import json
from fnmatch import fnmatch
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient
from starlette.requests import Request

from crowdmock.main import create_app
from crowdmock.settings import Settings, default_fixtures
from crowdmock.vendors import VENDORS

ROOT = Path(__file__).resolve().parents[2]
NAMES = list(VENDORS)


@pytest.fixture(scope="module")
def client():
    settings = Settings(database_url="sqlite://", max_body_bytes=64, response_cache=False)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def vendor_apps() -> dict[str, FastAPI]:
    return {name: vendor.build_app(Settings(database_url="sqlite://")) for name, vendor in VENDORS.items()}


def _body(response):
    return response.json() if response.content else None


def _paths(app: FastAPI, method: str) -> list[tuple[str, set[str]]]:
    """(path, its methods) of the app's documented paths without parameters that serve `method`."""
    paths = app.openapi()["paths"].items()
    return [(path, {m.upper() for m in item}) for path, item in paths if method.lower() in item and "{" not in path]


@pytest.mark.parametrize("name", NAMES)
def test_the_descriptor_names_its_package_and_prefix(name):
    vendor = VENDORS[name]
    assert vendor.name == name and vendor.package == f"crowdmock.vendors.{name}"
    assert vendor.prefix == f"/{name}"
    assert vendor.hosts and all(prefix.startswith(vendor.prefix) for prefix in vendor.hosts.values())
    assert vendor.credentials and vendor.real_bases
    assert not vendor.is_error_body({"detail": "Not Found"})


@pytest.mark.parametrize("name", NAMES)
def test_its_app_has_an_openapi_document_and_a_recording(name, vendor_apps, client):
    document = vendor_apps[name].openapi()
    assert document["paths"]
    recorded = json.loads(VENDORS[name].openapi_recording().read_text(encoding="utf-8"))
    assert recorded["paths"]
    served = client.get(f"/{name}/openapi.json")
    assert served.status_code == 200 and served.json()["paths"].keys() == document["paths"].keys()
    shapes = VENDORS[name].request_shapes()
    assert isinstance(shapes.OPEN_FIELDS, dict) and isinstance(shapes.request_fields(), dict)


@pytest.mark.parametrize("name", NAMES)
def test_an_unknown_path_is_the_vendors_404(name, client):
    response = client.get(f"/{name}/crowdmock-no-such-path")
    assert response.status_code == 404
    assert VENDORS[name].is_error_body(_body(response)), response.text


@pytest.mark.parametrize("name", NAMES)
def test_a_method_a_path_does_not_serve_is_the_vendors_405_or_404(name, vendor_apps, client):
    path = next(path for path, methods in _paths(vendor_apps[name], "GET") if "PATCH" not in methods)
    response = client.patch(f"/{name}{path}")
    assert response.status_code in (404, 405)
    assert VENDORS[name].is_error_body(_body(response)), response.text


@pytest.mark.parametrize("name", NAMES)
def test_a_body_over_the_limit_is_the_vendors_413(name, vendor_apps, client):
    path = _paths(vendor_apps[name], "POST")[0][0]
    response = client.post(f"/{name}{path}", content=b"x" * 1000, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert VENDORS[name].is_error_body(_body(response)), response.text


@pytest.mark.parametrize("name", NAMES)
def test_validation_errors_and_crashes_are_answered_in_the_vendors_shape(name, vendor_apps):
    app = vendor_apps[name]
    app.state.vendor, app.state.settings = VENDORS[name], Settings(database_url="sqlite://")
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b"", "app": app})
    for exception, handler in (
        (RequestValidationError([]), app.exception_handlers[RequestValidationError]),
        (RuntimeError("boom"), app.exception_handlers[Exception]),
    ):
        response = asyncio.run(handler(request, exception))
        assert response.status_code >= 400
        assert VENDORS[name].is_error_body(json.loads(response.body) if response.body else None), response.body


@pytest.mark.parametrize("name", NAMES)
def test_a_fault_answers_in_the_vendors_shape(name, client):
    rule = client.post("/__admin/faults", json={"vendor": name, "status": 503, "times": 1}).json()
    try:
        response = client.get(f"/{name}/crowdmock-fault-probe")
    finally:
        client.delete(f"/__admin/faults/{rule['id']}")
    assert response.status_code == 503
    assert VENDORS[name].is_error_body(_body(response)), response.text


@pytest.mark.parametrize("name", NAMES)
def test_the_admin_api_mints_credentials_for_its_default_user_and_its_administrator(name, client):
    for user in {None, VENDORS[name].admin_user}:
        minted = client.post("/__admin/tokens", json={"vendor": name, "user": user})
        assert minted.status_code == 200, minted.text
        assert minted.json()["vendor"] == name
        assert minted.json()["headers"] or minted.json()["cookies"] or minted.json()["query"]


@pytest.mark.parametrize("name", NAMES)
def test_reset_and_snapshot_cover_it(name, client):
    assert client.post("/__admin/reset", params={"vendor": name}).json()["reset"] == [name]
    snapshot = client.get("/__admin/snapshot", params={"vendor": name}).json()
    assert list(snapshot["vendors"]) == [name]
    assert all(table.startswith(f"{name}_") for table in snapshot["vendors"][name])
    loaded = client.post("/__admin/snapshot", json=snapshot)
    assert loaded.status_code == 200 and loaded.json()["loaded"] == [name]


@pytest.mark.parametrize("name", NAMES)
def test_its_fixtures_load_into_its_own_tables(name):
    rows = VENDORS[name].load_seed(default_fixtures() / name)
    assert rows and sum(len(records) for _, records in rows) > 0
    assert all(model.__tablename__.startswith(f"{name}_") for model, _ in rows)
    stems = {path.stem for path in (default_fixtures() / name).glob("*.json")}
    assert set(VENDORS[name].fixture_identities) <= stems


@pytest.mark.parametrize("name", NAMES)
def test_its_real_hostnames_are_routed_to_it(name, client):
    for host in VENDORS[name].hosts:
        response = client.get("/crowdmock-no-such-path", headers={"Host": host.replace("*", "demo")})
        assert response.status_code == 404
        assert VENDORS[name].is_error_body(_body(response)), (host, response.text)


def test_the_compose_file_aliases_every_vendor_hostname():
    compose = (ROOT / "docker-compose.yml").read_text()
    aliases = [line.strip()[2:] for line in compose.splitlines() if line.strip().startswith("- ") and "." in line]
    for vendor in VENDORS.values():
        for host in vendor.hosts:
            assert any(fnmatch(alias, host) for alias in aliases), host
