"""Private deployments (docs/vendors/ushahidi.md §1.26): with site config `private` on, only signed-in users get past
the authorizers."""

import pytest

API = "/api/v3"
NO_TOKEN = "The request is missing an access token in either the Authorization header."


@pytest.fixture
def private(ush, admin):
    response = ush.put(f"{API}/config/site", headers=admin, json={"private": True})
    assert response.status_code == 200, response.text


def test_anonymous_post_list_is_401_when_private(ush, private):
    response = ush.get(f"{API}/posts")
    assert response.status_code == 401
    assert response.json() == {"errors": [{"status": 401, "message": NO_TOKEN}]}
    assert response.headers["www-authenticate"] == 'Bearer realm="OAuth"'


def test_anonymous_post_read_is_401_when_private(ush, private):
    assert ush.get(f"{API}/posts/8328").status_code == 401


def test_client_token_cannot_create_a_post_when_private(ush, private, anon_token):
    body = {"form_id": 1, "title": "A closed door", "content": "nobody", "status": "draft"}
    response = ush.post(f"{API}/posts", headers=anon_token, json=body)
    assert response.status_code == 403
    assert response.json() == {
        "errors": [{"status": 403, "message": "User 0 is not allowed to create resource posts #0"}]
    }


def test_signed_in_users_still_read_posts_when_private(ush, private, user):
    assert ush.get(f"{API}/posts/8328", headers=user).status_code == 200
    assert ush.get(f"{API}/posts", headers=user).status_code == 200


def test_public_deployment_lets_anonymous_read(ush):
    assert ush.get(f"{API}/posts/8328").status_code == 200


def test_private_site_needs_the_private_feature(client, ush, private):
    """Feature::isEnabled('private') must be on too: a deployment whose plan lacks it stays public."""
    snapshot = client.get("/__admin/snapshot", params={"vendor": "ushahidi"}).json()
    for row in snapshot["vendors"]["ushahidi"]["ushahidi_config"]:
        if row["id"] == "features":
            row["data"]["private"] = {"enabled": False}
    assert client.post("/__admin/snapshot", json=snapshot).status_code == 200
    assert ush.get(f"{API}/posts/8328").status_code == 200


@pytest.mark.parametrize("path", ["/tags", "/forms", "/users", "/media/1", "/collections/14"])
def test_other_resources_refuse_anonymous_callers_when_private(ush, private, path):
    response = ush.get(API + path)
    assert response.status_code == 401, response.text


def test_collections_stay_searchable_when_private(ush, private):
    """SetAuthorizer grants `search` before its private-deployment check."""
    assert ush.get(f"{API}/collections").status_code == 200


def test_config_stays_readable_when_private(ush, private):
    response = ush.get(f"{API}/config/site")
    assert response.status_code == 200
    assert response.json()["private"] is True
