"""/api/v3/hxl and the HXL rules of export jobs (docs/vendors/ushahidi.md §1.17)."""

import json

import pytest

from tests.ushahidi.conftest import Ushahidi

HXL = "/api/v3/hxl"
JOBS = "/api/v3/exports/jobs"
BASE = "http://testserver/ushahidi/api/v3"
ALL = ["read", "create", "update", "delete", "search"]
METADATA = {
    "license_id": 2,
    "organisation_id": "relief-org",
    "organisation_name": "Relief Org",
    "dataset_title": "Flood reports",
    "source": "field teams",
    "private": False,
}


def rows(client, table: str) -> list[dict]:
    snapshot = client.get("/__admin/snapshot", params={"vendor": "ushahidi"}).json()
    return snapshot["vendors"]["ushahidi"][table]


def errors(response) -> list[tuple[str, str]]:
    return [(e["source"]["pointer"], e["message"]) for e in response.json()["errors"][1:]]


def test_index_answers_an_empty_hxl_list(ush, admin):
    response = ush.get(HXL, headers=admin)
    assert (response.status_code, response.json()) == (200, {"hxl": []})
    assert ush.get(HXL + "/", headers=admin).json() == {"hxl": []}


def test_licenses_are_the_eight_of_the_migrations(ush, admin):
    body = ush.get(HXL + "/licenses", headers=admin).json()
    assert (body["count"], body["total_count"]) == (8, 8)
    assert [r["code"] for r in body["results"]] == [
        "cc-by-igo",
        "cc-by",
        "cc-by-sa",
        "hdx-odc-odbl",
        "hdx-odc-by",
        "hdx-pddl",
        "other-pd-nr",
        "hdx-multi",
    ]
    assert body["results"][3] == {
        "id": 4,
        "url": f"{BASE}/hxl_license/4",
        "code": "hdx-odc-odbl",
        "name": "Open Database License (ODC-ODbL)",
        "link": "",
        "allowed_privileges": ALL,
    }


@pytest.mark.parametrize(
    "query",
    ["code=cc-by-igo", "name=Creative Commons Attribution for Intergovernmental Organisations"],
)
def test_one_license_by_code_or_by_name(ush, admin, query):
    body = ush.get(f"{HXL}/licenses?{query}", headers=admin).json()
    assert body["count"] == 1
    assert body["results"][0] == {
        "id": 1,
        "url": f"{BASE}/hxl_license/1",
        "code": "cc-by-igo",
        "name": "Creative Commons Attribution for Intergovernmental Organisations",
        "link": "http://creativecommons.org/licenses/by/3.0/igo/legalcode",
        "allowed_privileges": ALL,
    }
    assert ush.get(f"{HXL}/licenses?code=nope", headers=admin).json()["count"] == 0


def test_licenses_and_tags_need_an_hxl_permission(ush, user, anon_token):
    for path, resource in (("/licenses", "hxl_license"), ("/tags", "hxl_tag")):
        refused = ush.get(HXL + path, headers=user)
        assert (refused.status_code, refused.json()) == (
            403,
            {"errors": [{"status": 403, "message": f"User 2 is not allowed to search resource {resource} #0"}]},
        )
        anonymous = ush.get(HXL + path, headers=anon_token)
        assert anonymous.json()["errors"][0]["message"] == f"User 0 is not allowed to search resource {resource} #0"


def test_every_route_needs_a_token(ush):
    for method, path in (("GET", ""), ("GET", "/licenses"), ("GET", "/tags"), ("GET", "/metadata"),
                         ("POST", "/metadata"), ("GET", "/organisations")):  # fmt: skip
        response = ush.request(method, HXL + path, json={})
        assert (response.status_code, response.json()) == (
            401,
            {"errors": [{"status": 401, "message": "Unauthorized."}]},
        )
        assert response.headers["www-authenticate"] == 'Bearer realm="OAuth"'


