"""The pytest plugin used as a user would: a small client of two vendors tested against crowdmock in-process,
asynchronously, and against the live server, with journal verification and faults."""

import asyncio

import httpx
import pytest


class FeedbackClient:
    """The kind of code users test: reads Ushahidi reports and IdeaScale campaigns through their real APIs."""

    def __init__(self, http, ushahidi_base: str, ideascale_base: str, ideascale_token: str):
        self.http, self.ushahidi, self.ideascale = http, ushahidi_base, ideascale_base
        self.ideascale_headers = {"api_token": ideascale_token}

    def login(self, email: str, password: str) -> str:
        response = self.http.post(
            f"{self.ushahidi}/oauth/token",
            data={
                "grant_type": "password",
                "client_id": "ushahidiui",
                "client_secret": "35e7f0bca957836d05ca0492211b0ac707671261",
                "username": email,
                "password": password,
                "scope": "*",
            },
        )
        response.raise_for_status()
        return response.json()["access_token"]

    def report_titles(self, token: str) -> list[str]:
        response = self.http.get(f"{self.ushahidi}/api/v3/posts", headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        return [post["title"] for post in response.json()["results"]]

    def campaign_names(self) -> list[str]:
        response = self.http.get(f"{self.ideascale}/a/rest/v1/campaigns", headers=self.ideascale_headers)
        response.raise_for_status()
        return [campaign["name"] for campaign in response.json()]


MEMBER_TOKEN = "00000000-0000-4000-8000-000000000002"


def test_in_process(crowdmock_app):
    feedback = FeedbackClient(
        crowdmock_app.client, crowdmock_app.base_url("ushahidi"), crowdmock_app.base_url("ideascale"), MEMBER_TOKEN
    )
    token = feedback.login("robbie@ushahidi.com", "testing")
    assert feedback.report_titles(token)
    assert "F5: Distributed decision making" in feedback.campaign_names()
    # Verification through the journal.
    assert crowdmock_app.count(vendor="ushahidi", method="POST", path="/oauth/token", body_contains="robbie") == 1
    assert [e["path"] for e in crowdmock_app.requests(vendor="ideascale")] == ["/ideascale/a/rest/v1/campaigns"]


def test_fresh_store_per_test(crowdmock_app):
    assert crowdmock_app.requests() == []


def test_faults_reach_the_client(crowdmock_app):
    crowdmock_app.fault(vendor="ideascale", status=503, retry_after=1, times=1)
    feedback = FeedbackClient(
        crowdmock_app.client, crowdmock_app.base_url("ushahidi"), crowdmock_app.base_url("ideascale"), MEMBER_TOKEN
    )
    with pytest.raises(httpx.HTTPStatusError) as failure:
        feedback.campaign_names()
    assert failure.value.response.headers["retry-after"] == "1"
    assert feedback.campaign_names()  # the rule fired once


def test_minted_credentials(crowdmock_app):
    creds = crowdmock_app.token("ushahidi", user="admin@ushahidi.com")
    response = crowdmock_app.client.get(
        f"{crowdmock_app.base_url('ushahidi')}/api/v3/users/me", headers=creds["headers"]
    )
    assert response.json()["role"] == "admin"


def test_async_client(crowdmock_app):
    async def fetch() -> int:
        async with crowdmock_app.async_client() as http:
            response = await http.get("/ushahidi/api/v3/posts/8328")
            return response.json()["id"]

    assert asyncio.run(fetch()) == 8328


def test_live_server(crowdmock_reset):
    server = crowdmock_reset
    with httpx.Client() as http:
        feedback = FeedbackClient(http, server.base_url("ushahidi"), server.base_url("ideascale"), MEMBER_TOKEN)
        assert feedback.campaign_names()
        token = feedback.login("robbie@ushahidi.com", "testing")
        assert feedback.report_titles(token)
    assert server.count(vendor="ideascale") == 1
    assert server.url.startswith("http://127.0.0.1:")


def test_live_server_is_reset_between_tests(crowdmock_reset):
    assert crowdmock_reset.requests() == []
