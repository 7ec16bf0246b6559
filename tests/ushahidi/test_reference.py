"""Country codes, data providers, roles, permissions and tags."""

from tests.ushahidi.conftest import DOC_HOST, fixture


def test_country_codes_are_all_246_starting_with_the_documented_five(ush, admin):
    body = ush.get("/api/v3/country-codes", headers=admin).json()
    assert body["count"] == body["total_count"] == 246
    first = body["results"][:5]
    assert [c["country_code"] for c in first] == ["AF", "AX", "AL", "DZ", "AS"]
    assert first[1] == {
        "id": 2,
        "url": "http://testserver/ushahidi/api/v3/country_codes/2",
        "country_name": "\u00c5land Islands",
        "dial_code": "+358",
        "country_code": "AX",
        "allowed_privileges": ["read", "search"],
    }
    assert body["orderby"] == "id" and body["limit"] is None


def test_country_codes_are_for_admins_and_settings_managers(ush, user):
    client_token = ush.headers(None, scope="country_codes")
    for headers, ident in ((user, 2), (client_token, 0)):
        for path, action, target in (("", "search", 0), ("/2", "read", 2)):
            response = ush.get(f"/api/v3/country-codes{path}", headers=headers)
            message = f"User {ident} is not allowed to {action} resource country_codes #{target}"
            assert (response.status_code, response.json()) == (403, {"errors": [{"status": 403, "message": message}]})
    response = ush.get("/api/v3/country-codes")
    assert (response.status_code, response.json()) == (401, {"errors": [{"status": 401, "message": "Unauthorized."}]})


