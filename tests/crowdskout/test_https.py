"""Over https (ASGI scheme https) the OAuth flow keeps the scheme: the login form posts back relative to the page, the
redirect goes to the registered `redirect_uri` exactly as given (an https callback stays https, an http one is not
rewritten), and the seeded client accepts https callbacks on localhost (docs/vendors/crowdskout.md, What is
emulated: Over HTTPS)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.crowdskout.conftest import AUTHORIZE

REAL = "https://api.crowdskout.com"
TLS_CALLBACK = "https://localhost:3443/callback"
LOGIN = {**AUTHORIZE, "email": "demo@crowdskout.com", "password": "password"}


def log_in(client, base: str, redirect_uri: str):
    params = {**LOGIN, "redirect_uri": redirect_uri}
    return client.post(f"{base}/oauth/authorize", data=params, follow_redirects=False)


def test_the_login_form_posts_back_over_the_same_scheme(client):
    page = client.get(f"{REAL}/oauth/authorize", params={**AUTHORIZE, "redirect_uri": TLS_CALLBACK})
    assert page.status_code == 200
    assert '<form method="post" action="authorize">' in page.text  # relative: https://api.crowdskout.com/oauth/...
    assert f'name="redirect_uri" value="{TLS_CALLBACK}"' in page.text


@pytest.mark.parametrize("base", [REAL, "https://testserver/crowdskout", "http://testserver/crowdskout"])
def test_an_https_callback_gets_the_code_and_the_code_a_token(client, base):
    response = log_in(client, base, TLS_CALLBACK)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "localhost:3443", "/callback")
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"] and len(query) == 2
    grant = {
        "client_id": "abcd1234",
        "client_secret": "abcd1234",
        "code": query["code"][0],
        "redirect_uri": TLS_CALLBACK,
        "grant_type": "authorization_code",
    }
    token = client.post(f"{base}/oauth/access_token", data=grant)
    assert token.status_code == 200 and token.json()["token_type"] == "Bearer"
    me = client.get(f"{base}/oauth/tracking", headers={"Authorization": "Bearer " + token.json()["access_token"]})
    assert me.status_code == 200


def test_an_http_callback_is_not_rewritten_over_https(client):
    response = log_in(client, REAL, "http://localhost:3000/callback")
    assert response.headers["location"].startswith("http://localhost:3000/callback?code=")


def test_an_unregistered_https_callback_is_refused(client):
    response = log_in(client, REAL, "https://evil.example.org/callback")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_a_trailing_slash_redirect_keeps_https_and_the_real_host(client):
    response = client.get(f"{REAL}/v1/profile/1/", headers={"Authorization": "Bearer abcd1234"}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (307, f"{REAL}/v1/profile/1")
    plain = client.get("http://api.crowdskout.com/v1/profile/1/", follow_redirects=False)
    assert plain.headers["location"] == "http://api.crowdskout.com/v1/profile/1"
    prefixed = client.get("https://testserver/crowdskout/v1/profile/1/", follow_redirects=False)
    assert prefixed.headers["location"] == "https://testserver/crowdskout/v1/profile/1"
