"""The gateway check (docs/vendors/ushahidi.md §1.11), as Ushahidi's tests/Integration/gwchecker.feature has it: a
truthy `gwcheck` on any path answers before routing, 204 with the debug mode off, a description of the request with
it on."""

import pytest
from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings
from tests.openapi_recorder import UNRECORDED_HEADER

VALUES = ["true", "TRUE", "1", "anyString", "false"]


@pytest.mark.parametrize("endpoint", ["config", "does-not-exist"])
@pytest.mark.parametrize("value", VALUES)
def test_with_the_debug_mode_off_it_answers_204_and_says_so(client, endpoint, value):
    answer = client.get(f"/ushahidi/api/v3/{endpoint}", params={"gwcheck": value})
    assert (answer.status_code, answer.content) == (204, b"")
    assert answer.headers["x-ushahidi-platform-install-debug-mode"] == "off"


@pytest.mark.parametrize("value", ["0", ""])
def test_a_falsy_gwcheck_is_an_ordinary_request(client, value):
    answer = client.get("/ushahidi/api/v3/config", params={"gwcheck": value}, headers=UNRECORDED_HEADER)
    assert answer.status_code == 200 and "count" in answer.json()


@pytest.fixture
def debug_client(database_url):
    with TestClient(create_app(Settings(database_url=database_url, ushahidi_install_debug_mode=True))) as client:
        yield client


def test_with_the_debug_mode_on_ordinary_requests_still_work(debug_client):
    answer = debug_client.get("/ushahidi/api/v3/config")
    assert answer.status_code == 200 and isinstance(answer.json()["count"], int)


@pytest.mark.parametrize("endpoint", ["config", "does-not-exist"])
@pytest.mark.parametrize("value", VALUES)
def test_with_the_debug_mode_on_it_describes_the_request(debug_client, endpoint, value):
    answer = debug_client.get(
        f"/ushahidi/api/v3/{endpoint}?gwcheck={value}",
        headers={"Accept": "application/json", "User-Agent": "GuzzleHttp/7"},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert "count" not in body
    assert body["api"] == {"name": "ushahidi:platform:gwcheck", "version": "0.1"}
    data, server = body["data"], body["data"]["_SERVER"]
    assert data["_GET"] == data["_REQUEST"] == {"gwcheck": value} and data["_POST"] == []
    assert server["REQUEST_METHOD"] == "GET" and server["QUERY_STRING"] == f"gwcheck={value}"
    assert server["HTTP_ACCEPT"] == "application/json" and "GuzzleHttp" in server["HTTP_USER_AGENT"]
    assert server["REQUEST_URI"] == f"/api/v3/{endpoint}?gwcheck={value}"
    assert server["PATH_INFO"] == f"/api/v3/{endpoint}"
    assert server["SCRIPT_NAME"].endswith("/index.php") and server["SCRIPT_FILENAME"].endswith("/httpdocs/index.php")
    assert server["DOCUMENT_ROOT"].endswith("/httpdocs")
    for empty in ("HTTP_ACCEPT_CHARSET", "HTTP_ACCEPT_LANGUAGE", "HTTP_AUTHORIZATION", "HTTP_ORIGIN", "ORIG_PATH_INFO"):
        assert not server[empty], empty