def test_tags_carry_their_attributes_and_form_attribute_types(ush, admin):
    body = ush.get(HXL + "/tags", headers=admin).json()
    assert (body["count"], body["total_count"]) == (44, 44)
    first = body["results"][0]
    assert list(first) == ["id", "url", "tag_name", "hxl_attributes", "form_attribute_types", "allowed_privileges"]
    assert (first["id"], first["url"], first["tag_name"]) == (1, f"{BASE}/hxl_tag/1", "population")
    assert first["hxl_attributes"][:2] == [
        {"hxl_tag_id": 1, "id": 1, "attribute": "f", "description": "0"},
        {"hxl_tag_id": 1, "id": 2, "attribute": "m", "description": "0"},
    ]
    assert len(first["hxl_attributes"]) == 20
    assert [t["form_attribute_type"] for t in first["form_attribute_types"]] == [
        "decimal",
        "int",
        "text",
        "varchar",
        "title",
        "description",
    ]
    tags = {t["tag_name"]: t for t in body["results"]}
    # PHP's array_filter keeps positions: after the first tag, the attributes are an object keyed by position.
    assert tags["affected"]["hxl_attributes"]["20"] == {"hxl_tag_id": 2, "id": 1, "attribute": "f", "description": "0"}
    geo = tags["geo"]
    assert geo["id"] == 183 and geo["form_attribute_types"] == [{"form_attribute_type": "point"}]
    assert [a["attribute"] for a in geo["hxl_attributes"].values()] == ["lat", "lon"]  # elevation was removed
    assert [a["attribute"] for a in tags["date"]["hxl_attributes"].values()] == ["start", "end", "reported", "event"]


def test_tags_page(ush, admin):
    body = ush.get(HXL + "/tags?limit=2&offset=1&tag_name=geo", headers=admin).json()
    assert [t["tag_name"] for t in body["results"]] == ["affected", "inneed"]
    assert (body["limit"], body["offset"], body["total_count"]) == ("2", "1", 44)


def test_create_metadata(ush, admin, client):
    response = ush.post(HXL + "/metadata", json=METADATA, headers=admin)
    assert response.status_code == 200
    assert response.json() == {
        "id": 3,
        "url": f"{BASE}/hxl_meta_data/3",
        "user": {"id": 1, "url": f"{BASE}/users/1"},
        "private": False,
        "dataset_title": "Flood reports",
        "license_id": 2,
        "organisation_id": "relief-org",
        "organisation_name": "Relief Org",
        "source": "field teams",
        "created": "1970-01-01T00:00:00+00:00",
        "updated": None,
        "allowed_privileges": ALL,
    }
    saved = [r for r in rows(client, "ushahidi_hxl_meta_data") if r["id"] == 3]
    assert saved[0]["user_id"] == 1 and saved[0]["dataset_title"] == "Flood reports"


def test_metadata_values_are_cast_as_php_casts_them(ush, admin):
    body = {**METADATA, "license_id": "3", "private": "0", "user_id": "1", "organisation_id": 42}
    created = ush.post(HXL + "/metadata", json=body, headers=admin).json()
    assert (created["license_id"], created["private"], created["organisation_id"]) == (3, False, "42")


def test_metadata_for_someone_else_is_403(ush, admin, client):
    response = ush.post(HXL + "/metadata", json={**METADATA, "user_id": 2}, headers=admin)
    assert (response.status_code, response.json()) == (
        403,
        {"errors": [{"status": 403, "message": "User 1 is not allowed to create resource hxl_meta_data #0"}]},
    )
    assert len(rows(client, "ushahidi_hxl_meta_data")) == 2


def test_metadata_needs_an_hxl_permission_and_a_user(ush, user, anon_token):
    refused = ush.post(HXL + "/metadata", json=METADATA, headers=user)
    assert refused.json()["errors"][0] == {
        "status": 403,
        "message": "User 2 is not allowed to create resource hxl_meta_data #0",
    }
    anonymous = ush.post(HXL + "/metadata", json=METADATA, headers=anon_token)
    assert anonymous.status_code == 403


def test_metadata_with_an_unknown_license_is_422(ush, admin, client):
    response = ush.post(HXL + "/metadata", json={**METADATA, "license_id": 999}, headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"status": 422, "message": "Failed to validate hxl_meta_data entity:\nlicense_id must exist"},
        {
            "status": 422,
            "title": "license_id must exist",
            "message": "license_id must exist",
            "source": {"pointer": "/license_id"},
        },
    ]
    assert len(rows(client, "ushahidi_hxl_meta_data")) == 2


@pytest.mark.parametrize("payload", [{}, None])
def test_empty_or_malformed_metadata_lists_every_rule(ush, admin, payload):
    if payload is None:
        response = ush.post(HXL + "/metadata", content=b"{nope", headers={**admin, "Content-Type": "application/json"})
    else:
        response = ush.post(HXL + "/metadata", json=payload, headers=admin)
    assert response.status_code == 422
    assert errors(response) == [
        ("/private", "Private should be a boolean. Received: NULL"),
        ("/dataset_title", "dataset_title must not be empty"),
        ("/organisation_id", "organisation_id must not be empty"),
        ("/organisation_name", "organisation_name must not be empty"),
        ("/source", "source must not be empty"),
        ("/license_id", "license_id must not be empty"),
    ]


