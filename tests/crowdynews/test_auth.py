"""The authorization server and the token rules of resource calls."""

import re
import uuid

from tests.crowdynews.conftest import BASIC, CONTRACT_2, OTHER_BASIC, get_token

TOKEN_URL = "/crowdynews/auth/v1/oauth/token"


def assert_error(response, status: int, name: str, **detail) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body)[:2] == ["requestId", "errors"]
    uuid.UUID(body["requestId"])
    assert response.headers["x-request-id"] == body["requestId"]
    (error,) = body["errors"]
    assert error["name"] == name and isinstance(error["message"], str) and error["message"]
    for key, value in detail.items():
        assert error[key] == value
    return error


def test_client_credentials_and_refresh(client):
    body = get_token(client)
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    refreshed = client.post(
        TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}, headers=BASIC
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["access_token"] != body["access_token"] and refreshed.json()["refresh_token"]
    # A refresh token works once; the client then gets a new one with its credentials (400 = refresh failed).
    again = client.post(
        TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}, headers=BASIC
    )
    assert_error(again, 400, "InvalidGrantError")


def test_token_endpoint_refusals(client):
    assert_error(client.post(TOKEN_URL, data={"grant_type": "client_credentials"}), 401, "UnauthorizedError")
    bad_secret = {"Authorization": "Basic Y3Jvd2Rtb2NrOndyb25n"}
    assert_error(
        client.post(TOKEN_URL, data={"grant_type": "client_credentials"}, headers=bad_secret), 401, "UnauthorizedError"
    )
    assert_error(
        client.post(TOKEN_URL, data={}, headers=BASIC),
        400,
        "ValidationError",
        propertyName="grant_type",
        reason="required",
    )
    assert_error(
        client.post(TOKEN_URL, data={"grant_type": "password"}, headers=BASIC),
        400,
        "ValidationError",
        propertyName="grant_type",
        propertyValue="password",
        reason="enum",
    )
    other = get_token(client, OTHER_BASIC)
    stolen = client.post(
        TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": other["refresh_token"]}, headers=BASIC
    )
    assert_error(stolen, 400, "InvalidGrantError")


def test_token_info_ttl_in_milliseconds(client):
    token = get_token(client)["access_token"]
    # The vendor's client sends the token as a form body on a GET.
    info = client.request("GET", TOKEN_URL + "/info", data={"access_token": token}, headers=BASIC)
    assert info.status_code == 200
    assert info.json()["clientId"] == "crowdmock" and 3_590_000 < info.json()["ttl"] <= 3_600_000
    by_query = client.get(TOKEN_URL + "/info", params={"access_token": token}, headers=BASIC)
    assert by_query.json()["ttl"] > 0
    assert_error(
        client.get(TOKEN_URL + "/info", params={"access_token": "nope"}, headers=BASIC), 401, "UnauthorizedError"
    )
    assert_error(
        client.get(TOKEN_URL + "/info", params={"access_token": token}, headers=OTHER_BASIC), 401, "UnauthorizedError"
    )


def test_implicit_grant_redirects_with_a_token_and_no_refresh_token(client):
    params = {
        "response_type": "token",
        "client_id": "crowdmock",
        "redirect_uri": "http://localhost:3000/cb",
        "state": "xyz",
    }
    response = client.get("/crowdynews/auth/v1/oauth/authorize", params=params, follow_redirects=False)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("http://localhost:3000/cb#access_token=") and "state=xyz" in location
    assert "refresh_token" not in location
    token = re.search(r"access_token=([0-9a-f]+)", location).group(1)
    assert client.get("/crowdynews/v1/customer/contracts/me", params={"access_token": token}).status_code == 200
    bad = client.get(
        "/crowdynews/auth/v1/oauth/authorize", params={**params, "redirect_uri": "https://evil.example/cb"}
    )
    assert_error(bad, 400, "ValidationError", propertyName="redirect_uri")


def test_resource_calls_need_a_valid_token(app, client, token):
    url = "/crowdynews/v1/customer/contracts/me"
    error = assert_error(client.get(url), 401, "UnauthorizedError")
    assert error["message"] == "No access token was provided."
    assert client.get(url).headers["www-authenticate"].startswith("Bearer")
    assert_error(client.get(url, params={"access_token": "nope"}), 401, "UnauthorizedError")
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    app.state.settings.crowdynews_access_token_ttl = -1
    expired = get_token(client)["access_token"]
    error = assert_error(client.get(url, params={"access_token": expired}), 401, "UnauthorizedError")
    assert error["message"] == "The access token has expired."


def test_another_customers_token_is_forbidden(client):
    other = get_token(client, OTHER_BASIC)["access_token"]
    response = client.get("/crowdynews/v1/collection/inputs", params={"access_token": other, "contract_id": CONTRACT_2})
    assert_error(response, 403, "ForbiddenError")
    queue = client.get("/crowdynews/q/v1/queue/my-contract", params={"access_token": other})
    assert_error(queue, 403, "ForbiddenError")
    assert queue.json()["status"] == "error"
