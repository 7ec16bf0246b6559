"""/api/v5/layers (docs/vendors/ushahidi.md §1.24): the v5 map layers, LayerAuthorizer's rules, LayerRequest's
validation and Laravel's paginated collections."""

import pytest

from tests.ushahidi.conftest import fixture

API = "/api/v5/layers"
BASE = "http://testserver/ushahidi"
ADMIN = ["read", "create", "update", "delete", "search"]
NEW = {
    "name": "Roads",
    "data_url": "https://example.org/roads.geojson",
    "type": "geojson",
    "active": True,
    "visible_by_default": False,
}


def page_link(page: int) -> str:
    return f"{BASE}{API}?page={page}"


def test_layer_1_as_the_v5_resource_shows_it(ush, admin):
    response = ush.get(f"{API}/1", headers=admin)
    assert response.status_code == 200
    assert response.json() == {
        "result": {
            "id": 1,
            "media_id": None,
            "name": "Flood zones",
            "type": "geojson",
            "data_url": "https://ushahididocs.api.ushahidi.io/media/flood-zones.geojson",
            "options": [],
            "active": 1,
            "visible_by_default": 1,
            "created": 1408589015,
            "updated": 1408589015,
            "allowed_privileges": ADMIN,
        }
    }


def test_list_is_a_laravel_paginated_collection_newest_id_first(ush, admin):
    body = ush.get(API, headers=admin).json()
    assert list(body) == ["count", "results", "links", "meta"]
    assert body["count"] == 3
    assert [r["id"] for r in body["results"]] == [3, 2, 1]
    assert body["results"][1]["options"] == {"layers": "0", "format": "image/png", "transparent": True}
    assert body["results"][0]["options"] is None and body["results"][0]["media_id"] == 3
    assert body["links"] == {"first": page_link(1), "last": page_link(1), "prev": None, "next": None}
    assert body["meta"] == {
        "current_page": 1,
        "from": 1,
        "last_page": 1,
        "links": [
            {"url": None, "label": "pagination.previous", "active": False},
            {"url": page_link(1), "label": "1", "active": True},
            {"url": None, "label": "pagination.next", "active": False},
        ],
        "path": f"{BASE}{API}",
        "per_page": 20,
        "to": 3,
        "total": 3,
    }


def test_list_pages_with_limit_page_and_order(ush, admin):
    body = ush.get(API, headers=admin, params={"limit": 2, "page": 2, "order": "asc"}).json()
    assert [r["id"] for r in body["results"]] == [3]
    assert body["links"] == {"first": page_link(1), "last": page_link(2), "prev": page_link(1), "next": None}
    assert (body["meta"]["from"], body["meta"]["to"], body["meta"]["per_page"]) == (3, 3, 2)
    assert [link["label"] for link in body["meta"]["links"]] == ["pagination.previous", "1", "2", "pagination.next"]


def test_list_beyond_the_last_page_is_empty(ush, admin):
    body = ush.get(API, headers=admin, params={"page": 3}).json()
    assert body["count"] == 0 and body["results"] == []
    assert (body["meta"]["from"], body["meta"]["to"], body["meta"]["current_page"]) == (None, None, 3)


def test_a_bad_order_direction_is_400(ush, admin):
    response = ush.get(API, headers=admin, params={"order": "sideways"})
    assert response.status_code == 400
    message = 'Bad request: Order direction must be "asc" or "desc".'
    assert response.json() == {"errors": [{"status": 400, "message": message}]}


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ({"type": "geojson"}, [3, 1]),
        ({"type": "wms"}, [2]),
        ({"active": "0"}, [3]),
        ({"active": "1"}, [2, 1]),
        ({"active": "yes"}, [2, 1]),
        ({"active": ""}, [3, 2, 1]),
    ],
)
def test_list_filters_by_type_and_active(ush, admin, query, ids):
    body = ush.get(API, headers=admin, params=query).json()
    assert [r["id"] for r in body["results"]] == ids
    assert body["meta"]["total"] == len(ids)


def test_admin_creates_a_layer(ush, admin):
    response = ush.post(API, headers=admin, json={**NEW, "options": {"noop": True}})
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["id"] == 4 and isinstance(result["created"], int) and result["created"] == result["updated"]
    assert {k: result[k] for k in ("name", "type", "data_url", "options", "active", "visible_by_default")} == {
        "name": "Roads",
        "type": "geojson",
        "data_url": "https://example.org/roads.geojson",
        "options": {"noop": True},
        "active": 1,
        "visible_by_default": 0,
    }
    assert ush.get(f"{API}/4", headers=admin).json() == response.json()


def test_empty_options_are_stored_as_null(ush, admin):
    result = ush.post(API, headers=admin, json={**NEW, "options": {}}).json()["result"]
    assert result["options"] is None and result["media_id"] is None


def test_a_layer_may_point_at_an_uploaded_media(ush, admin):
    body = {k: v for k, v in NEW.items() if k != "data_url"}
    result = ush.post(API, headers=admin, json={**body, "media_id": 2}).json()["result"]
    assert (result["media_id"], result["data_url"]) == (2, None)


