"""/api/v3/collections, their posts, and /api/v3/savedsearches."""

from tests.ushahidi.conftest import documented


def test_collections_14_and_15_match_the_documented_example(ush):
    body = ush.get("/api/v3/collections?orderby=created&order=DESC").json()
    by_id = {c["id"]: c for c in body["results"]}
    for ident in (14, 15):
        expected = documented("collections", ident)
        expected["user"]["url"] = "http://testserver/ushahidi/api/v3/users/1"  # the seed's link says users/86
        assert by_id[ident] == {**expected, "allowed_privileges": ["read", "search"]}
        assert list(by_id[ident]) == [*expected, "allowed_privileges"]
    assert (body["order"], body["orderby"], body["limit"], body["offset"]) == ("DESC", "created", None, 0)
    assert body["curr"] == "http://testserver/ushahidi/api/v3/collections?orderby=created&order=DESC&offset=0"


def test_collection_restricted_to_admins_is_hidden_from_others(ush, admin):
    assert 3 not in [c["id"] for c in ush.get("/api/v3/collections").json()["results"]]
    assert 3 in [c["id"] for c in ush.get("/api/v3/collections", headers=admin).json()["results"]]
    assert ush.get("/api/v3/collections/3").status_code == 401


def test_missing_collection_and_saved_search_id_are_404_sets(ush):
    response = ush.get("/api/v3/collections/99")
    assert response.status_code == 404
    assert response.json()["errors"][0]["message"] == "Could not locate any sets matching [id: 99]"
    assert ush.get("/api/v3/collections/2").status_code == 404  # 2 is a saved search


def test_user_creates_collection_and_owns_it(ush, user):
    response = ush.post("/api/v3/collections", json={"name": "My picks", "view": "map", "role": ["user"]}, headers=user)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == 2 and body["name"] == "My picks" and body["view"] == "map"
    assert body["featured"] is False and body["url"] is None
    assert body["allowed_privileges"] == ["read", "create", "update", "delete", "search"]
    assert ush.get(f"/api/v3/collections/{body['id']}", headers=user).json()["name"] == "My picks"


def test_non_admin_may_not_feature_a_collection(ush, user):
    response = ush.post("/api/v3/collections", json={"name": "Front page", "featured": True}, headers=user)
    assert response.status_code == 403
    assert all(c["name"] != "Front page" for c in ush.get("/api/v3/collections", headers=user).json()["results"])


def test_client_token_may_not_create_collections(ush):
    response = ush.post("/api/v3/collections", json={"name": "x"}, headers=ush.headers(None, scope="sets"))
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == "User 0 is not allowed to create resource sets #0"


def test_collection_validation(ush, user):
    response = ush.post("/api/v3/collections", json={"name": "", "view": "globe", "role": ["nope"]}, headers=user)
    assert response.status_code == 422
    titles = [e.get("title") for e in response.json()["errors"][1:]]
    assert titles == [
        "name must not be empty",
        "view must be one of map, data, list, timeline, chart, activity",
        "Role nope does not exist",
    ]


def test_add_list_and_remove_posts_of_a_collection(ush, admin):
    added = ush.post("/api/v3/collections/15/posts", json={"id": 8328}, headers=admin)
    assert added.status_code == 200 and added.json()["id"] == 8328
    assert "15" in added.json()["sets"]
    listed = ush.get("/api/v3/collections/15/posts", headers=admin).json()
    assert {p["id"] for p in listed["results"]} == {8328, 9002}
    assert ush.get("/api/v3/posts?set=15", headers=admin).json()["total_count"] == 2
    assert ush.get("/api/v3/collections/15/posts/8328", headers=admin).status_code == 200
    removed = ush.delete("/api/v3/collections/15/posts/8328", headers=admin)
    assert removed.status_code == 200 and "15" not in removed.json()["sets"]
    assert ush.get("/api/v3/collections/15/posts/8328", headers=admin).status_code == 404


def test_adding_missing_post_is_422(ush, admin):
    response = ush.post("/api/v3/collections/15/posts", json={"id": 123456}, headers=admin)
    assert response.status_code == 422


def test_delete_collection_returns_it_with_200(ush, admin):
    response = ush.delete("/api/v3/collections/14", headers=admin)
    assert response.status_code == 200
    assert response.json()["id"] == 14 and response.json()["name"] == "Testing"
    assert ush.get("/api/v3/collections/14").status_code == 404
    assert "14" not in ush.get("/api/v3/posts/18100").json()["sets"]


def test_user_cannot_delete_admins_collection(ush, user):
    assert ush.delete("/api/v3/collections/14", headers=user).status_code == 403
    assert ush.get("/api/v3/collections/14").status_code == 200


def test_saved_searches_carry_their_filter(ush, user):
    body = ush.get("/api/v3/savedsearches/2", headers=user).json()
    assert body["search"] is True and body["filter"] == {"q": "zombie"} and body["user"]["id"] == 2
    created = ush.post(
        "/api/v3/savedsearches",
        headers=user,
        json={"name": "Search One", "filter": {"q": "zombie"}, "view": "map", "view_options": [], "role": []},
    )
    assert created.status_code == 200 and created.json()["filter"]["q"] == "zombie"
    missing_filter = ush.post("/api/v3/savedsearches", json={"name": "No filter"}, headers=user)
    assert missing_filter.status_code == 422
    assert ush.get("/api/v3/savedsearches/14").status_code == 404  # a collection


def test_update_saved_search(ush, user):
    response = ush.put("/api/v3/savedsearches/2", json={"name": "Renamed"}, headers=user)
    assert response.status_code == 200 and response.json()["name"] == "Renamed"
    assert response.json()["updated"] is not None
