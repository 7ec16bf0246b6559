"""/api/v3/forms with attributes, stages, roles and stats."""

from tests.ushahidi.conftest import documented, fixture

FORM_KEYS = [
    "id",
    "url",
    "parent_id",
    "name",
    "description",
    "color",
    "type",
    "disabled",
    "created",
    "updated",
    "hide_author",
    "hide_time",
    "hide_location",
    "require_approval",
    "everyone_can_create",
    "targeted_survey",
    "can_create",
    "tags",
    "allowed_privileges",
]
ALL = ["read", "create", "update", "delete", "search"]


def test_forms_list_is_the_documented_example(ush, admin):
    body = ush.get("/api/v3/forms", headers=admin).json()
    assert body["total_count"] == body["count"] == 6
    assert [f["id"] for f in body["results"]] == [1, 2, 3, 4, 6, 7]
    for form in body["results"]:
        assert list(form) == FORM_KEYS
        assert form == {**documented("forms", form["id"]), "allowed_privileges": ALL}
    assert body["orderby"] == "id" and body["order"] == "asc"


def test_form_1_for_anonymous_has_read_search(ush):
    body = ush.get("/api/v3/forms/1").json()
    assert body["allowed_privileges"] == ["read", "search"]
    assert [t["id"] for t in body["tags"]] == [1, 3, 11, 10, 12, 13]


def test_unknown_form_is_404(ush):
    response = ush.get("/api/v3/forms/5")
    assert response.status_code == 404
    assert response.json()["errors"][0]["message"] == "Could not locate any forms matching [id: 5]"


def test_form_1_attributes_are_the_documented_list(ush, admin):
    body = ush.get("/api/v3/forms/1/attributes", headers=admin).json()
    expected = [documented("form_attributes", i) for i in (1, 3, 4, 58, 5)]
    assert [a["id"] for a in body["results"]] == [1, 3, 4, 58, 5]
    assert [{k: v for k, v in a.items() if k != "allowed_privileges"} for a in body["results"]] == expected
    assert body["orderby"] == "priority" and body["total_count"] == 5


def test_form_1_stages_are_the_documented_list(ush, admin):
    body = ush.get("/api/v3/forms/1/stages", headers=admin).json()
    expected = [documented("form_stages", i) for i in (1, 14)]
    assert [{k: v for k, v in s.items() if k != "allowed_privileges"} for s in body["results"]] == expected


def test_form_roles_and_stats(ush, admin):
    roles = ush.get("/api/v3/forms/1/roles", headers=admin).json()
    assert roles["orderby"] == "role_id"
    assert roles["results"][0] == {
        "id": 6,
        "url": "http://testserver/ushahidi/forms/1/roles/6",
        "form_id": 1,
        "role_id": 4,
        "allowed_privileges": ALL,
    }
    stats = ush.get("/api/v3/forms/1/stats", headers=admin).json()
    assert list(stats) == [
        "id",
        "url",
        "total_responses",
        "total_recipients",
        "total_response_recipients",
        "total_messages_sent",
        "total_messages_pending",
        "total_by_data_source",
        "allowed_privileges",
    ]
    assert stats["total_by_data_source"] == {"sms": "1", "email": 0, "twitter": 0, "web": "3", "all": 4}


def test_stats_of_a_survey_without_posts_count_web_as_a_string(ush, admin):
    """docs/vendors/ushahidi.md §1.2 (Forms): `web` is a COUNT row of its own, "0" when nothing came from the web."""
    created = ush.post("/api/v3/forms", json={"name": "Empty survey"}, headers=admin)
    assert created.status_code == 200, created.text
    stats = ush.get(f"/api/v3/forms/{created.json()['id']}/stats", headers=admin)
    assert stats.status_code == 200
    assert stats.json()["total_by_data_source"] == {"sms": 0, "email": 0, "twitter": 0, "web": "0", "all": 0}
    assert '"total_by_data_source":{"sms":0,"email":0,"twitter":0,"web":"0","all":0}' in stats.text.replace(" ", "")


