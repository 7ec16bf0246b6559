"""IdeaScale fixtures: a client rooted at /ideascale/a/rest/v1 with the admin token, and Multipass tokens."""

import pytest

from crowdmock.vendors.ideascale.auth import multipass_encode
from tests.conftest import VendorClient

ADMIN = {"api_token": "00000000-0000-4000-8000-000000000001"}
MEMBER = {"api_token": "00000000-0000-4000-8000-000000000002"}
LOCKED = {"api_token": "00000000-0000-4000-8000-000000000004"}


@pytest.fixture
def isc(client) -> VendorClient:
    return VendorClient(client, "/ideascale/a/rest/v1", ADMIN)


@pytest.fixture
def as_member(settings):
    """Headers that make a call act as the member with this e-mail (admin api_token + member_token)."""

    def headers(email: str, **claims) -> dict:
        return {**MEMBER, "member_token": multipass_encode(settings, {"email": email, **claims})}

    return headers
