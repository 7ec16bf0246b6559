"""The OpenAPI documents are complete: every operation says what it answers on success, every path parameter has
a type, and every write that reads a body describes it. The recorded shapes (app/vendors/<vendor>/openapi.json,
`make openapi`) are merged without overriding what the code declares."""

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from crowdmock.core.openapi import _untyped, document_recorded
from crowdmock.vendors import VENDORS
from tests.openapi_recorder import build, infer

DOCUMENTS = [*VENDORS, "__admin"]
# Writes that take no body: the call itself is the request.
NO_BODY = {
    "PUT /v1/segment/scan",  # Crowdskout: the query is a URL parameter
    "POST /api/v1/auth/logout",
    "POST /api/v1/auth/token",
    "POST /a/rest/v1/ideas/{idea_id}/vote/down",
    "PUT /api/v3/posts/{post_id}/lock",
    "POST /api/v3/csv/{csv_id}/import",
    "POST /reset",
    # docs/vendors/ushahidi.md §1.19, §1.20: an API key's create and update draw a new key whatever the body says; a
    # subscription's user and set cannot change, so its update reads nothing.
    "POST /api/v3/apikeys",
    "PUT /api/v3/apikeys/{key_id}",
    "PUT /api/v3/notifications/{item_id}",
}
# Operations the real server never answers with a success, so their documents list none.
NO_SUCCESS = {
    "GET /api/v3/hxl/metadata",  # docs/vendors/ushahidi.md §1.17: listing HXL metadata is 403 for everyone
}


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _described(status: str, answer: dict) -> bool:
    if status == "204" or status.startswith("3"):
        return True
    contents = answer.get("content", {})
    return bool(contents) and all(
        not media.endswith("json") or not _untyped(c.get("schema")) for media, c in contents.items()
    )


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_operation_is_described(client, name):
    document = client.get(f"/{name}/openapi.json").json()
    problems = []
    for key, operation in _operations(document):
        successes = {s: a for s, a in operation["responses"].items() if s[0] in "23"}
        if key in NO_SUCCESS:
            if successes:
                problems.append(f"{key}: a success answer the server never gives")
        elif not successes or not all(_described(s, a) for s, a in successes.items()):
            problems.append(f"{key}: success answer without a shape")
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and _untyped(parameter["schema"]):
                problems.append(f"{key}: path parameter {parameter['name']} without a type")
        if key.split()[0] in ("POST", "PUT", "PATCH") and "requestBody" not in operation and key not in NO_BODY:
            problems.append(f"{key}: no request body")
    assert problems == []


def test_documents_show_real_shapes(client):
    ushahidi = client.get("/ushahidi/openapi.json").json()["paths"]
    post = ushahidi["/api/v3/posts/{post_id}"]["get"]
    assert post["parameters"][0]["schema"]["type"] == "integer"
    answer = post["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["properties"]["title"]["type"] == ["string", "null"]
    assert answer["properties"]["values"] == {}  # the caller's own fields (schemas.OPEN_FIELDS)
    tag = ushahidi["/api/v3/tags"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert tag["properties"]["type"]["enum"] == ["category", "status"]
    assert "tag" in tag["required"]
    ideascale = client.get("/ideascale/openapi.json").json()["paths"]
    paged = ideascale["/a/rest/v1/ideas/{page}/{size}/{order}"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("minimum") for p in paged} == {"page": 0, "size": 1, "order": None}
    contracts = client.get("/crowdynews/openapi.json").json()["paths"]["/v1/customer/contracts"]
    assert contracts["post"]["requestBody"]["content"]["application/json"]["schema"]["required"] == ["name"]
    assert "201" in contracts["post"]["responses"] and "200" not in contracts["post"]["responses"]
    assert [p["name"] for p in contracts["get"]["parameters"]] == ["contract_id"]


def test_recorded_shapes_fill_gaps_and_follow_the_handler(tmp_path):
    app = FastAPI()

    def one(item_id: int) -> JSONResponse:
        return JSONResponse({})

    app.add_api_route("/items/{item_id}", one, methods=["GET"])
    app.add_api_route("/v1/items/{item_id}", one, methods=["GET"])
    recorded = {"type": "object", "properties": {"id": {"type": "integer"}}}
    source = tmp_path / "openapi.json"
    source.write_text(
        '{"paths": {"/items/{item_id}": {"get": {"parameters": [{"name": "q", "in": "query", "required": false, '
        '"schema": {"type": "string"}}], "responses": {"200": {"content": {"application/json": {"schema": '
        + __import__("json").dumps(recorded)
        + "}}}}}}}}"
    )
    document_recorded(app, source, lambda path, name: {"minimum": 1} if name == "item_id" else None)
    paths = app.openapi()["paths"]
    for path in ("/items/{item_id}", "/v1/items/{item_id}"):  # the alias borrows the recording of its handler
        operation = paths[path]["get"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == recorded
        assert [p["name"] for p in operation["parameters"]] == ["item_id", "q"]
        assert operation["parameters"][0]["schema"]["type"] == "integer"  # declared by the code, kept
        assert operation["parameters"][0]["schema"]["minimum"] == 1


def test_inference_is_narrow_for_requests_and_open_for_answers():
    sent = [{"name": "a", "tags": ["x"], "n": 3}, {"name": "b", "tags": ["y"]}]
    request = infer(sent)
    assert request["required"] == ["name", "tags"]
    assert request["properties"]["name"] == {"type": "string", "minLength": 1, "pattern": r"\S"}
    assert request["properties"]["tags"]["minItems"] == 1
    assert request["properties"]["n"] == {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
    answer = infer([{"id": 1, "parent": None, "values": {"5": [1]}}], answer=True)
    assert "required" not in answer
    assert answer["properties"]["id"] == {"type": ["integer", "null"]}
    assert answer["properties"]["parent"] == {}  # seen only as null: could be anything
    assert "additionalProperties" in answer["properties"]["values"]  # keyed by ids: a map


def test_build_keeps_successes_and_redirects_only():
    line = {
        "vendor": "ushahidi",
        "method": "GET",
        "path": "/api/v3/tags/{tag_id}",
        "path_params": {"tag_id": "1"},
        "query": "",
        "request_type": "",
        "request": "",
        "response_type": "application/json",
    }
    documents = build(
        [
            {**line, "status": 200, "response": '{"id": 1}'},
            {**line, "status": 404, "response": '{"errors": []}', "path_params": {"tag_id": "x"}},
        ]
    )
    operation = documents["ushahidi"]["paths"]["/api/v3/tags/{tag_id}"]["get"]
    assert list(operation["responses"]) == ["200"]
    assert operation["parameters"][0]["schema"] == {"type": "integer", "minimum": 0}


def test_build_lays_rules_across_fields_over_the_whole_body():
    """schemas.request_fields() `METHOD path` entries: what no single field can say (Ushahidi: a new message needs
    a type unless it replies to one)."""
    line = {
        "vendor": "ushahidi",
        "method": "POST",
        "path": "/api/v3/messages",
        "path_params": {},
        "query": "",
        "request_type": "application/json",
        "status": 200,
        "response_type": "application/json",
        "response": '{"id": 1}',
    }
    documents = build(
        [
            {**line, "request": '{"message": "Hello", "type": "sms"}'},
            {**line, "request": '{"message": "Thanks", "parent_id": 1}'},
        ]
    )
    body = documents["ushahidi"]["paths"]["/api/v3/messages"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["required"] == ["message"]
    assert body["schema"]["anyOf"] == [{"required": ["type"]}, {"required": ["parent_id"]}]
