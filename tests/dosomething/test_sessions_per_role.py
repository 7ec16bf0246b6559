"""The session and CSRF rules on every state-changing call, per role, and session lifetime."""

import pytest
from sqlmodel import Session, select

from crowdmock.vendors.dosomething.models import Session as DrupalSession
from tests.dosomething.conftest import BATMAN

# (method, path, body with every required argument)
WRITES = [
    ("POST", "/auth/logout", {}),
    ("POST", "/system/connect", {}),
    ("POST", "/system/set_variable", {"name": "x", "value": 1}),
    ("POST", "/users/get_member_count", {}),
    ("POST", "/users", {"email": "new@example.com"}),
    ("POST", "/users/38/password_reset_url", {}),
    ("POST", "/campaigns/1672/signup", {"source": "web"}),
    ("POST", "/campaigns/1672/reportback", {"quantity": 1, "why_participated": "x", "file_url": "http://x.io/a.jpg"}),
    ("POST", "/reportback_files/500/review", {"status": "approved"}),
    ("POST", "/kudos", {"reportback_item_id": 572, "user_id": 38, "term_ids": [643]}),
    ("DELETE", "/kudos/1017", None),
    ("POST", "/taxonomy_term", {"term": {"vid": 6, "name": "x"}}),
    ("PUT", "/taxonomy_term/641", {"term": {"name": "x"}}),
    ("DELETE", "/taxonomy_term/641", None),
]
ADMIN_ONLY = {
    "/system/set_variable",
    "/users/38/password_reset_url",
    "/reportback_files/500/review",
    "/taxonomy_term",
    "/taxonomy_term/641",
}
NEEDS_LOGIN = {"/campaigns/1672/signup", "/campaigns/1672/reportback", "/kudos", "/kudos/1017"}


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_logged_in_writes_need_the_csrf_token(ds, batman, method, path, body):
    response = ds.request(method, path, json=body, headers={"Cookie": batman["Cookie"]})
    assert response.status_code == 401
    assert response.json() == ["CSRF validation failed"]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_anonymous_writes_are_not_csrf_checked_but_refused_where_access_needs_a_user(ds, method, path, body):
    response = ds.request(method, path, json=body)
    if path in ADMIN_ONLY or path in NEEDS_LOGIN and path.startswith("/kudos"):
        assert (response.status_code, response.json()) == (403, ["Access denied for user anonymous"])
    elif path in NEEDS_LOGIN:
        assert (response.status_code, response.json()) == (403, ["Must be logged in!"])
    elif path == "/auth/logout":
        assert (response.status_code, response.json()) == (406, ["User is not logged in."])
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), [w for w in WRITES if w[1] in ADMIN_ONLY])
def test_admin_only_writes_refuse_users_and_accept_administrators(ds, batman, admin, method, path, body):
    refused = ds.request(method, path, json=body, headers=batman)
    assert (refused.status_code, refused.json()) == (403, ["Access denied for user batman"])
    assert ds.request(method, path, json=body, headers=admin).status_code == 200


def test_admin_only_reads_refuse_users(ds, batman):
    for path in ("/users?parameters[email]=a@b.c", "/users/current/activity", "/terms/4/inbox"):
        response = ds.get(path, headers=batman)
        assert (response.status_code, response.json()) == (403, ["Access denied for user batman"])


def test_expired_session_is_anonymous(app, ds, batman):
    sid = batman["Cookie"].split("=", 1)[1]
    with Session(app.state.store.engine) as db:
        row = db.exec(select(DrupalSession).where(DrupalSession.sid == sid)).one()
        row.timestamp -= 3_000_000
        db.add(row)
        db.commit()
    assert ds.post("/system/connect", headers=batman).json()["user"] == {"uid": "0"}


def test_https_sessions_use_the_secure_cookie_name(client):
    response = client.post("https://testserver/dosomething/api/v1/auth/login", json=BATMAN)
    body = response.json()
    assert body["session_name"] == "SSESS8de1794320df15914c40c2b37d51eff2"
    assert "; secure" in response.headers["set-cookie"]


def test_endpoint_root_is_empty(ds):
    response = ds.get("")
    assert response.status_code == 200 and response.content == b""


def test_browser_frontends_may_send_the_session_cookie(client):
    headers = {
        "Origin": "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-csrf-token",
    }
    preflight = client.options("/dosomething/api/v1/campaigns/1672/signup", headers=headers)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "x-csrf-token" in preflight.headers["access-control-allow-headers"].lower()
