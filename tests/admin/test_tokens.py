"""POST /__admin/tokens: credentials each vendor accepts, for the user asked for, and refused by the others."""

import base64
import json

import pytest


def mint(client, **spec) -> dict:
    response = client.post("/__admin/tokens", json=spec)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["vendor", "user", "headers", "cookies", "query", "expires_in"]
    return body


def call(client, creds: dict, method: str, path: str, **kwargs):
    client.cookies.clear()
    for name, value in creds["cookies"].items():
        client.cookies.set(name, value)
    params = {**creds["query"], **kwargs.get("params", {})}
    if params:  # an empty mapping would drop a query string written in the path
        kwargs["params"] = params
    return client.request(method, path, headers=creds["headers"], **kwargs)


def jwt_claims(creds: dict) -> dict:
    payload = creds["headers"]["Authorization"].split()[1].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_crowdskout_bearer(client):
    creds = mint(client, vendor="crowdskout")
    assert creds["user"] == "demo@crowdskout.com" and creds["expires_in"] == 315_360_000
    response = call(client, creds, "GET", "/crowdskout/v1/profile/1?collections=Names")
    assert response.status_code == 200 and response.json()["success"] is True


def test_ushahidi_bearer_user_scopes_and_ttl(client):
    creds = mint(client, vendor="ushahidi")
    me = call(client, creds, "GET", "/ushahidi/api/v3/users/me")
    assert me.status_code == 200 and me.json()["email"] == "robbie@ushahidi.com"
    admin = mint(client, vendor="ushahidi", user="admin@ushahidi.com", ttl=60)
    claims = jwt_claims(admin)
    assert admin["expires_in"] == 60 and claims["exp"] - claims["iat"] == 60
    assert call(client, admin, "GET", "/ushahidi/api/v3/users/me").json()["role"] == "admin"
    narrow = mint(client, vendor="ushahidi", scopes=["posts"])
    assert call(client, narrow, "GET", "/ushahidi/api/v3/posts").status_code == 200
    assert call(client, narrow, "GET", "/ushahidi/api/v3/users/me").status_code in (401, 403)
    by_id = mint(client, vendor="ushahidi", user="1")
    assert by_id["user"] == "admin@ushahidi.com"


def test_crowdynews_access_token(client):
    creds = mint(client, vendor="crowdynews", ttl=120)
    assert creds["user"] == "crowdmock" and creds["expires_in"] == 120
    assert call(client, creds, "GET", "/crowdynews/v1/customer/contracts/me").status_code == 200
    token = creds["headers"]["Authorization"].split()[1]
    assert client.get("/crowdynews/v1/customer/contracts/me", params={"access_token": token}).status_code == 200
    other = mint(client, vendor="crowdynews", user="other-client")
    assert other["user"] == "other-client"


def test_dosomething_session_and_csrf(client):
    creds = mint(client, vendor="dosomething")
    assert creds["user"] == "batman"
    [(name, sid)] = creds["cookies"].items()
    assert name == "SESS8de1794320df15914c40c2b37d51eff2" and len(sid) == 43
    connect = call(client, creds, "POST", "/dosomething/api/v1/system/connect", json={})
    assert connect.status_code == 200 and connect.json()["user"]["uid"] == "38"
    without_csrf = dict(creds, headers={})
    refused = call(client, without_csrf, "POST", "/dosomething/api/v1/system/connect", json={})
    assert refused.status_code == 401
    admin = mint(client, vendor="dosomething", user="1")
    assert admin["user"] == "admin"
    found = call(client, admin, "GET", "/dosomething/api/v1/users", params={"parameters[email]": "x@example.com"})
    assert found.status_code == 200
    assert call(client, creds, "GET", "/dosomething/api/v1/users?parameters[email]=x@example.com").status_code == 403


def test_ideascale_api_tokens_and_multipass(client):
    member = mint(client, vendor="ideascale")
    assert member["headers"] == {"api_token": "00000000-0000-4000-8000-000000000002"}
    assert call(client, member, "GET", "/ideascale/a/rest/v1/campaigns").status_code == 200
    admin = mint(client, vendor="ideascale", user="admin@example.com")
    assert admin["headers"] == {"api_token": "00000000-0000-4000-8000-000000000001"}
    created = call(client, admin, "POST", "/ideascale/a/rest/v1/campaign", json={"name": "From the admin API"})
    assert created.status_code == 200
    # A member without a token of their own gets an admin api_token plus a Multipass member_token: the call acts
    # as that member, so an admin-only call is refused.
    alex = mint(client, vendor="ideascale", user="alex.smith@example.com")
    assert set(alex["headers"]) == {"api_token", "member_token"}
    assert call(client, alex, "GET", "/ideascale/a/rest/v1/campaigns").status_code == 200
    refused = call(client, alex, "POST", "/ideascale/a/rest/v1/campaign", json={"name": "x"})
    assert refused.json() == {"key": "RESTRICTED_TO_ADMIN", "message": "Resource is restricted to ADMIN"}
    forced = mint(client, vendor="ideascale", user="member@example.com", scopes=["multipass"], ttl=600)
    assert set(forced["headers"]) == {"api_token", "member_token"} and forced["expires_in"] == 600
    assert call(client, forced, "GET", "/ideascale/a/rest/v1/campaigns").status_code == 200


def test_minted_credentials_are_refused_by_other_vendors(client):
    ushahidi = mint(client, vendor="ushahidi")
    crowdskout = mint(client, vendor="crowdskout")
    assert call(client, ushahidi, "GET", "/crowdskout/v1/profile/1").status_code == 401
    assert call(client, crowdskout, "GET", "/ushahidi/api/v3/users/me").status_code == 401
    assert call(client, crowdskout, "GET", "/crowdynews/v1/customer/contracts/me").status_code == 401


@pytest.mark.parametrize(
    ("spec", "status"),
    [
        ({"vendor": "ushahidi", "user": "nobody@example.com"}, 404),
        ({"vendor": "crowdskout", "user": "999"}, 404),
        ({"vendor": "crowdynews", "user": "no-such-client"}, 404),
        ({"vendor": "dosomething", "user": "robin"}, 404),
        ({"vendor": "ideascale", "user": "nobody@example.com"}, 404),
        ({"vendor": "acme"}, 422),
        ({}, 422),
        ({"vendor": "ushahidi", "ttl": 0}, 422),
        ({"vendor": "ushahidi", "ttl": "60"}, 422),
        ({"vendor": "ushahidi", "scopes": "posts"}, 422),
        ({"vendor": "ushahidi", "role": "admin"}, 422),
    ],
)
def test_bad_token_requests(client, spec, status):
    response = client.post("/__admin/tokens", json=spec)
    assert response.status_code == status
    assert set(response.json()) == {"error", "problems"}


def test_malformed_token_request(client):
    response = client.post("/__admin/tokens", content=b"vendor=ushahidi")
    assert response.status_code == 400 and response.json() == {"error": "malformed JSON body", "problems": []}
