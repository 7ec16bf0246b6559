"""Reads, updates and deletes of single resources that the other Ushahidi tests reach only through lists: each
answer, and the stored state afterwards."""

from tests.ushahidi.test_media import PNG

API = "/api/v3"


def test_geojson_of_a_post_and_of_a_tile(ush, admin):
    # Formatter/Post/GeoJSON: a feature per place, naming the field it came from (docs/vendors/ushahidi.md §1.29).
    assert ush.get(f"{API}/posts/18100/geojson", headers=admin).json() == {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [9.563599, 7.710992]},
                "properties": {
                    "title": "401 edits",
                    "description": "Tests",
                    "marker-color": None,
                    "id": 18100,
                    "attribute_key": "9b65d16f-023d-4c1c-9284-8a3d57c8ae0a",
                },
            }
        ],
    }
    # GeoJSONCollection: one feature per post, the tile's box echoed as PHP writes it, the search's total.
    tile = ush.get(f"{API}/posts/geojson/1/1/0", headers=admin).json()
    feature = next(f for f in tile["features"] if f["properties"]["id"] == 18100)
    assert feature == {
        "type": "Feature",
        "geometry": {
            "type": "GeometryCollection",
            "geometries": [{"type": "Point", "coordinates": [9.563599, 7.710992]}],
        },
        "properties": {
            "title": "401 edits",
            "description": "Tests",
            "marker-color": None,
            "id": 18100,
            "url": "http://testserver/ushahidi/api/v3/posts/18100",
            "source": "web",
            "data_source_message_id": None,
        },
    }
    assert tile["bbox"] == ["0", "85.051128779807", "180", "0"]
    assert ush.get(f"{API}/posts/geojson/2/0/0", headers=admin).json() == {
        "type": "FeatureCollection",
        "features": [],
        "bbox": ["-180", "85.051128779807", "-90", "66.513260443112"],
        "total": 0,
    }


def test_geojson_of_wkt_values():
    from crowdmock.vendors.ushahidi.geometry import to_geometry

    assert to_geometry("POLYGON((0 0,1 1,2 2,0 0))") == {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]],
    }
    assert to_geometry("MULTIPOLYGON(((1 1,2 2.5,3 1,1 1)))") == {
        "type": "MultiPolygon",
        "coordinates": [[[[1, 1], [2, 2.5], [3, 1], [1, 1]]]],
    }
    assert to_geometry("POINT(11.123 24.213)") == {"type": "Point", "coordinates": [11.123, 24.213]}
    assert to_geometry({"lat": 1.5, "lon": 2}) == {"type": "Point", "coordinates": [2, 1.5]}
    for not_a_place in ("atlanta", "POLYGON((0 0", 7, None, {"x": 1}):
        assert to_geometry(not_a_place) is None


def test_update_a_collection_tag_stage_contact_role_and_export_job(ush, admin):
    changes = [
        ("collections/15", {"name": "Renamed"}, "name"),
        ("tags/1", {"tag": "Renamed"}, "tag"),
        ("forms/1/stages/1", {"label": "Renamed"}, "label"),
        ("contacts/1234", {"contact": "123"}, "contact"),
        ("roles/1", {"display_name": "Renamed"}, "display_name"),
        ("exports/jobs/1", {"fields": "title"}, "fields"),
    ]
    for path, body, field in changes:
        response = ush.put(f"{API}/{path}", json=body, headers=admin)
        assert response.status_code == 200, (path, response.text)
        assert response.json()[field] == body[field]
        assert ush.get(f"{API}/{path}", headers=admin).json()[field] == body[field]


def test_read_single_records(ush, admin):
    message = ush.get(f"{API}/messages/23462", headers=admin).json()
    assert (message["id"], message["contact_id"], message["post_id"]) == (23462, 2693, 8328)
    assert ush.get(f"{API}/country-codes/1", headers=admin).json() == {
        "id": 1,
        "url": "http://testserver/ushahidi/api/v3/country_codes/1",
        "country_name": "Afghanistan",
        "dial_code": "+93",
        "country_code": "AF",
        "allowed_privileges": ["read", "search"],
    }
    assert ush.get(f"{API}/permissions/1", headers=admin).json()["name"] == "Manage Users"
    role = ush.get(f"{API}/roles/1", headers=admin).json()
    assert (role["name"], role["protected"]) == ("admin", True)
    stage = ush.get(f"{API}/forms/1/stages/1", headers=admin).json()
    assert (stage["id"], stage["form_id"], stage["label"]) == (1, 1, "Structure")
    job = ush.get(f"{API}/exports/jobs/1", headers=admin).json()
    assert (job["entity_type"], job["status"]) == ("post", "SUCCESS")
    searches = ush.get(f"{API}/savedsearches", headers=admin).json()
    assert searches["count"] == 2 and [s["id"] for s in searches["results"]] == [2, 4]
    assert searches["results"][0]["filter"] == {"q": "zombie"}
    imports = ush.get(f"{API}/csv", headers=admin).json()
    assert imports["count"] == 1 and imports["results"][0]["id"] == 19


def test_delete_single_records(ush, admin):
    for path in ("savedsearches/2", "forms/1/attributes/1", "contacts/2693", "exports/jobs/1", "csv/19"):
        deleted = ush.delete(f"{API}/{path}", headers=admin)
        assert deleted.status_code == 200, (path, deleted.text)
        assert deleted.json()["id"] == int(path.rsplit("/", 1)[1])
        assert ush.get(f"{API}/{path}", headers=admin).status_code == 404, path


def test_read_update_and_delete_media(ush, admin):
    created = ush.post(f"{API}/media", headers=admin, files={"file": ("dot.png", PNG, "image/png")}).json()
    path = f"{API}/media/{created['id']}"
    assert ush.get(path, headers=admin).json()["original_file_size"] == len(PNG)
    updated = ush.put(path, json={"caption": "Two dots"}, headers=admin)
    assert updated.status_code == 200 and updated.json()["caption"] == "Two dots"
    assert ush.get(path, headers=admin).json()["caption"] == "Two dots"
    assert ush.delete(path, headers=admin).json()["id"] == created["id"]
    assert ush.get(path, headers=admin).status_code == 404
