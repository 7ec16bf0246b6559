"""Crowdynews fixtures: Basic client credentials, a token, and clients rooted at the three bases."""

import base64

import pytest

from tests.conftest import VendorClient

BASIC = {"Authorization": "Basic " + base64.b64encode(b"crowdmock:crowdmock-secret").decode()}
OTHER_BASIC = {"Authorization": "Basic " + base64.b64encode(b"other-client:other-secret").decode()}
CONTRACT_1, CONTRACT_2, OTHER_CONTRACT = (
    "5617895587c6f35d3b9a2b6f",
    "565c4df4056e859526e62257",
    "5700000000000000000000c3",
)


def get_token(client, headers=BASIC) -> dict:
    response = client.post(
        "/crowdynews/auth/v1/oauth/token", data={"grant_type": "client_credentials"}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def token(client) -> str:
    return get_token(client)["access_token"]


class TokenClient(VendorClient):
    """Adds `?access_token=` to every call, as the vendor's client does."""

    def __init__(self, client, prefix: str, token: str):
        super().__init__(client, prefix)
        self.token = token

    def request(self, method: str, path: str, **kwargs):
        params = dict(kwargs.pop("params", None) or {})
        params.setdefault("access_token", self.token)
        return super().request(method, path, params=params, **kwargs)


@pytest.fixture
def api(client, token) -> TokenClient:
    return TokenClient(client, "/crowdynews/v1", token)


@pytest.fixture
def q(client) -> VendorClient:
    return VendorClient(client, "/crowdynews/q/v1")
