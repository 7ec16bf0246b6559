"""Post search and what a caller without "Manage Posts" sees, as the v3 PostRepository does it
(docs/vendors/ushahidi.md §1.3 and §1.29)."""

import pytest

API = "/api/v3"
STATUS_FIELD = "4695fc1a-f51d-4d59-b264-97083e4e8179"  # survey 1, stage 14: an internal task


def test_a_post_with_several_points_fills_several_places_of_a_page(ush, admin):
    ordered = ush.get(f"{API}/posts?orderby=post_date&order=desc", headers=admin).json()["results"]
    assert [p["id"] for p in ordered[:2]] == [9002, 18100]
    # Give the newest post (survey 1) three points.
    assert ush.put(f"{API}/forms/1/attributes/1", json={"cardinality": 0}, headers=admin).status_code == 200
    points = [{"lat": 1, "lon": 1}, {"lat": 2, "lon": 2}, {"lat": 3, "lon": 3}]
    assert ush.put(f"{API}/posts/9002", json={"values": {"location_default": points}}, headers=admin).status_code == 200
    # LIMIT 2 counts the query's joined rows, one per point: 9002 alone fills the page.
    page = ush.get(f"{API}/posts?orderby=post_date&order=desc&limit=2", headers=admin).json()
    assert ([p["id"] for p in page["results"]], page["count"], page["total_count"]) == ([9002], 1, 4)
    second = ush.get(f"{API}/posts?orderby=post_date&order=desc&limit=2&offset=2", headers=admin).json()
    assert [p["id"] for p in second["results"]] == [9002, 18100]


def test_created_bounds_are_inclusive_and_by_id(ush, admin):
    created = ush.get(f"{API}/posts/9002", headers=admin).json()["created"]
    before = ush.get(f"{API}/posts?status=all&created_before={created}", headers=admin).json()
    assert 9002 in [p["id"] for p in before["results"]]
    by_id = ush.get(f"{API}/posts?status=all&created_before_by_id=9002", headers=admin).json()
    assert [p["id"] for p in by_id["results"]] == [p["id"] for p in before["results"]]
    after = ush.get(f"{API}/posts?status=all&created_after_by_id=9002", headers=admin).json()
    assert 9002 not in [p["id"] for p in after["results"]]
    assert all(p["created"] > created for p in after["results"])


def test_values_filter_matches_any_given_text(ush, admin):
    one = ush.get(f"{API}/posts?values[fc81397d-b73d-43a6-b1da-7614534563be]=2018-11-22", headers=admin).json()
    assert [p["id"] for p in one["results"]] == [18100]
    either = ush.get(
        f"{API}/posts?values[fc81397d-b73d-43a6-b1da-7614534563be][]=nothing"
        "&values[fc81397d-b73d-43a6-b1da-7614534563be][]=11-22",
        headers=admin,
    ).json()
    assert [p["id"] for p in either["results"]] == [18100]


def test_anonymous_callers_count_only_published_posts(ush, user):
    anonymous = ush.get(f"{API}/posts?status=all").json()
    assert anonymous["total_count"] == 4 and {p["status"] for p in anonymous["results"]} == {"published"}
    # A signed-in user also counts their own drafts (9000 is user 2's).
    own = ush.get(f"{API}/posts?status=all", headers=user).json()
    assert 9000 in [p["id"] for p in own["results"]] and own["total_count"] == 5


def test_hidden_author_time_and_location_for_callers_without_manage_posts(ush, admin):
    flags = {"hide_author": True, "hide_time": True, "hide_location": True}
    assert ush.put(f"{API}/forms/2", json=flags, headers=admin).status_code == 200
    seen = ush.get(f"{API}/posts/18100").json()
    assert (seen["created"], seen["post_date"], seen["updated"]) == (
        "2018-11-27T00:00:00+00:00",
        "2018-11-27T00:00:00+00:00",
        "2018-11-27T00:00:00+00:00",
    )
    assert seen["values"]["fc81397d-b73d-43a6-b1da-7614534563be"] == ["2018-11-22 00:00:00"]
    assert seen["values"]["9b65d16f-023d-4c1c-9284-8a3d57c8ae0a"] == [{"lon": 9.56, "lat": 7.71}]
    full = ush.get(f"{API}/posts/18100", headers=admin).json()
    assert full["created"] == "2018-11-27T15:16:33+00:00"
    assert full["values"]["9b65d16f-023d-4c1c-9284-8a3d57c8ae0a"] == [{"lon": 9.563599, "lat": 7.710992}]


def test_private_values_and_internal_stages_are_hidden_from_other_callers(ush, admin, user):
    assert ush.put(f"{API}/posts/9000", json={"values": {STATUS_FIELD: [11]}}, headers=admin).status_code == 200
    # 9000 is a draft: stage 14 is an internal task, so even its owner does not see the field.
    assert STATUS_FIELD not in ush.get(f"{API}/posts/9000", headers=user).json()["values"]
    assert ush.get(f"{API}/posts/9000", headers=admin).json()["values"][STATUS_FIELD] == [11]
    private = {"response_private": True}
    assert ush.put(f"{API}/forms/1/attributes/1", json=private, headers=admin).status_code == 200
    assert ush.get(f"{API}/posts/9000", headers=user).json()["values"] == []


