"""Crowdskout fixtures: a client rooted at /crowdskout and the documented bearer token."""

import pytest

AUTH = {"Authorization": "Bearer abcd1234"}
REDIRECT = "http://localhost:3000/callback"
AUTHORIZE = {"client_id": "abcd1234", "redirect_uri": REDIRECT, "response_type": "code", "state": "xyz"}


class Crowdskout:
    def __init__(self, client):
        self.client = client

    def request(self, method: str, path: str, **kwargs):
        kwargs.setdefault("headers", AUTH)
        return self.client.request(method, "/crowdskout" + path, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def cs(client) -> Crowdskout:
    return Crowdskout(client)
