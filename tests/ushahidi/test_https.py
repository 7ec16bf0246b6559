"""Over https (ASGI scheme https: TLS, or a trusted proxy's X-Forwarded-Proto) every link the platform writes starts
with https, as Laravel's url() follows the request's scheme; plain http is unchanged (docs/vendors/ushahidi.md,
What is emulated: Over HTTPS)."""

import pytest

from tests.conftest import VendorClient

API = "/api/v3"


@pytest.fixture(params=["http", "https"])
def scheme(request) -> str:
    return request.param


@pytest.fixture
def ush_at(client, scheme) -> VendorClient:
    return VendorClient(client, f"{scheme}://testserver/ushahidi")


def test_resource_and_paging_links_follow_the_scheme(ush_at, scheme):
    base = f"{scheme}://testserver/ushahidi{API}"
    body = ush_at.get(f"{API}/tags?orderby=id&order=asc&limit=2").json()
    assert [t["url"] for t in body["results"]] == [f"{base}/tags/1", f"{base}/tags/3"]
    assert body["curr"] == f"{base}/tags?orderby=id&order=asc&limit=2&offset=0"
    assert body["next"] == f"{base}/tags?orderby=id&order=asc&limit=2&offset=2"
    assert body["prev"] == f"{base}/tags?orderby=id&order=asc&limit=2&offset=0"


def test_a_post_links_its_form_contact_and_message_by_the_scheme(ush_at, scheme):
    base = f"{scheme}://testserver/ushahidi{API}"
    post = ush_at.get(f"{API}/posts/8328").json()
    assert post["url"] == f"{base}/posts/8328"
    assert post["form"] == {"id": 1, "url": f"{base}/forms/1"}
    assert post["contact"] == {"id": 2693, "url": f"{base}/contact/2693"}
    assert post["message"] == {"id": 23462, "url": f"{base}/messages/23462"}


def test_media_file_urls_follow_the_scheme(ush_at, scheme):
    media = ush_at.get(f"{API}/media/2").json()
    assert media["url"] == f"{scheme}://testserver/ushahidi{API}/media/2"
    assert media["original_file_url"] == f"{scheme}://testserver/ushahidi/storage/5/2/5257b10f3d2e4-visitor photo.png"


def test_a_deployment_host_over_https_links_to_itself(client):
    body = client.get(f"https://demo.api.ushahidi.io:8443{API}/config/map").json()
    assert body["url"] == "https://demo.api.ushahidi.io:8443/api/v3/config/map"
    plain = client.get(f"http://demo.api.ushahidi.io:8000{API}/config/map").json()
    assert plain["url"] == "http://demo.api.ushahidi.io:8000/api/v3/config/map"