def test_metadata_text_rules(ush, admin):
    body = {**METADATA, "dataset_title": "x", "source": "a<b", "organisation_name": "n" * 256, "organisation_id": []}
    response = ush.post(HXL + "/metadata", json=body, headers=admin)
    assert errors(response) == [
        ("/dataset_title", "dataset_title must be at least 2 characters long"),
        ("/organisation_id", "organisation_id must be text"),
        ("/organisation_name", "organisation_name must not exceed 255 characters long"),
        ("/source", "source does not match the required format"),
    ]


def test_metadata_list_is_refused_even_to_its_owner(ush, admin):
    response = ush.get(HXL + "/metadata", headers=admin)
    assert (response.status_code, response.json()) == (
        403,
        {"errors": [{"status": 403, "message": "User 1 is not allowed to search resource hxl_meta_data #0"}]},
    )
    assert ush.get(HXL + "/metadata/1", headers=admin).status_code == 404  # no such route


def test_organisations_are_empty_without_hdx(ush, user):
    response = ush.get(HXL + "/organisations", headers=user)
    assert (response.status_code, response.content) == (204, b"")


def test_a_deployment_with_hxl_off_answers_404(client, tmp_path):
    folder = tmp_path / "off" / "ushahidi"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps([{"id": "features", "hxl": {"enabled": False}}]))
    assert client.post("/__admin/tenants", json={"name": "off", "fixtures": str(tmp_path / "off")}).status_code == 201
    off = Ushahidi(client)
    off.prefix = "/t/off/ushahidi"
    admin = off.headers("admin@ushahidi.com")
    for path in ("", "/licenses", "/tags", "/metadata"):
        response = off.get(HXL + path, headers=admin)
        assert (response.status_code, response.json()) == (404, {"errors": [{"status": 404}]})
    assert off.get(HXL + "/tags").status_code == 401  # auth:api runs first
    # Without the feature, export jobs skip the HXL rules.
    job = off.post(JOBS, json={"entity_type": "post", "send_to_hdx": False}, headers=admin)
    assert job.status_code == 200


def test_metadata_from_fixtures_backs_export_jobs(client, tmp_path):
    folder = tmp_path / "mine" / "ushahidi"
    folder.mkdir(parents=True)
    record = {
        **METADATA,
        "id": 40,
        "private": True,
        "user_id": 1,
        "created": "2018-05-12T17:58:04+00:00",
        "updated": None,
    }
    (folder / "hxl_meta_data.json").write_text(json.dumps([record]))
    assert client.post("/__admin/tenants", json={"name": "mine", "fixtures": str(tmp_path / "mine")}).status_code == 201
    mine = Ushahidi(client)
    mine.prefix = "/t/mine/ushahidi"
    admin = mine.headers("admin@ushahidi.com")
    body = {"entity_type": "post", "send_to_hdx": True, "send_to_browser": False, "include_hxl": True}
    job = mine.post(JOBS, json={**body, "hxl_meta_data_id": 40}, headers=admin)
    assert (job.status_code, job.json()["hxl_meta_data_id"]) == (200, 40)


HDX_JOB = {
    "send_to_browser": False,
    "send_to_hdx": True,
    "include_hxl": True,
    "fields": "test",
    "filters": {"status": ["published", "draft"], "source": ["sms", "web"]},
    "entity_type": "post",
    "hxl_meta_data_id": 2,
}


def test_export_job_for_hdx(ush, admin):
    response = ush.post(JOBS, json=HDX_JOB, headers=admin)
    assert response.status_code == 200
    job = response.json()
    assert (job["send_to_hdx"], job["include_hxl"], job["send_to_browser"]) == (True, True, False)
    assert (job["hxl_meta_data_id"], job["hxl_heading_row"]) == (2, None)
    assert job["status"] == "FAILED"  # SendHXLUsecase without an HDX server
    assert ush.get(f"{JOBS}/{job['id']}", headers=admin).json()["hxl_meta_data_id"] == 2


@pytest.mark.parametrize("flag", [True, False])
def test_export_job_sends_to_the_browser_or_to_hdx(ush, admin, flag):
    body = {**HDX_JOB, "send_to_browser": flag, "send_to_hdx": flag}
    response = ush.post(JOBS, json=body, headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "status": 422,
        "message": "Failed to validate export_job entity:\n"
        "send_to_hdx should be true when send_to_browser is false\n"
        "send_to_browser should be true when send_to_hdx is false",
    }
    assert errors(response) == [
        ("/send_to_hdx", "send_to_hdx should be true when send_to_browser is false"),
        ("/send_to_browser", "send_to_browser should be true when send_to_hdx is false"),
    ]
    assert ush.get(JOBS, headers=admin).json()["total_count"] == 1


