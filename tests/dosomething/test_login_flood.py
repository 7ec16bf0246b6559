"""Drupal's flood control on failed logins: per account (5 in 6 hours) and per client address."""

import pytest

from crowdmock.settings import Settings
from tests.dosomething.conftest import BATMAN


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url="sqlite://", public_base_url=None, dosomething_failed_login_ip_limit=8)


def test_five_failures_block_the_account_until_a_reset(client, ds):
    for _ in range(5):
        assert ds.post("/auth/login", json={"username": "batman", "password": "wrong"}).status_code == 401
    blocked = ds.post("/auth/login", json=BATMAN)
    assert blocked.status_code == 406
    assert blocked.json() == ["Account is temporarily blocked."]
    # Other accounts are not affected.
    assert ds.post("/auth/login", json={"username": "admin", "password": "password"}).status_code == 200
    client.cookies.clear()
    assert client.post("/__admin/reset", params={"vendor": "dosomething"}).status_code == 200
    assert ds.post("/auth/login", json=BATMAN).status_code == 200


def test_a_successful_login_clears_the_accounts_failures(ds):
    for _ in range(3):
        ds.post("/auth/login", json={"username": "batman", "password": "wrong"})
    ds.login(BATMAN)
    # Without the clearing, these three would make six failures for the account.
    for _ in range(3):
        assert ds.post("/auth/login", json={"username": "batman", "password": "wrong"}).status_code == 401
    assert ds.post("/auth/login", json=BATMAN).status_code == 200


def test_too_many_failures_from_one_address_block_it(ds):
    for n in range(8):
        ds.post("/auth/login", json={"username": f"nobody{n}", "password": "wrong"})
    blocked = ds.post("/auth/login", json=BATMAN)
    assert blocked.status_code == 406
    assert blocked.json() == ["This IP address is temporarily blocked."]
