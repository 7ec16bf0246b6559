"""POST /oauth/token: grants, bodies and errors of the current Passport server (docs/vendors/ushahidi.md §1.5, §1.6)."""

import base64

from crowdmock.core.tokens import issue_jwt
from tests.ushahidi.conftest import SECRET

PASSWORD = {
    "grant_type": "password",
    "client_id": "ushahidiui",
    "client_secret": SECRET,
    "username": "robbie@ushahidi.com",
    "password": "testing",
    "scope": "*",
}


def test_password_grant_returns_token_body_in_documented_key_order(ush):
    response = ush.post("/oauth/token", data=PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["token_type", "expires_in", "access_token", "refresh_token"]
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 54000 and isinstance(body["expires_in"], int)


def test_password_grant_accepts_json_body(ush):
    assert ush.post("/oauth/token", json=PASSWORD).status_code == 200


def test_client_credentials_over_http_basic_has_no_refresh_token(ush):
    basic = base64.b64encode(f"ushahidiui:{SECRET}".encode()).decode()
    response = ush.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "posts forms"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200
    assert list(response.json()) == ["token_type", "expires_in", "access_token"]


def test_wrong_password_is_invalid_grant_400(ush):
    response = ush.post("/oauth/token", data={**PASSWORD, "password": "nope"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The user credentials were incorrect.",
        "message": "The user credentials were incorrect.",
    }


def test_wrong_password_counts_a_failed_attempt(ush, admin):
    ush.post("/oauth/token", data={**PASSWORD, "password": "nope"})
    robbie = ush.get("/api/v3/users/2", headers=admin).json()
    assert robbie["failed_attempts"] == 1


def test_bad_client_secret_is_invalid_client_401(ush):
    response = ush.post("/oauth/token", data={**PASSWORD, "client_secret": "wrong"})
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed",
        "message": "Client authentication failed",
    }


def test_unknown_grant_is_unsupported_grant_type(ush):
    response = ush.post("/oauth/token", data={"grant_type": "implicit"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert response.json()["hint"] == "Check that all required parameters have been provided"


def test_missing_username_is_invalid_request_with_hint(ush):
    response = ush.post("/oauth/token", data={k: v for k, v in PASSWORD.items() if k != "username"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["hint"] == "Check the `username` parameter"


def test_unknown_scope_is_invalid_scope(ush):
    response = ush.post("/oauth/token", data={**PASSWORD, "scope": "posts teleport"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert response.json()["hint"] == "Check the `teleport` scope"


def test_refresh_token_is_reusable(ush):
    refresh = ush.post("/oauth/token", data=PASSWORD).json()["refresh_token"]
    grant = {
        "grant_type": "refresh_token",
        "refresh_token": refresh,
        "client_id": "ushahidiui",
        "client_secret": SECRET,
    }
    first = ush.post("/oauth/token", data=grant)
    second = ush.post("/oauth/token", data=grant)
    assert first.status_code == second.status_code == 200
    me = ush.get("/api/v3/users/me", headers={"Authorization": "Bearer " + second.json()["access_token"]})
    assert me.json()["email"] == "robbie@ushahidi.com"


def test_garbage_refresh_token_is_401_invalid_request(ush):
    response = ush.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": "x",
            "client_id": "ushahidiui",
            "client_secret": SECRET,
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_description"] == "The refresh token is invalid."


def test_access_token_is_not_a_refresh_token(ush):
    access = ush.post("/oauth/token", data=PASSWORD).json()["access_token"]
    response = ush.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": access,
            "client_id": "ushahidiui",
            "client_secret": SECRET,
        },
    )
    assert response.status_code == 401


def test_expired_token_is_refused_with_www_authenticate(ush, app):
    expired = issue_jwt(
        app.state.settings.token_secret, {"vnd": "ushahidi", "typ": "access", "sub": "2", "scopes": ["*"]}, -10
    )
    response = ush.get("/api/v3/users/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="OAuth"'
    assert response.json() == {
        "errors": [{"status": 401, "message": "The resource owner or authorization server denied the request."}]
    }


def test_token_of_another_vendor_is_refused(ush, app):
    foreign = issue_jwt(app.state.settings.token_secret, {"vnd": "crowdskout", "typ": "access", "sub": "2"}, 600)
    response = ush.get("/api/v3/posts", headers={"Authorization": f"Bearer {foreign}"})
    assert response.status_code == 401


def test_token_without_scope_is_refused_403(ush):
    headers = ush.headers("robbie@ushahidi.com", scope="tags")
    response = ush.get("/api/v3/posts", headers=headers)
    assert response.status_code == 403
    assert response.json() == {"errors": [{"status": 403, "message": "Invalid scope(s) provided."}]}
    assert ush.get("/api/v3/tags", headers=headers).status_code == 200
