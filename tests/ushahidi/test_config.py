"""/api/v3/config: public groups, ordering, read-only groups and the 405s of config.feature."""

import pytest


def test_anonymous_sees_the_four_public_groups_without_paging_keys(ush):
    body = ush.get("/api/v3/config").json()
    assert list(body) == ["count", "results"]
    assert [g["id"] for g in body["results"]] == ["features", "site", "deployment_id", "map"]


def test_admin_sees_every_group_in_order(ush, admin):
    body = ush.get("/api/v3/config", headers=admin).json()
    assert [g["id"] for g in body["results"]] == [
        "features",
        "site",
        "deployment_id",
        "test",
        "data-provider",
        "map",
        "twitter",
        "gmail",
    ]


def test_groups_filter_and_unknown_group(ush):
    body = ush.get("/api/v3/config?groups[]=site&groups[]=map").json()
    assert [g["id"] for g in body["results"]] == ["site", "map"]
    reversed_order = ush.get("/api/v3/config?groups[]=map&groups[]=features&groups[]=site").json()
    assert [g["id"] for g in reversed_order["results"]] == ["map", "features", "site"]
    missing = ush.get("/api/v3/config?groups[]=nope")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["message"] == "Requested groups do not exist: nope"


def test_map_group_shape(ush):
    body = ush.get("/api/v3/config/map").json()
    assert body["clustering"] is True and body["cluster_radius"] == 50
    assert body["url"] == "http://testserver/ushahidi/api/v3/config/map"
    assert body["allowed_privileges"] == ["read", "search"]


def test_unknown_group_is_404(ush):
    response = ush.get("/api/v3/config/nope")
    assert response.status_code == 404
    assert response.json()["errors"][0]["message"] == "Requested group does not exist: nope"


def test_private_group_needs_admin(ush, user, admin):
    assert ush.get("/api/v3/config/data-provider").status_code == 401
    assert ush.get("/api/v3/config/data-provider", headers=user).status_code == 403
    assert ush.get("/api/v3/config/data-provider", headers=admin).json()["providers"]["smssync"] is True


def test_admin_updates_site_and_it_persists(ush, admin):
    response = ush.put("/api/v3/config/site", json={"name": "Flood watch", "private": False}, headers=admin)
    assert response.status_code == 200 and response.json()["name"] == "Flood watch"
    assert response.json()["timezone"] == "UTC"  # merged, not replaced
    assert ush.get("/api/v3/config/site").json()["name"] == "Flood watch"


def test_features_is_read_only_and_users_cannot_write(ush, admin, user):
    assert ush.put("/api/v3/config/features", json={"views": {}}, headers=admin).status_code == 403
    assert ush.put("/api/v3/config/site", json={"name": "x"}, headers=user).status_code == 403
    assert ush.get("/api/v3/config/site").json()["name"] == "Ushahidi Docs"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v3/config"),
        ("DELETE", "/api/v3/config"),
        ("POST", "/api/v3/config/site"),
        ("DELETE", "/api/v3/config/site"),
    ],
)
def test_post_and_delete_are_405(ush, admin, method, path):
    response = ush.request(method, path, headers=admin)
    assert response.status_code == 405
    assert response.json()["errors"][0]["status"] == 405
