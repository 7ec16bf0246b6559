"""/v1/attribute against the documented examples."""


def test_list_is_the_documented_shape(cs):
    body = cs.get("/v1/attribute").json()
    assert body["success"] is True and body["messages"] == []
    assert body["data"]["total"] == 7
    documented = {a["id"]: a for a in body["data"]["list"]}
    assert documented[1] == {
        "id": 1,
        "type": "Radio",
        "locked": False,
        "name": "Ready to set sail",
        "options": [{"id": 1, "value": "Yes"}, {"id": 2, "value": "No"}],
    }
    assert documented[3] == {"id": 3, "type": "Text", "locked": False, "name": "Favorite Island Discovered"}
    assert documented[5] == {"id": 5, "type": "Tag", "locked": True, "name": "Circumnavigated the Globe"}
    assert list(documented[1]) == ["id", "type", "locked", "name", "options"]


def test_limit_offset_and_plural_alias(cs):
    page = cs.get("/v1/attribute?limit=2&offset=2").json()["data"]
    assert page["total"] == 7 and [a["id"] for a in page["list"]] == [3, 4]
    assert cs.get("/v1/attributes").json() == cs.get("/v1/attribute").json()


def test_out_of_range_limits_and_offsets_are_clamped(cs):
    """docs/vendors/crowdskout.md §1.1: a number beyond 64 bits is the largest one, a negative one 0, a word none."""
    everything = cs.get("/v1/attribute").json()
    nothing = {"success": True, "messages": [], "data": {"total": 7, "list": []}}
    huge = "9" * 34
    expected = {
        f"limit={huge}": everything,
        "limit=abc&offset=": everything,
        f"limit=9223372036854775808&offset=-{huge}": everything,
        f"limit=-{huge}": nothing,
        "limit=-5&offset=-3": nothing,
        f"offset={huge}&limit=2": nothing,
    }
    for query, body in expected.items():
        response = cs.get(f"/v1/attribute?{query}")
        assert (response.status_code, response.json()) == (200, body), query
    assert cs.get(f"/v1/attributes?limit={huge}").json() == everything


def test_create_update_and_delete_as_documented(cs):
    created = cs.post(
        "/v1/attribute",
        json={"name": "Test Attribute", "type": "Radio", "options": [{"value": "Option 1"}, {"value": "Option 2"}]},
    )
    assert created.status_code == 200
    data = created.json()["data"]
    assert data == {
        "id": 8,
        "name": "Test Attribute",
        "type": "Radio",
        "locked": False,
        "options": [{"id": 1, "value": "Option 1"}, {"id": 2, "value": "Option 2"}],
    }
    updated = cs.put(
        "/v1/attribute/8",
        json={
            "name": "Test Attribute 2",
            "options": [
                {"id": 1, "value": "Option 3"},
                {"id": 2, "delete": True, "value": "Option 2"},
                {"id": 0, "value": "Option 4"},
            ],
        },
    )
    assert updated.json() == {
        "success": True,
        "messages": [],
        "data": {
            "id": 8,
            "name": "Test Attribute 2",
            "type": "Radio",
            "locked": False,
            "options": [{"id": 1, "value": "Option 3"}, {"id": 3, "value": "Option 4"}],
        },
    }
    assert cs.get("/v1/attribute/8").json()["data"]["options"][1] == {"id": 3, "value": "Option 4"}
    deleted = cs.delete("/v1/attribute/8")
    assert deleted.json() == {"success": True, "messages": [], "data": {}}
    assert cs.get("/v1/attribute/8").status_code == 404


def test_type_is_immutable_and_options_required(cs):
    refused = cs.put("/v1/attribute/1", json={"type": "Text"})
    assert refused.status_code == 400 and refused.json()["success"] is False
    assert cs.get("/v1/attribute/1").json()["data"]["type"] == "Radio"
    no_options = cs.post("/v1/attribute", json={"name": "Pick", "type": "Checkbox"})
    assert no_options.status_code == 400
    assert no_options.json()["messages"] == ["Options are required for Checkbox attributes."]
    bad_type = cs.post("/v1/attribute", json={"name": "X", "type": "Colour"})
    assert bad_type.status_code == 400
    assert cs.get("/v1/attribute").json()["data"]["total"] == 7


def test_unknown_attribute_is_404_in_the_envelope(cs):
    response = cs.get("/v1/attribute/999")
    assert response.status_code == 404
    assert response.json() == {"success": False, "messages": ["Attribute 999 not found."], "data": None}


def test_malformed_json_is_400(cs):
    response = cs.post(
        "/v1/attribute", content=b"{", headers={"Authorization": "Bearer abcd1234", "Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["success"] is False


def test_text_attribute_has_no_options(cs):
    data = cs.post("/v1/attribute", json={"name": "Nickname", "type": "Text", "locked": True}).json()["data"]
    assert data == {"id": 8, "name": "Nickname", "type": "Text", "locked": True}
