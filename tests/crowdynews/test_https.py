"""Over https (ASGI scheme https) the Content API links (`contentUri`, `queueDataUri`, collection `url`) start with
https, on the prefixed paths and on the real hosts, and the implicit grant redirects to an https callback as given
(docs/vendors/crowdynews.md, What is emulated: Over HTTPS); plain http is unchanged."""

import base64
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.crowdynews.conftest import BASIC, CONTRACT_2

TLS_CALLBACK = "https://localhost:3443/cb"


def token_at(client, auth_base: str) -> str:
    response = client.post(f"{auth_base}/v1/oauth/token", data={"grant_type": "client_credentials"}, headers=BASIC)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.mark.parametrize(
    ("api", "auth", "q"),
    [
        ("https://testserver/crowdynews", "https://testserver/crowdynews/auth", "https://testserver/crowdynews/q"),
        ("http://testserver/crowdynews", "http://testserver/crowdynews/auth", "http://testserver/crowdynews/q"),
        ("https://api.crowdynews.com", "https://auth.crowdynews.com", "https://q.crowdynews.com"),
        ("http://api.crowdynews.com", "http://auth.crowdynews.com", "http://q.crowdynews.com"),
    ],
)
def test_collection_links_follow_the_scheme_and_host(client, api, auth, q):
    token = token_at(client, auth)
    created = client.post(
        f"{api}/v1/collection/collections",
        params={"access_token": token},
        json={"name": "Over TLS", "type": "breakingburner", "contractId": CONTRACT_2},
    )
    doc = created.json()
    assert created.status_code == 201, created.text
    assert doc["contentUri"] == f"{q}/v1/content/my-contract?q=over-tls"
    assert doc["queueDataUri"] == doc["queueModerateUri"] == f"{q}/v1/queue/my-contract?q=over-tls"
    listed = client.get(f"{q}/v1/collections/my-contract").json()
    assert {"name": "Over TLS", "type": "breakingburner", "url": doc["contentUri"]} in listed
    assert client.get(doc["contentUri"]).status_code == 200


def test_the_implicit_grant_redirects_to_an_https_callback(client):
    params = {"response_type": "token", "client_id": "crowdmock", "redirect_uri": TLS_CALLBACK, "state": "xyz"}
    response = client.get("https://auth.crowdynews.com/v1/oauth/authorize", params=params, follow_redirects=False)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert (location.scheme, location.netloc, location.path, location.query) == ("https", "localhost:3443", "/cb", "")
    fragment = parse_qs(location.fragment)
    assert fragment["state"] == ["xyz"] and fragment["token_type"] == ["bearer"] and "refresh_token" not in fragment
    assert re.fullmatch(r"[0-9a-f]+", fragment["access_token"][0])


def test_an_unregistered_https_callback_is_refused(client):
    params = {"response_type": "token", "client_id": "crowdmock", "redirect_uri": "https://evil.example/cb"}
    response = client.get("https://auth.crowdynews.com/v1/oauth/authorize", params=params, follow_redirects=False)
    assert response.status_code == 400
    assert response.json()["errors"][0]["propertyName"] == "redirect_uri"


def test_basic_credentials_work_the_same_over_https(client):
    other = {"Authorization": "Basic " + base64.b64encode(b"crowdmock:wrong").decode()}
    response = client.post(
        "https://auth.crowdynews.com/v1/oauth/token", data={"grant_type": "client_credentials"}, headers=other
    )
    assert response.status_code == 401
