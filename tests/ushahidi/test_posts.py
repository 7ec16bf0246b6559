"""/api/v3/posts against the seed's examples and docs/vendors/ushahidi.md §1.2-1.5."""

import pytest

from tests.ushahidi.conftest import documented

CREATE = {"title": "My title", "content": "My content", "values": {}, "form": {"id": 4}}


def test_anonymous_list_is_the_documented_example(ush):
    response = ush.get("/api/v3/posts?orderby=created&order=desc&limit=20")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "count",
        "results",
        "limit",
        "offset",
        "order",
        "orderby",
        "curr",
        "next",
        "prev",
        "total_count",
    ]
    # total_count is the search's SQL count, which also counts the seed's posts published to some roles only;
    # those are then left out of the results (docs/vendors/ushahidi.md §1.3).
    assert (body["count"], body["total_count"]) == (2, 4)
    assert (body["limit"], body["offset"], body["order"], body["orderby"]) == ("20", 0, "desc", "created")
    base = "http://testserver/ushahidi/api/v3/posts"
    assert body["curr"] == f"{base}?orderby=created&order=desc&limit=20&offset=0"
    assert body["next"] == f"{base}?orderby=created&order=desc&limit=20&offset=20"
    assert body["prev"] == f"{base}?orderby=created&order=desc&limit=20&offset=0"
    assert body["results"] == [documented("posts", 18100), documented("posts", 8328)]


def test_get_post_8328_is_the_documented_example_with_key_order(ush):
    body = ush.get("/api/v3/posts/8328").json()
    expected = documented("posts", 8328)
    assert body == expected
    assert list(body) == list(expected)
    assert body["values"] == []  # PHP's empty array


def test_default_paging_echo_and_ordering(ush, admin):
    body = ush.get("/api/v3/posts?status=all", headers=admin).json()
    assert (body["limit"], body["offset"], body["order"], body["orderby"]) == (None, 0, "desc", "post_date")
    dates = [p["post_date"] for p in body["results"]]
    assert dates == sorted(dates, reverse=True)


def test_unknown_post_is_404_in_the_error_envelope(ush):
    response = ush.get("/api/v3/posts/9999")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"status": 404, "message": "Could not locate any posts matching [id: 9999]"}]}


def test_non_numeric_id_is_a_plain_404(ush):
    response = ush.get("/api/v3/posts/abc")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"status": 404}]}


def test_wrong_method_is_405_with_allow_header(ush, admin):
    response = ush.request("PATCH", "/api/v3/posts/8328", headers=admin)
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert response.json()["errors"][0]["status"] == 405


def test_user_creates_post_and_reads_it_back(ush, user):
    response = ush.post("/api/v3/posts", json={**CREATE, "form": {"id": 1}}, headers=user)
    assert response.status_code == 200
    post = response.json()
    assert post["user"]["id"] == 2 and post["status"] == "draft" and post["form"]["id"] == 1
    assert post["slug"].startswith("my-title-")
    assert ush.get(f"/api/v3/posts/{post['id']}", headers=user).json()["title"] == "My title"
    mine = ush.get("/api/v3/posts?user=me&status=all", headers=user).json()
    assert post["id"] in [p["id"] for p in mine["results"]]


def test_anonymous_client_creates_unreadable_draft_and_gets_204(ush, anon_token, admin):
    response = ush.post("/api/v3/posts", json=CREATE, headers=anon_token)
    assert response.status_code == 204
    assert response.content == b""
    drafts = ush.get("/api/v3/posts?status=draft&q=My%20title", headers=admin).json()
    assert drafts["total_count"] == 1 and drafts["results"][0]["user_id"] is None


def test_create_without_token_is_401_unauthorized(ush):
    response = ush.post("/api/v3/posts", json=CREATE)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"status": 401, "message": "Unauthorized."}]}
    assert response.headers["www-authenticate"] == 'Bearer realm="OAuth"'


