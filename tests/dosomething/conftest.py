"""DoSomething fixtures: a client rooted at /dosomething/api/v1 and logged-in sessions."""

import pytest

from tests.conftest import VendorClient

BATMAN = {"username": "batman", "password": "imB@tman789Kittycat$"}
ADMIN = {"username": "admin", "password": "password"}


class DoSomething(VendorClient):
    def login(self, credentials: dict) -> dict:
        """Logs in and returns the headers of that session (cookie and CSRF token)."""
        response = self.post("/auth/login", json=credentials)
        assert response.status_code == 200, response.text
        body = response.json()
        # Keep sessions explicit: the test client would otherwise resend the cookie on every call.
        self.client.cookies.clear()
        return {"Cookie": f"{body['session_name']}={body['sessid']}", "X-CSRF-Token": body["token"]}


@pytest.fixture
def ds(client) -> DoSomething:
    return DoSomething(client, "/dosomething/api/v1")


@pytest.fixture
def batman(ds) -> dict:
    return ds.login(BATMAN)


@pytest.fixture
def admin(ds) -> dict:
    return ds.login(ADMIN)