def test_replace_form_roles_sets_can_create(ush, admin, user):
    response = ush.put("/api/v3/forms/4/roles", json={"roles": [1]}, headers=admin)
    assert response.status_code == 200 and [r["role_id"] for r in response.json()["results"]] == [1]
    form = ush.get("/api/v3/forms/4", headers=admin).json()
    assert form["can_create"] == ["admin"] and form["everyone_can_create"] is False
    post = ush.post("/api/v3/posts", json={"title": "t", "form": 4}, headers=user)
    assert post.status_code == 403


def test_create_survey_with_tasks_then_update_and_delete(ush, admin):
    created = ush.post(
        "/api/v3/forms",
        headers=admin,
        json={
            "name": "The survey name",
            "color": "#00FF00",
            "require_approval": False,
            "tasks": [
                {
                    "id": "interim_id_1",
                    "label": "Post",
                    "type": "post",
                    "priority": 0,
                    "attributes": [
                        {"label": "Title", "input": "text", "type": "title", "required": True},
                        {"label": "Area", "input": "tags", "type": "tags", "options": [1, 3]},
                    ],
                }
            ],
        },
    )
    assert created.status_code == 200
    form = created.json()
    assert list(form) == FORM_KEYS
    assert form["name"] == "The survey name" and [t["id"] for t in form["tags"]] == [1, 3]
    fid = form["id"]
    attributes = ush.get(f"/api/v3/forms/{fid}/attributes", headers=admin).json()["results"]
    assert [a["label"] for a in attributes] == ["Title", "Area"]
    assert len(attributes[0]["key"]) == 36
    updated = ush.put(f"/api/v3/forms/{fid}", json={"name": "Renamed", "disabled": True}, headers=admin)
    assert updated.json()["name"] == "Renamed" and updated.json()["disabled"] is True
    post = ush.post(
        "/api/v3/posts",
        json={"title": "Report", "form": fid, "values": {attributes[1]["key"]: [3]}},
        headers=admin,
    )
    assert post.status_code == 200 and post.json()["status"] == "published"  # no approval needed
    deleted = ush.delete(f"/api/v3/forms/{fid}", headers=admin)
    assert deleted.status_code == 200 and deleted.json()["name"] == "Renamed"
    assert ush.get(f"/api/v3/forms/{fid}").status_code == 404
    assert ush.get(f"/api/v3/posts/{post.json()['id']}", headers=admin).json()["form_id"] is None


def test_survey_validation_and_permissions(ush, admin, user):
    assert ush.post("/api/v3/forms", json={"name": "Mine"}, headers=user).status_code == 403
    response = ush.post("/api/v3/forms", json={"name": "", "disabled": "maybe"}, headers=admin)
    assert response.status_code == 422
    assert [e["source"]["pointer"] for e in response.json()["errors"][1:]] == ["/name", "/disabled"]
    bad_task = ush.post("/api/v3/forms", json={"name": "x", "tasks": [{"label": 5}]}, headers=admin)
    assert bad_task.status_code == 422
    assert ush.get("/api/v3/forms", headers=admin).json()["total_count"] == 6


def test_attribute_and_stage_crud(ush, admin):
    stage = ush.post(
        "/api/v3/forms/4/stages", json={"label": "Follow-up", "type": "task", "priority": 2}, headers=admin
    )
    assert stage.status_code == 200 and stage.json()["form_id"] == 4
    sid = stage.json()["id"]
    attribute = ush.post(
        "/api/v3/forms/4/attributes",
        headers=admin,
        json={
            "label": "Outcome",
            "input": "select",
            "type": "varchar",
            "form_stage_id": sid,
            "options": ["a", "b"],
        },
    )
    assert attribute.status_code == 200
    aid = attribute.json()["id"]
    assert ush.get(f"/api/v3/forms/4/attributes/{aid}", headers=admin).json()["options"] == ["a", "b"]
    assert ush.get(f"/api/v3/forms/1/attributes/{aid}", headers=admin).status_code == 404
    assert (
        ush.put(f"/api/v3/forms/4/attributes/{aid}", json={"label": "Result"}, headers=admin).json()["label"]
        == "Result"
    )
    wrong_stage = ush.post("/api/v3/forms/4/attributes", json={"label": "x", "form_stage_id": 1}, headers=admin)
    assert wrong_stage.status_code == 400
    assert ush.delete(f"/api/v3/forms/4/stages/{sid}", headers=admin).status_code == 200
    assert ush.get(f"/api/v3/forms/4/attributes/{aid}", headers=admin).status_code == 404


