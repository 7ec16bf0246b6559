"""The vendors over a real TLS connection (uvicorn with a certificate, a client trusting it alone, the vendor's
hostname in SNI and Host): the ASGI scheme is https, so DoSomething opens `SSESS` sessions with a `secure` cookie and
links start with https://<the host used> (each vendor's page, What is emulated: Over HTTPS)."""

import base64

import httpx
import pytest

from crowdmock.testing import serve_urls
from tests.tls_server import self_signed, trusting

NAMES = ["www.dosomething.org", "demo.api.ushahidi.io", "api.crowdynews.com", "auth.crowdynews.com", "127.0.0.1"]


@pytest.fixture
def tls(tmp_path, settings):
    cert, key = self_signed(tmp_path, NAMES)
    # The user's own certificate (docs/https.md), served as `crowdmock serve --https` serves it.
    tls_settings = settings.model_copy(update={"https": True, "tls_cert": cert, "tls_key": key})
    with serve_urls(tls_settings) as (_, https_url), httpx.Client(verify=trusting(cert), timeout=10) as client:
        port = int(https_url.rsplit(":", 1)[1])

        def call(method: str, host: str, path: str, **kwargs) -> httpx.Response:
            # Connect to the loopback port, but name the vendor's host in SNI (certificate check) and Host (routing).
            headers = {"Host": f"{host}:{port}", **kwargs.pop("headers", {})}
            return client.request(
                method, f"https://127.0.0.1:{port}{path}", headers=headers, extensions={"sni_hostname": host}, **kwargs
            )

        yield call, port


def test_dosomething_sessions_are_secure_over_tls(tls):
    call, port = tls
    login = call(
        "POST",
        "www.dosomething.org",
        "/api/v1/auth/login",
        json={"username": "batman", "password": "imB@tman789Kittycat$"},
    )
    body = login.json()
    assert body["session_name"] == "SSESS8de1794320df15914c40c2b37d51eff2"
    assert login.headers["set-cookie"].endswith("; path=/; secure; HttpOnly")
    kudos = call("GET", "www.dosomething.org", "/api/v1/kudos/1015").json()
    assert kudos["data"]["uri"] == f"https://www.dosomething.org:{port}/api/v1/kudos/1015"


def test_ushahidi_links_name_the_https_host(tls):
    call, port = tls
    post = call("GET", "demo.api.ushahidi.io", "/api/v3/posts/8328").json()
    assert post["url"] == f"https://demo.api.ushahidi.io:{port}/api/v3/posts/8328"


def test_crowdynews_content_links_over_tls(tls):
    call, port = tls
    basic = {"Authorization": "Basic " + base64.b64encode(b"crowdmock:crowdmock-secret").decode()}
    token = call(
        "POST", "auth.crowdynews.com", "/v1/oauth/token", data={"grant_type": "client_credentials"}, headers=basic
    )
    created = call(
        "POST",
        "api.crowdynews.com",
        "/v1/collection/collections",
        params={"access_token": token.json()["access_token"]},
        json={"name": "Wire", "type": "breakingburner", "contractId": "565c4df4056e859526e62257"},
    )
    assert created.json()["contentUri"] == f"https://q.crowdynews.com:{port}/v1/content/my-contract?q=wire"


def test_a_name_outside_the_certificate_is_refused(tls):
    call, _ = tls
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        call("GET", "api.crowdskout.com", "/v1/attributes")
