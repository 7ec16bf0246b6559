"""Over https (ASGI scheme https) the community's links (`url`, `campaignUrl`, comment links, attachments'
`downloadUrl`, uploaded avatars) start with https, on the prefixed path and on a `*.ideascale.com` host; plain http is
unchanged (docs/vendors/ideascale.md, What is emulated: Over HTTPS)."""

import re

import pytest

from tests.conftest import VendorClient
from tests.ideascale.conftest import ADMIN

SITES = ["https://testserver/ideascale", "http://testserver/ideascale", "https://demo.ideascale.com"]


@pytest.fixture(params=SITES)
def site(request) -> str:
    return request.param


@pytest.fixture
def api(client, site) -> VendorClient:
    return VendorClient(client, f"{site}/a/rest/v1", ADMIN)


def test_idea_campaign_and_comment_links(api, site):
    (idea,) = api.get("/ideas/0/1").json()
    assert idea["url"] == f"{site}/a/dtd/{idea['id']}-48088"
    campaign = next(c for c in api.get("/campaigns").json() if c["id"] == 25942)
    assert campaign["campaignUrl"] == f"{site}/a/campaign-home/25942"
    (comment,) = api.get("/comments/0/1").json()
    assert re.fullmatch(rf"{re.escape(site)}/a/dtd/\d+-48088#comment-{comment['id']}", comment["url"])


def test_uploads_link_over_the_scheme(client, api, site, as_member):
    author = as_member("proposer@example.com")
    files = {"attachment": ("plan.pdf", b"%PDF-1.4 tls", "application/pdf")}
    idea = api.post("/ideas/352809/attach", files=files, headers=author).json()
    (detail,) = idea["attachmentDetails"]
    assert re.fullmatch(rf"{re.escape(site)}/a/\S+/plan\.pdf", detail["downloadUrl"]), detail["downloadUrl"]
    assert idea["attachments"] == [detail["downloadUrl"]]
    assert client.get(detail["downloadUrl"]).content == b"%PDF-1.4 tls"
    me = as_member("member@example.com")
    avatar = api.post("/members/2/avatar/upload", files={"avatar": ("me.png", b"\x89PNG", "image/png")}, headers=me)
    assert avatar.json()["url"].startswith(f"{site}/a/avatars/2-")
    assert api.get("/members/2").json()["avatarUrl"] == avatar.json()["url"]