def test_dataproviders_are_admin_only_and_documented(ush, admin, user):
    assert ush.get("/api/v3/dataproviders").status_code == 401
    assert ush.get("/api/v3/dataproviders", headers=user).status_code == 403
    body = ush.get("/api/v3/dataproviders", headers=admin).json()
    assert body["total_count"] == 6
    assert [p["id"] for p in body["results"]] == [
        "email",
        "frontlinesms",
        "nexmo",
        "smssync",
        "twilio",
        "twitter",
    ]
    documented = fixture("dataproviders")[3]
    smssync = ush.get("/api/v3/dataproviders/smssync", headers=admin).json()
    assert smssync["url"] == "http://testserver/ushahidi/api/v3/dataprovider/smssync"
    assert {k: v for k, v in smssync.items() if k not in ("url", "allowed_privileges")} == {
        k: v for k, v in documented.items() if k != "url"
    }
    assert DOC_HOST in documented["url"]
    missing = ush.get("/api/v3/dataproviders/pigeon", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["message"] == "Could not locate any dataproviders matching [id: pigeon]"


def test_roles_crud(ush, admin, user):
    assert [r["name"] for r in ush.get("/api/v3/roles").json()["results"]] == ["admin", "user", "QA Role"]
    created = ush.post(
        "/api/v3/roles",
        headers=admin,
        json={"name": "moderator", "display_name": "Moderator", "permissions": ["Manage Posts"]},
    )
    assert created.status_code == 200
    rid = created.json()["id"]
    assert list(created.json()) == [
        "id",
        "url",
        "name",
        "display_name",
        "description",
        "permissions",
        "protected",
        "allowed_privileges",
    ]
    bad = ush.put(f"/api/v3/roles/{rid}", json={"permissions": ["Fly"]}, headers=admin)
    assert bad.status_code == 422 and bad.json()["errors"][1]["title"] == "Permission Fly does not exist"
    assert ush.post("/api/v3/roles", json={"name": "x"}, headers=user).status_code == 403
    assert ush.delete("/api/v3/roles/1", headers=admin).status_code == 403  # protected
    assert ush.delete(f"/api/v3/roles/{rid}", headers=admin).json()["name"] == "moderator"
    assert ush.get(f"/api/v3/roles/{rid}").status_code == 404


def test_permissions_list(ush, user):
    body = ush.get("/api/v3/permissions", headers=user).json()
    assert body["total_count"] == 8 and body["results"][0]["name"] == "Manage Users"


def test_tag_create_normalises_color_and_links_parent(ush, admin):
    response = ush.post(
        "/api/v3/tags",
        headers=admin,
        json={
            "parent_id": 1,
            "tag": "Boxes",
            "slug": "boxes",
            "description": "Is this a box? Awesome",
            "type": "category",
            "priority": 1,
            "color": "00ff00",
            "role": None,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["color"] == "#00ff00" and body["parent"]["id"] == 1 and body["icon"] == "tag"
    parent = ush.get("/api/v3/tags/1").json()
    assert {"id": body["id"], "url": f"http://testserver/ushahidi/api/v3/tags/{body['id']}"} in parent["children"]


def test_duplicate_tag_and_unknown_role_are_422(ush, admin):
    response = ush.post("/api/v3/tags", json={"tag": "Disaster", "role": ["nope"]}, headers=admin)
    assert response.status_code == 422
    titles = [e["title"] for e in response.json()["errors"][1:]]
    assert "Role nope does not exist" in titles and "slug disaster is already in use" in titles


def test_tag_restricted_by_role_is_hidden(ush, admin):
    assert 13 not in [t["id"] for t in ush.get("/api/v3/tags").json()["results"]]
    assert 13 in [t["id"] for t in ush.get("/api/v3/tags", headers=admin).json()["results"]]


def test_deleting_a_tag_removes_it_from_posts(ush, admin):
    assert ush.delete("/api/v3/tags/3", headers=admin).status_code == 200
    assert 3 not in [t["id"] for t in ush.get("/api/v3/posts/9002", headers=admin).json()["tags"]]
    assert ush.get("/api/v3/tags/3").status_code == 404


def test_user_cannot_write_tags(ush, user):
    assert ush.post("/api/v3/tags", json={"tag": "Mine"}, headers=user).status_code == 403


def _role_error(text: str) -> dict:
    return {
        "errors": [
            {"status": 422, "message": f"Failed to validate tags entity:\n{text}"},
            {"status": 422, "title": text, "message": text, "source": {"pointer": "/role"}},
        ]
    }


def test_tag_role_given_as_a_name_is_a_one_role_list(ush, admin):
    # Tag 13 is restricted to admins; a child must carry the same roles.
    child = {"parent_id": 13, "tag": "Closed", "slug": "closed", "type": "status", "color": "00ff00"}
    response = ush.post("/api/v3/tags", json={**child, "role": "admin"}, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["role"] == ["admin"] and response.json()["parent"]["id"] == 13
    encoded = ush.post("/api/v3/tags", json={"tag": "Both", "role": '["admin", "user"]'}, headers=admin)
    assert encoded.json()["role"] == ["admin", "user"]


def test_tag_role_errors_are_the_first_rule_that_fails(ush, admin):
    total = ush.get("/api/v3/tags", headers=admin).json()["total_count"]
    child = {"parent_id": 13, "tag": "Closed", "slug": "closed"}
    unknown = ush.post("/api/v3/tags", json={**child, "role": "nope"}, headers=admin)
    assert unknown.status_code == 422 and unknown.json() == _role_error("Role nope does not exist")
    mismatch = ush.post("/api/v3/tags", json={**child, "role": "user"}, headers=admin)
    assert mismatch.json() == _role_error("Role must match the parent category")
    none = ush.post("/api/v3/tags", json={**child, "role": None}, headers=admin)
    assert none.json() == _role_error("Role must match the parent category")
    # One existing name is enough for the platform's check.
    some = ush.post("/api/v3/tags", json={**child, "role": ["nope", "user"]}, headers=admin)
    assert some.json() == _role_error("Role must match the parent category")
    assert ush.get("/api/v3/tags", headers=admin).json()["total_count"] == total


def test_tag_update_checks_the_parents_roles_even_when_role_is_not_sent(ush, admin):
    made = ush.post("/api/v3/tags", json={"parent_id": 13, "tag": "Closed", "role": ["admin"]}, headers=admin)
    ident = made.json()["id"]
    changed = ush.put(f"/api/v3/tags/{ident}", json={"tag": "Closed", "role": "user"}, headers=admin)
    assert changed.status_code == 422 and changed.json() == _role_error("Role must match the parent category")
    assert ush.get(f"/api/v3/tags/{ident}", headers=admin).json()["role"] == ["admin"]
    parent = ush.put("/api/v3/tags/13", json={"role": ["user"]}, headers=admin)
    assert parent.status_code == 200
    renamed = ush.put(f"/api/v3/tags/{ident}", json={"tag": "Shut"}, headers=admin)
    assert renamed.json() == _role_error("Role must match the parent category")


def test_deleting_a_tag_removes_it_from_tags_field_options(ush, admin):
    # Field 5 of survey 1 offers tags [1, 3]; a field may hold the ids as strings.
    made = ush.post(
        "/api/v3/forms/1/attributes",
        json={"form_stage_id": 1, "label": "More", "type": "tags", "input": "tags", "options": ["3", "1", "3"]},
        headers=admin,
    ).json()
    assert ush.delete("/api/v3/tags/3", headers=admin).status_code == 200
    assert ush.get("/api/v3/forms/1/attributes/5", headers=admin).json()["options"] == [1]
    # Only the first equal option goes, as array_search finds it.
    assert ush.get(f"/api/v3/forms/1/attributes/{made['id']}", headers=admin).json()["options"] == ["1", "3"]