def test_all_attributes_and_stages_across_forms(ush, admin):
    attributes = ush.get("/api/v3/forms/attributes", headers=admin).json()
    assert attributes["total_count"] == len(fixture("form_attributes"))
    stages = ush.get("/api/v3/forms/stages?form_id=1", headers=admin).json()
    assert [s["id"] for s in stages["results"]] == [1, 14]


def test_form_task_numbers_beyond_64_bits_are_refused_and_whole_floats_taken(ush, admin):
    task = {"label": "Main", "priority": 2**64, "attributes": []}
    refused = ush.post("/api/v3/forms", json={"name": "Big", "tasks": [task]}, headers=admin)
    assert refused.status_code == 422
    assert {
        "status": 422,
        "title": "priority must be a number",
        "message": "priority must be a number",
        "source": {"pointer": "/tasks.0.priority"},
    } in refused.json()["errors"]
    assert "Big" not in {f["name"] for f in ush.get("/api/v3/forms", headers=admin).json()["results"]}
    made = ush.post("/api/v3/forms", json={"name": "Whole", "tasks": [{**task, "priority": 3.0}]}, headers=admin)
    assert made.status_code == 200, made.text
    stages = ush.get(f"/api/v3/forms/{made.json()['id']}/stages", headers=admin).json()["results"]
    assert [s["priority"] for s in stages] == [3]


def _error(status: int, message: str) -> dict:
    return {"errors": [{"status": status, "message": message}]}


def _invalid(resource: str, *fields: tuple[str, str]) -> dict:
    extra = [{"status": 422, "title": t, "message": t, "source": {"pointer": f"/{f}"}} for f, t in fields]
    summary = "\n".join([f"Failed to validate {resource} entity:", *(t for _, t in fields)])
    return {"errors": [{"status": 422, "message": summary}, *extra]}


def _attribute_count(ush, admin) -> int:
    return ush.get("/api/v3/forms/attributes", headers=admin).json()["total_count"]