def failure(*fields: tuple[str, list[str]]) -> dict:
    failed = [{"field": name, "error_messages": messages} for name, messages in fields]
    return {"errors": {"status": 422, "message": "please recheck the your inputs", "failed_validations": failed}}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"type": "shape"}, failure(("type", ["fields.type must be one of the available options"]))),
        (
            {"active": None, "visible_by_default": None},
            failure(("active", ["validation.boolean"]), ("visible_by_default", ["validation.boolean"])),
        ),
        (
            {"data_url": None},
            failure(
                ("media_id", ["validation.required_without_all"]), ("data_url", ["validation.required_without_all"])
            ),
        ),
        ({"data_url": None, "media_id": 9999}, failure(("media_id", ["fields.media_id must exist"]))),
        # beside a data URL, a medium that is blank or an empty array (the platform: a 500 on the insert)
        ({"media_id": ""}, failure(("media_id", ["fields.media_id must exist"]))),
        ({"media_id": {}}, failure(("media_id", ["fields.media_id must exist"]))),
        ({"media_id": []}, failure(("media_id", ["fields.media_id must exist"]))),
        ({"name": ""}, failure(("name", ["Name must not be empty"]))),
        ({"name": "x"}, failure(("name", ["Name must be at least 3 characters long"]))),
        ({"name": "x" * 51}, failure(("name", ["Name must not exceed 50 characters long"]))),
        ({"active": "maybe"}, failure(("active", ["validation.boolean"]))),
    ],
)
def test_create_validation_is_422_in_the_v5_shape(ush, admin, changes, expected):
    body = {k: v for k, v in {**NEW, **changes}.items() if v is not None}
    response = ush.post(API, headers=admin, json=body)
    assert response.status_code == 422
    assert response.json() == expected
    assert ush.get(API, headers=admin).json()["count"] == 3


def test_malformed_json_is_a_validation_failure(ush, admin):
    response = ush.post(API, headers={**admin, "Content-Type": "application/json"}, content=b"{nope")
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["errors"]["failed_validations"]] == [
        "name",
        "type",
        "active",
        "visible_by_default",
        "media_id",
        "data_url",
    ]


def test_update_changes_only_the_given_fields(ush, admin):
    response = ush.put(f"{API}/2", headers=admin, json={"name": "Radar", "data_url": "https://example.org/wms"})
    assert response.status_code == 200
    result = response.json()["result"]
    assert (result["id"], result["name"], result["data_url"], result["type"]) == (
        2,
        "Radar",
        "https://example.org/wms",
        "wms",
    )
    assert result["options"] == {"layers": "0", "format": "image/png", "transparent": True}
    assert result["updated"] > result["created"]


def test_update_needs_a_data_url_or_media_and_nonempty_fields(ush, admin):
    response = ush.put(f"{API}/1", headers=admin, json={"name": "", "data_url": "https://example.org/a"})
    assert response.json() == failure(("name", ["validation.filled"]))
    bare = ush.put(f"{API}/1", headers=admin, json={"name": "Renamed"})
    assert bare.status_code == 422
    assert ush.get(f"{API}/1", headers=admin).json()["result"]["name"] == "Flood zones"


def test_update_of_a_missing_layer_is_404(ush, admin):
    response = ush.put(f"{API}/35", headers=admin, json=NEW)
    assert response.status_code == 404
    assert response.json() == {"errors": [{"status": 404, "message": "Layer not found"}]}


def test_delete_answers_the_deleted_id(ush, admin):
    response = ush.delete(f"{API}/1", headers=admin)
    assert response.status_code == 200
    assert response.json() == {"result": {"deleted": 1}}
    assert ush.get(f"{API}/1", headers=admin).status_code == 404


def test_get_and_delete_of_a_missing_layer_are_404(ush, admin):
    for method in ("GET", "DELETE"):
        response = ush.request(method, f"{API}/35", headers=admin)
        assert response.status_code == 404
        assert response.json() == {"errors": [{"status": 404, "message": "Layer not found"}]}


def test_users_read_active_layers_only(ush, user):
    assert ush.get(f"{API}/1", headers=user).json()["result"]["allowed_privileges"] == ["read"]
    hidden = ush.get(f"{API}/3", headers=user)
    assert hidden.status_code == 403
    assert hidden.json() == {"errors": [{"status": 403, "message": "This action is unauthorized."}]}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", API, None),
        ("POST", API, NEW),
        ("PUT", f"{API}/1", NEW),
        ("DELETE", f"{API}/1", None),
        ("DELETE", f"{API}/35", None),
    ],
)
def test_users_may_not_list_or_write_layers(ush, user, method, path, body):
    response = ush.request(method, path, headers=user, json=body)
    assert response.status_code == 403
    assert response.json() == {"errors": [{"status": 403, "message": "This action is unauthorized."}]}
    assert ush.get(f"{API}/1", headers=user).json()["result"]["name"] == "Flood zones"


def test_validation_comes_before_the_policy(ush, user):
    assert ush.post(API, headers=user, json={"type": "shape"}).status_code == 422


def test_anonymous_callers_are_401(ush):
    response = ush.get(API)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"status": 401, "message": "Unauthorized."}]}
    assert response.headers["www-authenticate"] == 'Bearer realm="OAuth"'


def test_a_token_without_the_layers_scope_is_403(ush):
    headers = ush.headers("admin@ushahidi.com", scope="posts")
    assert ush.get(API, headers=headers).status_code == 403


def test_non_numeric_ids_are_not_routes(ush, admin):
    assert ush.get(f"{API}/abc", headers=admin).json() == {"errors": [{"status": 404}]}


def test_fixture_layers_are_seeded(ush, admin):
    names = {r["id"]: r["name"] for r in ush.get(API, headers=admin).json()["results"]}
    assert names == {r["id"]: r["name"] for r in fixture("layers")}
