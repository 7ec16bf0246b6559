"""What PHP and Laravel do before the routes (docs/vendors/ushahidi.md §1.12): no trailing slashes, PHP field names."""

from tests.credentials import admin_headers
from tests.openapi_recorder import UNRECORDED_HEADER


def test_a_trailing_slash_is_the_same_request(client):
    headers = admin_headers(client.post, "ushahidi")
    plain = client.get("/ushahidi/api/v3/tags/1", headers=headers)
    slashed = client.get("/ushahidi/api/v3/tags/1/", headers=headers, follow_redirects=False)
    assert (slashed.status_code, slashed.json()) == (200, plain.json())
    listed = client.get("/ushahidi/api/v3/posts/", headers=headers, follow_redirects=False)
    assert (
        listed.status_code == 200
        and listed.json()["count"] == client.get("/ushahidi/api/v3/posts", headers=headers).json()["count"]
    )


def test_a_put_with_a_trailing_slash_writes(client):
    headers = admin_headers(client.post, "ushahidi")
    body = {"name": "Renamed by slash"}
    answer = client.put("/ushahidi/api/v3/config/site/", json=body, headers=headers, follow_redirects=False)
    assert answer.status_code == 200, answer.text
    assert client.get("/ushahidi/api/v3/config/site", headers=headers).json()["name"] == "Renamed by slash"


def test_the_root_and_unknown_paths_keep_their_answers(client):
    assert client.get("/ushahidi/api/v3/nothing-here/").status_code == 404
    assert client.get("/ushahidi/api/v3/").status_code == client.get("/ushahidi/api/v3").status_code


def test_form_field_names_are_read_as_php_reads_them(client):
    """Ushahidi's oauth.feature posts its form with leading spaces; PHP drops them from field names."""
    body = "  grant_type=password&client_id=ushahidiui&client_secret=35e7f0bca957836d05ca0492211b0ac707671261"
    body += "&username=robbie@ushahidi.com&password=testing"
    form = {"Content-Type": "application/x-www-form-urlencoded", **UNRECORDED_HEADER}
    granted = client.post("/ushahidi/oauth/token", content=body, headers=form)
    assert granted.status_code == 200 and granted.json()["token_type"] == "Bearer"
    refused = client.post("/ushahidi/oauth/token", content=body.replace("testing", "wrong"), headers=form)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
