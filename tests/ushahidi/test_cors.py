"""CORS as Ushahidi's tests/Integration/cors.feature has it (docs/vendors/ushahidi.md §1.13)."""

PREFLIGHT = {
    "Origin": "http://local.dev",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "Authorization, Content-Type, Accept",
}


def test_a_preflight_is_answered_204_with_the_headers_in_lower_case(client):
    answer = client.options("/ushahidi/api/v3/posts", headers=PREFLIGHT)
    assert (answer.status_code, answer.content) == (204, b"")
    assert answer.headers["access-control-allow-origin"] == "http://local.dev"
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert answer.headers["access-control-allow-headers"] == "authorization, content-type, accept"


def test_options_without_a_preflight_reaches_the_routes(client):
    answer = client.options("/ushahidi/api/v3/config", headers={"Origin": "http://local.dev"})
    assert answer.status_code == 200 and "allowed_privileges" in answer.json()
    assert answer.headers["access-control-allow-origin"] == "http://local.dev"
    assert client.options("/ushahidi/api/v3/posts").json()["allowed_privileges"]


def test_other_vendors_keep_their_own_preflight(client):
    answer = client.options("/crowdskout/v1/profile/1", headers=PREFLIGHT)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-headers"] == "Authorization, Content-Type, Accept"