def test_malformed_json_has_its_own_shape(ush, user):
    response = ush.post("/api/v3/posts", content=b'{"title": ', headers={**user, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json() == {"error": 422, "messages": "Syntax error, malformed JSON"}


def test_validation_errors_are_listed_per_field_and_nothing_is_stored(ush, admin):
    before = ush.get("/api/v3/posts?status=all", headers=admin).json()["total_count"]
    response = ush.post(
        "/api/v3/posts",
        headers=admin,
        json={
            "title": 123,
            "form": 1,
            "status": "nope",
            "values": {"location_default": [{"lat": 500, "lon": 1}]},
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["message"].startswith("Failed to validate posts entity:\n")
    assert errors[0]["message"].split("\n")[1:] == [e["message"] for e in errors[1:]]
    assert {
        "status": 422,
        "title": "title must be a string",
        "message": "title must be a string",
        "source": {"pointer": "/title"},
    } in errors
    assert any(e.get("title") == "the field Location must contain a valid latitude" for e in errors)
    assert ush.get("/api/v3/posts?status=all", headers=admin).json()["total_count"] == before


@pytest.mark.parametrize(
    "payload",
    [
        [1, 2],
        "text",
        {"values": "x", "title": "t", "form": 1},
        {"form": "abc", "title": "t"},
        {"tags": "1", "title": "t", "form": 1},
        {"post_date": "not a date", "title": "t", "form": 1},
        {"post_date": "9" * 34, "title": "t", "form": 1},
        {"post_date": -(10**30), "title": "t", "form": 1},
    ],
)
def test_wrong_types_never_give_500(ush, admin, payload):
    response = ush.post("/api/v3/posts", json=payload, headers=admin)
    assert response.status_code in (200, 422)
    assert "errors" in response.json() or "id" in response.json()


def test_a_post_date_beyond_a_double_is_no_date(ush, admin):
    body = '{"post_date": 1e400, "title": "t", "form": 1}'
    headers = {**admin, "Content-Type": "application/json"}
    response = ush.post("/api/v3/posts", content=body, headers=headers)
    assert response.status_code in (200, 422)
    assert "errors" in response.json() or "id" in response.json()


def test_non_manager_cannot_publish_to_survey_requiring_approval(ush, user):
    response = ush.post("/api/v3/posts", json={**CREATE, "form": 1, "status": "published"}, headers=user)
    assert response.status_code == 422
    assert response.json()["errors"][1]["title"] == (
        "Post needs approval by an administrator before it can be published"
    )


def test_user_may_not_post_to_survey_limited_to_other_roles(ush, user):
    response = ush.post("/api/v3/posts", json={**CREATE, "form": 3}, headers=user)
    assert response.status_code == 403
    assert response.json() == {
        "errors": [{"status": 403, "message": "User 2 is not allowed to create resource posts #0"}]
    }


def test_documented_create_example_normalises_post_date_and_tags(ush, admin):
    response = ush.post(
        "/api/v3/posts",
        headers=admin,
        json={
            "form": 1,
            "title": "Test post",
            "author_realname": "Robbie Mackay",
            "author_email": "someotherrobbie@test.com",
            "type": "report",
            "status": "draft",
            "locale": "en_US",
            "post_date": "2016-10-15T12:18:27+13:00",
            "values": {
                "location_default": [{"lat": 33.755, "lon": -84.39}],
                "1bf39730-3019-4c49-a0c7-c988c519effa": [1],
            },
            "completed_stages": [1],
        },
    )
    assert response.status_code == 200
    post = response.json()
    assert post["post_date"] == "2016-10-14T23:18:27+00:00"
    assert post["locale"] == "en_us"
    assert post["tags"][0]["id"] == 1
    assert post["values"]["location_default"][0]["lat"] == 33.755
    assert post["completed_stages"] == [1]
    assert post["allowed_privileges"] == [
        "read",
        "create",
        "update",
        "delete",
        "search",
        "change_status",
        "read_full",
    ]


def test_owner_updates_own_post_and_others_are_refused(ush, user, admin):
    update = ush.put("/api/v3/posts/9000", json={"title": "Road cleared"}, headers=user)
    assert update.status_code == 200 and update.json()["title"] == "Road cleared"
    assert update.json()["updated"] is not None
    refused = ush.put("/api/v3/posts/120", json={"title": "Mine now"}, headers=user)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["message"] == "User 2 is not allowed to update resource posts #120"
    assert ush.get("/api/v3/posts/120", headers=admin).json()["title"] == "Post published to members"


def test_update_missing_post_is_404(ush, admin):
    assert ush.put("/api/v3/posts/424242", json={"title": "x"}, headers=admin).status_code == 404


def test_delete_returns_the_deleted_post_then_404(ush, admin):
    response = ush.delete("/api/v3/posts/8328", headers=admin)
    assert response.status_code == 200
    assert response.json()["id"] == 8328 and response.json()["title"] == "Test 2."
    assert ush.get("/api/v3/posts/8328").status_code == 404


def test_user_cannot_delete_someone_elses_post(ush, user):
    assert ush.delete("/api/v3/posts/18100", headers=user).status_code == 403
    assert ush.get("/api/v3/posts/18100").status_code == 200


def test_visibility_per_role(ush, user, admin):
    anonymous = {p["id"] for p in ush.get("/api/v3/posts?status=all").json()["results"]}
    as_user = {p["id"] for p in ush.get("/api/v3/posts?status=all", headers=user).json()["results"]}
    as_admin = {p["id"] for p in ush.get("/api/v3/posts?status=all", headers=admin).json()["results"]}
    assert anonymous == {18100, 8328}
    assert as_user == {18100, 8328, 9000, 9002}  # own draft and the post published to `user`
    assert as_admin == {18100, 8328, 120, 9000, 9001, 9002, 9003}


def test_anonymous_read_of_restricted_post_is_401_without_header_403_with(ush, anon_token):
    no_header = ush.get("/api/v3/posts/120")
    assert no_header.status_code == 401
    assert no_header.json()["errors"][0]["message"] == (
        "The request is missing an access token in either the Authorization header."
    )
    with_header = ush.get("/api/v3/posts/120", headers=anon_token)
    assert with_header.status_code == 403
    assert with_header.json()["errors"][0]["message"] == "User 0 is not allowed to read resource posts #120"


def test_author_fields_only_with_read_full(ush, admin):
    assert "author_email" not in ush.get("/api/v3/posts/18100").json()
    assert "author_email" in ush.get("/api/v3/posts/18100", headers=admin).json()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=bridge", {9002}),
        ("tags=3", {9002, 120}),
        ("tags[all]=1,3", {9002}),
        ("form=2", {18100, 9001}),
        ("form=none", set()),
        ("status=archived", {9001}),
        ("source=sms", {8328, 9003}),
        ("bbox=9,8,10,7", {18100}),
        ("has_location=unmapped", {8328, 9001, 9003}),
        ("set=14", {18100}),
        ("created_before=2015-01-01", {120}),
        ("date_after=2018-12-01", {9000, 9002}),
        ("values[location_default][]=x", set()),
        ("center_point=-1.30,36.84&within_km=5", {9000, 9002}),
    ],
)
def test_search_filters(ush, admin, query, expected):
    status = "" if query.startswith("status=") else "status=all&"
    body = ush.get(f"/api/v3/posts?{status}{query}", headers=admin).json()
    assert {p["id"] for p in body["results"]} == expected
    assert body["total_count"] == len(expected)


def test_list_is_capped_at_20_for_users(ush, user):
    for n in range(22):
        ush.post("/api/v3/posts", json={**CREATE, "form": 1, "title": f"Post {n}"}, headers=user)
    body = ush.get("/api/v3/posts?status=all", headers=user).json()
    assert body["count"] == 20 and body["limit"] is None and body["total_count"] == 27  # one unreadable, counted
    page2 = ush.get("/api/v3/posts?status=all&limit=20&offset=20", headers=user).json()
    assert page2["count"] == 6 and page2["offset"] == "20"


def test_jsonp(ush):
    response = ush.get("/api/v3/posts/8328?format=jsonp&callback=handle")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/javascript"
    assert response.text.startswith('handle({"id":8328') and response.text.endswith("})")


def test_options_lists_anonymous_privileges(ush):
    response = ush.request("OPTIONS", "/api/v3/posts")
    assert response.status_code == 200
    assert response.json() == {"allowed_privileges": ["read", "create", "search"]}


def test_geojson_collects_point_values(ush):
    body = ush.get("/api/v3/posts/geojson").json()
    # `total` is the search's count (unreadable and unmapped posts included), features only readable, mapped posts.
    assert body["type"] == "FeatureCollection" and body["total"] == 4 and len(body["features"]) == 1
    feature = body["features"][0]
    assert feature["properties"]["id"] == 18100
    assert feature["geometry"]["geometries"] == [{"type": "Point", "coordinates": [9.563599, 7.710992]}]


def test_stats_group_by_tags(ush, admin):
    body = ush.get("/api/v3/posts/stats?group_by=tags&status=all", headers=admin).json()
    assert body["group_by"] == "tags"
    assert {"label": "Disaster", "total": 2, "id": 3} in body["totals"][0]["values"]


def test_lock_and_unlock(ush, admin):
    lock = ush.put("/api/v3/posts/8328/lock", headers=admin)
    assert lock.status_code == 200
    assert lock.json() == {
        "id": 8328,
        "url": "http://testserver/ushahidi/api/v3/posts/8328/lock",
        "user": {"id": 1, "url": "http://testserver/ushahidi/api/v3/users/1"},
        "post_id": 8328,
        "expires": lock.json()["expires"],
    }
    assert ush.get("/api/v3/posts/8328", headers=admin).json()["lock"] == lock.json()
    assert ush.delete("/api/v3/posts/8328/lock", headers=admin).status_code == 200
    assert ush.get("/api/v3/posts/8328", headers=admin).json()["lock"] is None


def test_oversized_body_is_413_in_the_error_envelope(ush, user, app):
    app.state.settings.max_body_bytes = 1000
    response = ush.post("/api/v3/posts", json={"title": "x" * 2000, "form": 1}, headers=user)
    assert response.status_code == 413
    assert response.json() == {"errors": [{"status": 413}]}


def test_filters_by_ids_beyond_64_bits_match_nothing(ush, admin):
    huge = str(2**64)
    for params in ({"set": huge}, {"tags": huge}, {"user": huge}, {"form": huge}):
        response = ush.get("/api/v3/posts", params=params, headers=admin)
        assert response.status_code == 200, (params, response.text)
        assert response.json()["results"] == [], params


def test_a_post_date_past_2038_is_kept(ush, admin):
    """Unix times past 2**31 (SQLite's INTEGER and PostgreSQL's BIGINT both hold them)."""
    created = ush.post(
        "/api/v3/posts", headers=admin, json={"form": 1, "title": "Later", "post_date": "2040-01-01T00:00:00+00:00"}
    )
    assert created.status_code == 200, created.text
    assert ush.get(f"/api/v3/posts/{created.json()['id']}", headers=admin).json()["post_date"] == (
        "2040-01-01T00:00:00+00:00"
    )
