"""Crowdskout fixtures: a client rooted at /crowdskout and the documented bearer token."""

import pytest

from tests.conftest import VendorClient

AUTH = {"Authorization": "Bearer abcd1234"}
REDIRECT = "http://localhost:3000/callback"
AUTHORIZE = {"client_id": "abcd1234", "redirect_uri": REDIRECT, "response_type": "code", "state": "xyz"}


@pytest.fixture
def cs(client) -> VendorClient:
    return VendorClient(client, "/crowdskout", AUTH)
