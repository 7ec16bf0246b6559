"""OAuth 2.0 authorization code flow, the password grant and Bearer checks."""

from urllib.parse import parse_qs, urlsplit

import pytest

from crowdmock.core.tokens import issue_jwt
from tests.crowdskout.conftest import AUTHORIZE, REDIRECT

LOGIN = {**AUTHORIZE, "email": "demo@crowdskout.com", "password": "password"}


def get_code(cs, params=LOGIN) -> str:
    response = cs.post("/oauth/authorize", data=params, headers={}, follow_redirects=False)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return query["code"][0]


def exchange(cs, code: str, **overrides):
    body = {
        "client_id": "abcd1234",
        "client_secret": "abcd1234",
        "code": code,
        "redirect_uri": REDIRECT,
        "grant_type": "authorization_code",
        **overrides,
    }
    return cs.post("/oauth/access_token", data=body, headers={})


def test_authorize_serves_a_login_form_carrying_the_parameters(cs):
    response = cs.get("/oauth/authorize", params=AUTHORIZE, headers={})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<form method="post"' in response.text and 'name="password"' in response.text
    assert 'name="state" value="xyz"' in response.text


def test_login_redirects_with_code_and_state(cs):
    response = cs.post("/oauth/authorize", data=LOGIN, headers={}, follow_redirects=False)
    location = urlsplit(response.headers["location"])
    assert (location.scheme, location.netloc, location.path) == ("http", "localhost:3000", "/callback")
    assert parse_qs(location.query)["state"] == ["xyz"]


def test_wrong_password_shows_the_form_again_with_an_error(cs):
    response = cs.post("/oauth/authorize", data={**LOGIN, "password": "nope"}, headers={}, follow_redirects=False)
    assert response.status_code == 200
    assert 'role="alert"' in response.text and "do not match" in response.text


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        ({**AUTHORIZE, "client_id": "nope"}, 401, "invalid_client"),
        ({**AUTHORIZE, "redirect_uri": "http://evil.example.org/cb"}, 401, "invalid_client"),
        ({**AUTHORIZE, "response_type": "token"}, 400, "unsupported_response_type"),
        ({k: v for k, v in AUTHORIZE.items() if k != "client_id"}, 400, "invalid_request"),
        ({k: v for k, v in AUTHORIZE.items() if k != "redirect_uri"}, 400, "invalid_request"),
    ],
)
def test_authorize_refusals(cs, params, status, error):
    response = cs.get("/oauth/authorize", params=params, headers={})
    assert response.status_code == status
    assert response.json()["error"] == error
    assert list(response.json()) == ["error", "error_description"]


def test_code_exchange_returns_the_documented_token_body(cs):
    response = exchange(cs, get_code(cs))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["access_token", "token_type", "expires_in"]
    assert body["token_type"] == "Bearer" and body["expires_in"] == 315360000
    me = cs.get("/v1/tracking", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {"success": True, "messages": [], "data": {"source": 1, "organization": 2, "client": 3}}


def test_code_is_single_use(cs):
    code = get_code(cs)
    assert exchange(cs, code).status_code == 200
    again = exchange(cs, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_request"


def test_code_is_bound_to_the_redirect_uri(cs):
    response = exchange(cs, get_code(cs), redirect_uri="http://localhost:3000/other")
    assert response.status_code == 400
    assert 'Check the "redirect_uri" parameter' in response.json()["error_description"]


def test_bad_client_secret_is_invalid_client(cs):
    response = exchange(cs, get_code(cs), client_secret="wrong")
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client", "error_description": "Client authentication failed."}


def test_unknown_grant_type(cs):
    response = exchange(cs, "x", grant_type="implicit")
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


def test_password_grant(cs):
    body = {
        "grant_type": "password",
        "username": "demo@crowdskout.com",
        "password": "password",
        "client_id": "abcd1234",
        "client_secret": "abcd1234",
    }
    assert cs.post("/oauth/access_token", data=body, headers={}).status_code == 200
    wrong = cs.post("/oauth/access_token", data={**body, "password": "x"}, headers={})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_credentials"


def test_missing_unknown_and_expired_tokens_are_refused_in_the_envelope(cs, app):
    missing = cs.get("/v1/attribute", headers={})
    assert missing.status_code == 401
    assert missing.json() == {"success": False, "messages": ["The request is missing an access token."], "data": None}
    unknown = cs.get("/v1/attribute", headers={"Authorization": "Bearer nope"})
    assert unknown.status_code == 401
    assert unknown.json()["messages"] == ["The resource owner or authorization server denied the request."]
    expired = issue_jwt(app.state.settings.token_secret, {"vnd": "crowdskout", "typ": "access", "sub": "1"}, -5)
    assert cs.get("/v1/attribute", headers={"Authorization": f"Bearer {expired}"}).status_code == 401


def test_other_vendors_tokens_are_refused(cs, app):
    foreign = issue_jwt(app.state.settings.token_secret, {"vnd": "ushahidi", "typ": "access", "sub": "1"}, 600)
    assert cs.get("/v1/attribute", headers={"Authorization": f"Bearer {foreign}"}).status_code == 401


def test_api_key_is_ignored_and_access_token_query_works(cs):
    assert cs.get("/v1/attribute?api_key=whatever").status_code == 200
    assert cs.get("/v1/attribute?access_token=abcd1234", headers={}).status_code == 200


def test_oauth_tracking(cs):
    assert cs.get("/oauth/tracking").json()["data"]["client"] == 3


def test_expired_code_is_refused(cs, app):
    from sqlmodel import Session

    from crowdmock.vendors.crowdskout.models import AuthCode

    code = get_code(cs)
    with Session(app.state.store.engine) as session:
        row = session.get(AuthCode, code)
        row.expires_at -= 601
        session.add(row)
        session.commit()
    assert exchange(cs, code).status_code == 400