def test_new_field_names_its_stage_by_alias_and_takes_php_booleans(ush, admin):
    sent = {
        "form_stage": 1,
        "key": "full_name",
        "label": "Full Name",
        "instructions": "As on your ID",
        "type": "varchar",
        "input": "text",
        "required": "1",
        "priority": 11,
        "default": "",
        "options": {},
        "config": {"magic-input": True},
    }
    response = ush.post("/api/v3/forms/1/attributes", json=sent, headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    # The key sent is checked, then replaced by a UUID, as the platform stores new fields.
    assert body["key"] != "full_name" and len(body["key"]) == 36
    assert body == {
        "id": body["id"],
        "url": f"http://testserver/ushahidi/api/v3/form_attributes/{body['id']}",
        "key": body["key"],
        "label": "Full Name",
        "instructions": "As on your ID",
        "input": "text",
        "type": "varchar",
        "required": True,
        "default": "",
        "priority": 11,
        "options": [],
        "cardinality": 1,
        "config": {"magic-input": True},
        "form_stage_id": 1,
        "response_private": False,
        "allowed_privileges": ALL,
    }
    nested = ush.post(
        "/api/v3/forms/1/attributes",
        json={"form_stage": {"id": 14}, "label": "Notes", "type": "text", "required": 0, "options": "one"},
        headers=admin,
    ).json()
    assert (nested["form_stage_id"], nested["required"], nested["options"]) == (14, False, ["one"])


def test_new_field_on_unknown_or_foreign_stage_is_refused_before_anything_else(ush, admin, user):
    before = _attribute_count(ush, admin)
    field = {"label": "Full Name", "type": "varchar", "input": "text"}
    unknown = ush.post("/api/v3/forms/1/attributes", json={**field, "form_stage": 35}, headers=admin)
    assert unknown.status_code == 404
    assert unknown.json() == _error(404, "Could not locate any form_stages matching [form_stage_id: 35]")
    missing = ush.post("/api/v3/forms/1/attributes", json=field, headers=admin)
    assert missing.status_code == 404
    assert missing.json() == _error(404, "Could not locate any form_stages matching [form_stage_id: ]")
    foreign = ush.post("/api/v3/forms/2/attributes", json={**field, "form_stage_id": "1"}, headers=admin)
    assert foreign.status_code == 400
    assert foreign.json() == _error(400, "Bad request: Invalid form stage used, stage 1 is not in form 2")
    # The stage is checked before the caller's right to create on its survey.
    assert ush.post("/api/v3/forms/2/attributes", json={**field, "form_stage_id": 1}, headers=user).status_code == 400
    denied = ush.post("/api/v3/forms/1/attributes", json={**field, "form_stage_id": 1}, headers=user)
    assert denied.status_code == 403
    assert denied.json() == _error(403, "User 2 is not allowed to create resource form_attributes #0")
    assert _attribute_count(ush, admin) == before


def test_new_field_validation_gives_one_error_per_property_in_the_platforms_order(ush, admin):
    before = _attribute_count(ush, admin)
    taken = documented("form_attributes", 1)["key"]
    response = ush.post(
        "/api/v3/forms/1/attributes",
        json={"form_stage_id": 1, "key": taken, "label": "", "input": "slider", "type": "title"},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json() == _invalid(
        "form_attributes",
        ("key", f'The key "{taken}" is not available'),
        ("label", "label must not be empty"),
        ("input", "input must be one of the available options"),
        ("type", " There cannot be more than one field with the type title"),
    )
    bad_key = ush.post(
        "/api/v3/forms/1/attributes",
        json={"form_stage_id": 1, "key": "no spaces", "label": "x", "type": "video"},
        headers=admin,
    )
    assert bad_key.json() == _invalid(
        "form_attributes",
        ("key", "key must contain only numbers, letters and dashes"),
        ("type", "type must be one of the available options"),
    )
    assert _attribute_count(ush, admin) == before


def test_fields_filter_by_type_key_label_and_input(ush, admin):
    points = ush.get("/api/v3/forms/1/attributes?type=point", headers=admin).json()
    assert [a["id"] for a in points["results"]] == [1] and points["total_count"] == 1
    dates = ush.get("/api/v3/forms/attributes?type=datetime&input=date", headers=admin).json()
    assert dates["total_count"] == 0
    titled = ush.get("/api/v3/forms/attributes?label=Title", headers=admin).json()
    assert {a["type"] for a in titled["results"]} == {"title"}
    # The query's form_id wins over the path's.
    assert [a["id"] for a in ush.get("/api/v3/forms/1/attributes?form_id=2&type=point").json()["results"]] == [8]


def test_stages_hidden_from_the_public_need_manage_posts(ush, admin, user):
    # Stage 14 of survey 1 is an internal-only task.
    assert [s["id"] for s in ush.get("/api/v3/forms/1/stages", headers=user).json()["results"]] == [1]
    assert [s["id"] for s in ush.get("/api/v3/forms/1/stages").json()["results"]] == [1]
    published = ush.get("/api/v3/forms/1/stages?postStatus=published", headers=user).json()
    assert [s["id"] for s in published["results"]] == [1, 14]
    assert [s["id"] for s in ush.get("/api/v3/forms/1/stages", headers=admin).json()["results"]] == [1, 14]
    hidden = ush.get("/api/v3/forms/1/stages/14", headers=user)
    assert hidden.status_code == 404
    assert hidden.json() == _error(404, "Could not locate any form_stages matching [id: 14]")
    fields = ush.get("/api/v3/forms/1/attributes", headers=user).json()
    assert [a["id"] for a in fields["results"]] == [1, 3, 4, 5] and fields["total_count"] == 4
    assert ush.get("/api/v3/forms/1/attributes", headers=admin).json()["total_count"] == 5
    # A field is read by id whatever its stage, as the platform does.
    assert ush.get("/api/v3/forms/1/attributes/58", headers=user).status_code == 200


def test_new_stage_defaults_as_the_schema_and_takes_php_booleans(ush, admin, user):
    response = ush.post(
        "/api/v3/forms/1/stages", json={"label": "First Stage", "priority": 1, "required": 1}, headers=admin
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {
        "id": body["id"],
        "url": f"http://testserver/ushahidi/api/v3/form_stages/{body['id']}",
        "form_id": 1,
        "label": "First Stage",
        "priority": 1,
        "icon": None,
        "type": "task",
        "required": True,
        "show_when_published": True,
        "description": None,
        "task_is_internal_only": True,
        "allowed_privileges": ALL,
    }
    bare = ush.post("/api/v3/forms/1/stages", json={"label": "x", "required": "0"}, headers=admin).json()
    assert (bare["priority"], bare["required"]) == (99, False)
    missing_form = ush.post("/api/v3/forms/35/stages", json={"label": "First Stage"}, headers=admin)
    assert missing_form.status_code == 404
    assert missing_form.json() == _error(404, "Could not locate any forms matching [form_id: 35]")
    denied = ush.post("/api/v3/forms/1/stages", json={"label": "Mine"}, headers=user)
    assert denied.status_code == 403
    assert denied.json() == _error(403, "User 2 is not allowed to create resource form_stages #0")
    invalid = ush.post("/api/v3/forms/1/stages", json={"label": "", "type": "step"}, headers=admin)
    assert invalid.status_code == 422
    assert invalid.json() == _invalid(
        "form_stages",
        ("label", "label must not be empty"),
        ("type", "type must be one of the available options"),
    )
    short = ush.put(f"/api/v3/forms/1/stages/{body['id']}", json={"label": "x", "icon": "tag 2"}, headers=admin)
    assert short.status_code == 422
    assert short.json() == _invalid(
        "form_stages",
        ("label", "label must be at least 2 characters long"),
        ("icon", "icon must contain only letters"),
    )
    stored = ush.get(f"/api/v3/forms/1/stages/{body['id']}", headers=admin).json()
    assert stored["label"] == "First Stage"
    assert ush.get("/api/v3/forms/1/stages", headers=admin).json()["total_count"] == 4


def test_targeted_survey_stats_count_its_states_and_messages(ush, admin, user):
    # Survey 7 asks contact 2694 (post 9003) its first question of four: one message sent, three to go.
    stats = ush.get("/api/v3/forms/7/stats", headers=admin)
    assert stats.status_code == 200
    assert stats.json() == {
        "id": None,
        "url": "http://testserver/ushahidi/api/v3/form_stats",
        "total_responses": 0,
        "total_recipients": 1,
        "total_response_recipients": 0,
        "total_messages_sent": 1,
        "total_messages_pending": 3,
        "total_by_data_source": None,
        "allowed_privileges": ALL,
    }
    later = ush.get("/api/v3/forms/7/stats?created_after=2019-01-01", headers=admin).json()
    assert (later["total_recipients"], later["total_messages_sent"], later["total_messages_pending"]) == (0, 0, 4)
    denied = ush.get("/api/v3/forms/7/stats", headers=user)
    assert denied.status_code == 403
    assert denied.json() == _error(403, "User 2 is not allowed to search resource form_stats #0")
    anonymous = ush.get("/api/v3/forms/7/stats")
    assert anonymous.status_code == 401


def test_crowdsourced_survey_stats_leave_the_targeted_totals_null(ush, admin):
    stats = ush.get("/api/v3/forms/2/stats", headers=admin).json()
    assert [stats[k] for k in ("total_responses", "total_recipients", "total_messages_pending")] == [None] * 3
    # Web reports are counted as a MySQL string even when there are none with messages.
    assert stats["total_by_data_source"] == {"sms": 0, "email": 0, "twitter": 0, "web": "2", "all": 2}