def test_export_job_for_hdx_includes_hxl(ush, admin):
    response = ush.post(JOBS, json={**HDX_JOB, "include_hxl": False}, headers=admin)
    assert errors(response) == [("/include_hxl", "include_hxl should be true when send_to_hdx is true")]


def test_export_job_metadata_must_exist_and_be_its_own(ush, admin):
    missing = ush.post(JOBS, json={**HDX_JOB, "hxl_meta_data_id": 9999}, headers=admin)
    assert errors(missing) == [("/hxl_meta_data_id", "hxl_meta_data_id must exist")]
    assert ush.post(JOBS, json=HDX_JOB, headers=admin).status_code == 200
    taken = ush.post(JOBS, json=HDX_JOB, headers=admin)
    assert errors(taken) == [("/hxl_meta_data_id", "hxl_meta_data_id must be unique")]
    # The uniqueness is the database's, met only once validation has passed (hxl/export.feature).
    both = ush.post(JOBS, json={**HDX_JOB, "send_to_browser": True}, headers=admin)
    assert errors(both) == [
        ("/send_to_hdx", "send_to_hdx should be true when send_to_browser is false"),
        ("/send_to_browser", "send_to_browser should be true when send_to_hdx is false"),
    ]


def test_export_job_needs_an_entity_type(ush, admin):
    body = {k: v for k, v in HDX_JOB.items() if k != "entity_type"}
    assert errors(ush.post(JOBS, json=body, headers=admin)) == [("/entity_type", "entity_type must not be empty")]
    wrong = ush.post(JOBS, json={**HDX_JOB, "entity_type": "users"}, headers=admin)
    assert errors(wrong) == [("/entity_type", "entity_type must be one of the available options")]


def test_export_job_update_checks_the_whole_job(ush, admin):
    refused = ush.put(f"{JOBS}/1", json={"send_to_hdx": True}, headers=admin)
    assert [p for p, _ in errors(refused)] == ["/send_to_hdx", "/send_to_browser"]
    moved = ush.put(
        f"{JOBS}/1", json={"send_to_hdx": True, "send_to_browser": False, "include_hxl": True}, headers=admin
    )
    assert (moved.status_code, moved.json()["send_to_hdx"]) == (200, True)
    linked = ush.put(f"{JOBS}/1", json={"hxl_meta_data_id": 1}, headers=admin)
    assert linked.json()["hxl_meta_data_id"] == 1
    assert ush.put(f"{JOBS}/1", json={"hxl_meta_data_id": None}, headers=admin).json()["hxl_meta_data_id"] is None
    heading = [{"form_attribute_id": 3, "hxl_tag_id": 16}]
    kept = ush.put(f"{JOBS}/1", json={"hxl_heading_row": heading}, headers=admin)
    assert kept.json()["hxl_heading_row"] == heading


def test_export_job_heading_row_assigns_hxl_tags(ush, admin, client):
    heading = [
        {"form_attribute_id": 3, "hxl_tag_id": 16, "hxl_attribute_id": 1},
        {"form_attribute_id": 4, "label": "no tag"},
    ]
    job = ush.post(JOBS, json={**HDX_JOB, "hxl_heading_row": heading}, headers=admin).json()
    assert job["hxl_heading_row"] is None
    assigned = [r for r in rows(client, "ushahidi_form_attribute_hxl_attribute_tag") if r["export_job_id"] == job["id"]]
    assert [(r["form_attribute_id"], r["hxl_tag_id"], r["hxl_attribute_id"]) for r in assigned] == [(3, 16, 1)]


def test_an_invalid_heading_tag_is_422_after_the_job_is_saved(ush, admin, client):
    heading = [{"form_attribute_id": 3, "hxl_tag_id": 99999}]
    response = ush.post(JOBS, json={**HDX_JOB, "hxl_heading_row": heading}, headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == (
        "Failed to validate form_attribute_hxl_attribute_tag entity:\nhxl_tag_id must exist"
    )
    assert errors(response) == [("/hxl_tag_id", "hxl_tag_id must exist")]
    assert ush.get(JOBS, headers=admin).json()["total_count"] == 2  # the server saved the job first
    assert len(rows(client, "ushahidi_form_attribute_hxl_attribute_tag")) == 1