def test_setting_a_posts_user(ush, admin, user):
    created = ush.post(f"{API}/posts", json={"title": "For user 2", "form": 1, "user": {"id": 2}}, headers=admin)
    assert created.status_code == 200 and created.json()["user"]["id"] == 2
    assert created.json()["author_email"] is None
    both = ush.put(f"{API}/posts/9000", json={"user": {"id": 1}, "author_realname": "Someone"}, headers=admin).json()
    assert both["errors"][1] == {
        "status": 422,
        "title": "post.user_id.onlyAuthorOrUserSet",
        "message": "post.user_id.onlyAuthorOrUserSet",
        "source": {"pointer": "/user_id"},
    }
    # Only managers give a post to someone else.
    refused = ush.put(f"{API}/posts/9000", json={"user": {"id": 1}}, headers=user)
    assert refused.status_code == 403
    assert ush.get(f"{API}/posts/9000", headers=admin).json()["user"]["id"] == 2
    other = ush.post(f"{API}/posts", json={"title": "Not mine", "form": 1, "user": {"id": 1}}, headers=user)
    assert other.status_code == 403


def test_title_and_description_values_are_ignored_and_slugs_keep_letters(ush, admin):
    body = {
        "form": 1,
        "title": "SUMMARY REPORT (تقرير ملخص)",
        "values": {
            "ff068758-2b72-4c5b-a3c8-6a8b9c8d0e1f": ["ignored"],
            "location_default": [{"lat": 1, "lon": 2}],
        },
    }
    attributes = ush.get(f"{API}/forms/1/attributes", headers=admin).json()["results"]
    title_key = next(a["key"] for a in attributes if a["type"] == "title")
    body["values"] = {title_key: ["ignored"], "location_default": [{"lat": 1, "lon": 2}]}
    post = ush.post(f"{API}/posts", json=body, headers=admin).json()
    assert title_key not in post["values"] and post["values"]["location_default"] == [{"lat": 1, "lon": 2}]
    assert post["slug"].startswith("summary-report-تقرير-ملخص-")


def test_an_expired_lock_is_not_shown(ush, admin):
    assert ush.put(f"{API}/posts/8328/lock", headers=admin).status_code == 200
    assert ush.get(f"{API}/posts/8328", headers=admin).json()["lock"]["post_id"] == 8328
    # Age the lock through a snapshot, as a user would set one up.
    snapshot = ush.client.get("/__admin/snapshot?vendor=ushahidi").json()
    post = next(r for r in snapshot["vendors"]["ushahidi"]["ushahidi_post"] if r["id"] == 8328)
    post["lock"]["expires"] = 1412007022
    assert ush.client.post("/__admin/snapshot", json=snapshot).status_code == 200
    assert ush.get(f"{API}/posts/8328", headers=admin).json()["lock"] is None


def test_a_list_page_reads_posts_through_an_index_however_many_there_are(app, ush, admin, user):
    """Without filters Python applies, the page is only the posts it can reach, through the (status, type,
    post_date) index, and the total is the database's count by status and type (core/counters.py) or, for a caller
    who also sees their own posts, a COUNT through the same index: a store of many posts is neither loaded nor
    scanned nor sorted."""
    import re

    from sqlalchemy import event

    engine = app.state.store.engine
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        if re.search(r"FROM ushahidi_post\s", statement) and statement.lstrip().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        for headers in (admin, user):
            page = ush.get(f"{API}/posts?limit=20", headers=headers).json()
            assert page["total_count"] >= len(page["results"]) > 0
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # The admin's total: the kept count, no statement on the posts; the user's: a COUNT, then their page.
    assert len(seen) == 3 and ["count(*)" in s for s, _ in seen] == [False, True, False]
    with engine.connect() as conn:
        for statement, parameters in seen:
            if engine.dialect.name == "sqlite":
                plan = str(conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall())
                assert "ix_ushahidi_post_status_type_post_date" in plan and "TEMP B-TREE" not in plan, plan
            else:  # a small table is scanned anyway; without scans, the index must serve the page
                conn.exec_driver_sql("SET enable_seqscan = off")
                plan = str(conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).fetchall())
                assert "Seq Scan on ushahidi_post" not in plan and "Sort" not in plan, plan


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=all",
        "status=draft,published",
        "status=archived",
        "type=revision",
        "type=report,revision&status=all",
        "source=web",
        "slug=nothing-is-called-this",
        "locale=en_us",
        "form=1",
        "q=a",
        "set=1",
    ],
)
def test_total_count_is_how_many_posts_the_search_finds(ush, admin, user, query):
    """Whether the total comes from the kept counts (status and type only) or a COUNT (any other condition), it is
    the same number, for every kind of caller, after writes that move posts around. A bound every post meets
    (`created_after=1970/01/01`) makes the search a COUNT; an admin's page holds every post it counts (the totals of
    callers who may not read some of them count those too, as PHP's do)."""
    made = ush.post(f"{API}/posts", json={"title": "Counted", "content": "x", "form": {"id": 1}}, headers=admin)
    assert made.status_code == 200, made.text
    assert ush.put(f"{API}/posts/{made.json()['id']}", json={"status": "draft"}, headers=admin).status_code == 200
    assert ush.delete(f"{API}/posts/9002", headers=admin).status_code == 200
    for headers in (admin, user, {}):
        total = ush.get(f"{API}/posts?limit=1000&{query}", headers=headers).json()["total_count"]
        counted = ush.get(f"{API}/posts?limit=1000&created_after=1970/01/01&{query}", headers=headers).json()
        assert total == counted["total_count"], (query, headers)
    page = ush.get(f"{API}/posts?limit=1000&{query}", headers=admin).json()
    assert page["total_count"] == len(page["results"])
