"""Drupal Services sessions: login, logout, token, connect, CSRF and the error shapes."""

import re

from tests.dosomething.conftest import ADMIN, BATMAN

SESSION_NAME = "SESS8de1794320df15914c40c2b37d51eff2"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def test_login_returns_session_token_and_documented_user(ds):
    response = ds.post("/auth/login", json=BATMAN)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["sessid", "session_name", "token", "user"]
    assert TOKEN.match(body["sessid"]) and TOKEN.match(body["token"])
    assert body["session_name"] == SESSION_NAME
    user = body["user"]
    assert list(user) == [
        "uid", "name", "mail", "theme", "signature", "signature_format", "created", "access", "login", "status",
        "timezone", "language", "picture", "data", "uuid", "sid", "ssid", "hostname", "timestamp", "cache",
        "session", "roles",
    ]  # fmt: skip
    assert {k: user[k] for k in ("uid", "name", "mail", "created", "status", "picture", "data", "uuid", "roles")} == {
        "uid": "38",
        "name": "batman",
        "mail": "batman@example.com",
        "created": "1392999246",
        "status": "1",
        "picture": "0",
        "data": False,
        "uuid": "8a88c274-d4b4-4f66-b8b7-59029173248c",
        "roles": {"2": "authenticated user"},
    }
    assert user["sid"] == body["sessid"] and user["login"] == user["timestamp"]
    assert response.headers["set-cookie"].startswith(f"{SESSION_NAME}={body['sessid']};")


def test_login_accepts_form_encoding_and_email(ds):
    response = ds.post("/auth/login", data={"username": "batman@example.com", "password": BATMAN["password"]})
    assert response.status_code == 200
    assert response.json()["user"]["uid"] == "38"


def test_wrong_password_is_401(ds):
    response = ds.post("/auth/login", json={"username": "batman", "password": "nope"})
    assert response.status_code == 401
    assert response.json() == ["Wrong username or password."]


def test_missing_or_unparseable_arguments_are_401(ds):
    assert ds.post("/auth/login", json={"password": "x"}).json() == ["Missing required argument username"]
    assert ds.post("/auth/login", json={"username": "batman"}).json() == ["Missing required argument password"]
    response = ds.post("/auth/login", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 401
    assert response.json() == ["Missing required argument username"]


def test_unsupported_content_type_is_406(ds):
    response = ds.post("/auth/login", files={"username": (None, "batman"), "password": (None, "x")})
    assert response.status_code == 406
    assert response.json() == ["Unsupported request content type multipart/form-data"]


def test_blocked_user_is_refused(ds):
    response = ds.post("/auth/login", json={"username": "blockeduser", "password": "password"})
    assert response.status_code == 403
    assert response.json() == [
        'The username <em class="placeholder">blockeduser</em> has not been activated or is blocked.'
    ]


def test_login_while_logged_in_needs_the_token_then_is_406(ds, batman):
    no_token = ds.post("/auth/login", json=BATMAN, headers={"Cookie": batman["Cookie"]})
    assert no_token.status_code == 401
    assert no_token.json() == ["CSRF validation failed"]
    again = ds.post("/auth/login", json=BATMAN, headers=batman)
    assert again.status_code == 406
    assert again.json() == ["Already logged in as batman."]


def test_token_is_the_sessions_csrf_token_and_exempt_from_the_check(ds, batman):
    response = ds.post("/auth/token", headers={"Cookie": batman["Cookie"]})
    assert response.status_code == 200
    assert response.json() == {"token": batman["X-CSRF-Token"]}


def test_connect_anonymous_and_logged_in(ds, batman):
    anonymous = ds.post("/system/connect", json={})
    assert anonymous.status_code == 200
    body = anonymous.json()
    assert body["session_name"] == SESSION_NAME and body["user"] == {"uid": "0"}
    assert TOKEN.match(body["sessid"])
    logged_in = ds.post("/system/connect", headers=batman).json()
    assert logged_in["sessid"] == batman["Cookie"].split("=", 1)[1]
    assert logged_in["user"]["name"] == "batman"
    wrong_token = ds.post("/system/connect", headers={**batman, "X-CSRF-Token": "x" * 43})
    assert wrong_token.status_code == 401 and wrong_token.json() == ["CSRF validation failed"]


def test_services_token_parameter_is_accepted_as_the_csrf_token(ds, batman):
    token = batman["X-CSRF-Token"]
    response = ds.post(f"/system/connect?services_token={token}", headers={"Cookie": batman["Cookie"]})
    assert response.status_code == 200


def test_logout_ends_the_session(ds, batman):
    response = ds.post("/auth/logout", headers=batman)
    assert response.status_code == 200
    assert response.json() == [True]
    # The cookie now identifies nobody: the caller is anonymous, so no CSRF check and no session.
    assert ds.post("/system/connect", headers=batman).json()["user"] == {"uid": "0"}
    again = ds.post("/auth/logout", headers=batman)
    assert again.status_code == 406
    assert again.json() == ["User is not logged in."]


def test_unknown_cookie_is_anonymous(ds):
    headers = {"Cookie": f"{SESSION_NAME}=forged-session-id"}
    response = ds.post("/campaigns/1672/signup", json={"source": "web"}, headers=headers)
    assert response.status_code == 403
    assert response.json() == ["Must be logged in!"]


def test_admin_session_has_the_administrator_role(ds):
    body = ds.post("/auth/login", json=ADMIN).json()
    assert body["user"]["roles"] == {"2": "authenticated user", "3": "administrator"}


def test_unknown_resource_and_controller_are_empty_404s(ds):
    unknown = ds.get("/nothing")
    assert unknown.status_code == 404 and unknown.content == b""
    wrong_method = ds.request("PATCH", "/campaigns/362")
    assert wrong_method.status_code == 404 and wrong_method.content == b""


def test_format_suffix(ds):
    assert ds.get("/campaigns/362.json").json()["data"]["id"] == "362"
    response = ds.get("/campaigns/362.xml")
    assert response.status_code == 406
    assert response.json() == ["Unknown or unsupported response format."]


def test_oversized_body_is_refused(client, ds):
    client.app.state.settings.max_body_bytes = 100
    response = ds.post("/auth/login", json={"username": "batman", "password": "x" * 200})
    assert response.status_code == 413
    assert response.json() == ["Request Entity Too Large"]


def test_credentials_of_another_vendor_are_ignored(ds):
    response = ds.post("/campaigns/1672/signup", json={}, headers={"Authorization": "Bearer abcd1234"})
    assert response.status_code == 403
    assert response.json() == ["Must be logged in!"]


def test_paths_outside_the_endpoint_are_drupal_404s(client):
    response = client.get("/dosomething/node/362")
    assert response.status_code == 404 and response.content == b""
