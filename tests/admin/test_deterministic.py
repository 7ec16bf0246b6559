"""Deterministic mode: a fixed clock and seeded id/token generators make runs repeatable."""

from fastapi.testclient import TestClient

from crowdmock.main import create_app
from crowdmock.settings import Settings

USHAHIDI_LOGIN = {
    "grant_type": "password",
    "client_id": "ushahidiui",
    "client_secret": "35e7f0bca957836d05ca0492211b0ac707671261",
    "username": "robbie@ushahidi.com",
    "password": "testing",
    "scope": "*",
}


def scenario(client) -> list:
    """Requests whose answers carry tokens, random ids and timestamps."""
    ushahidi = client.post("/ushahidi/oauth/token", data=USHAHIDI_LOGIN).json()
    bearer = {"Authorization": f"Bearer {ushahidi['access_token']}"}
    post = client.post(
        "/ushahidi/api/v3/posts", json={"title": "Repeatable", "content": "x", "form_id": 1}, headers=bearer
    ).json()
    crowdynews = client.post(
        "/crowdynews/auth/oauth/token",
        auth=("crowdmock", "crowdmock-secret"),
        data={"grant_type": "client_credentials"},
    )
    login = client.post(
        "/dosomething/api/v1/auth/login", json={"username": "batman", "password": "imB@tman789Kittycat$"}
    )
    error = client.get("/crowdynews/v1/nothing")
    return [ushahidi, post, crowdynews.json(), login.json(), error.json(), error.headers["x-request-id"]]


def test_two_runs_give_the_same_bytes():
    settings = Settings(database_url="sqlite://", deterministic=True, clock="2026-03-01T12:00:00Z")
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        one, two = scenario(first), scenario(second)
    assert one == two
    assert one[1]["created"] == "2026-03-01T12:00:00+00:00"


def test_reset_restarts_the_sequence():
    with TestClient(create_app(Settings(database_url="sqlite://", deterministic=True))) as client:
        before = scenario(client)
        assert client.post("/__admin/reset").status_code == 200
        assert scenario(client) == before


def test_normal_mode_is_not_repeatable():
    with TestClient(create_app(Settings(database_url="sqlite://"))) as client:
        first = client.post("/ushahidi/oauth/token", data=USHAHIDI_LOGIN).json()["access_token"]
        client.post("/__admin/reset")
        assert client.post("/ushahidi/oauth/token", data=USHAHIDI_LOGIN).json()["access_token"] != first
