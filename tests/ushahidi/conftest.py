"""Ushahidi fixtures: a client rooted at /ushahidi, tokens per role, and the documented examples."""

import json

import pytest

from crowdmock.settings import default_fixtures
from tests.conftest import VendorClient

SECRET = "35e7f0bca957836d05ca0492211b0ac707671261"
DOC_HOST = "https://ushahididocs.api.ushahidi.io"
FIXTURES = default_fixtures() / "ushahidi"


class Ushahidi(VendorClient):
    """The /ushahidi client, able to log in."""

    def __init__(self, client):
        super().__init__(client, "/ushahidi")

    def token(self, username: str | None = None, scope: str = "*") -> dict:
        body = {"client_id": "ushahidiui", "client_secret": SECRET, "scope": scope}
        if username:
            body.update(grant_type="password", username=username, password="testing")
        else:
            body.update(grant_type="client_credentials", scope=scope if scope != "*" else "posts forms")
        response = self.post("/oauth/token", data=body)
        assert response.status_code == 200, response.text
        return response.json()

    def headers(self, username: str | None = None, scope: str = "*") -> dict:
        return {"Authorization": "Bearer " + self.token(username, scope)["access_token"]}


@pytest.fixture
def ush(client) -> Ushahidi:
    return Ushahidi(client)


@pytest.fixture
def admin(ush) -> dict:
    return ush.headers("admin@ushahidi.com")


@pytest.fixture
def user(ush) -> dict:
    return ush.headers("robbie@ushahidi.com")


@pytest.fixture
def anon_token(ush) -> dict:
    return ush.headers(None)


def fixture(name: str) -> list[dict]:
    return json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))


def documented(name: str, ident) -> dict:
    """A documented example record, with its links rewritten to the test server's /ushahidi base."""
    record = next(r for r in fixture(name) if r["id"] == ident)
    text = json.dumps(record).replace(DOC_HOST, "http://testserver/ushahidi")
    return json.loads(text)


def strip_privileges(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "allowed_privileges"}
