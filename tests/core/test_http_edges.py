"""HTTP details every vendor shares: HEAD wherever GET is, a 405's Allow naming every method of the path, paths
that Starlette's mounts cannot match, and OpenAPI documents that list the vendor's own errors."""

import json

import pytest

IDEASCALE = {"api_token": "00000000-0000-4000-8000-000000000001"}
GETS = {
    "crowdskout": ("/crowdskout/v1/attribute", {"Authorization": "Bearer abcd1234"}),
    "crowdynews": ("/crowdynews/q/v1/collections/5617895587c6f35d3b9a2b6f", {}),
    "dosomething": ("/dosomething/api/v1/campaigns/362", {}),
    "ideascale": ("/ideascale/a/rest/v1/ideas/352809", IDEASCALE),
    "ushahidi": ("/ushahidi/api/v3/posts/8328", {}),
}
VOLATILE = {"x-request-id", "date", "content-length"}  # per request (HEAD also drops the length of no body)


@pytest.mark.parametrize("vendor", sorted(GETS))
def test_head_answers_like_get_without_a_body(client, vendor):
    path, headers = GETS[vendor]
    get, head = client.get(path, headers=headers), client.head(path, headers=headers)
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    same = {k: v for k, v in get.headers.items() if k not in VOLATILE}
    assert {k: v for k, v in head.headers.items() if k not in VOLATILE} == same


def test_allow_names_every_method_of_the_path(client):
    response = client.patch("/ushahidi/api/v3/posts")
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    assert response.json()["errors"][0]["message"].endswith("Supported methods: GET, HEAD, POST, OPTIONS.")
    members = client.patch("/ideascale/a/rest/v1/members", headers=IDEASCALE)
    assert members.status_code == 405 and members.headers["allow"] == "GET, HEAD, POST"
    assert members.json() == {"key": "METHOD_NOT_ALLOWED", "message": "Request method not supported"}


def test_a_newline_in_the_path_still_reaches_the_vendor(client):
    response = client.get("/crowdynews/q/v1/content/%0A0")
    assert response.status_code == 404
    assert response.json()["errors"] == [{"name": "NotFoundError", "message": "Contract \n0 was not found."}]
    assert client.get("/ushahidi/api/v3/posts/%0A").json() == {"errors": [{"status": 404}]}
    outside = client.get("/nowhere%0A")
    assert (outside.status_code, outside.json()) == (404, {"error": "not found", "problems": []})


ERRORS = {
    "crowdskout": ("CrowdskoutError", {"400", "401", "404", "405", "413", "500"}),
    "crowdynews": ("CrowdynewsError", {"400", "401", "403", "404", "405", "409", "413", "500"}),
    "dosomething": ("ServicesError", {"401", "403", "404", "406", "413", "500"}),
    "ideascale": ("IdeaScaleError", {"400", "403", "404", "405", "413", "500"}),
    "ushahidi": ("UshahidiError", {"400", "401", "403", "404", "405", "413", "422", "500"}),
}


@pytest.mark.parametrize("vendor", sorted(ERRORS))
def test_openapi_documents_the_vendors_errors(client, vendor):
    name, statuses = ERRORS[vendor]
    document = client.get(f"/{vendor}/openapi.json").json()
    assert "HTTPValidationError" not in json.dumps(document)
    assert name in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert statuses <= set(responses), (method, path)
            for status in statuses:
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": f"#/components/schemas/{name}"}, (method, path, status)


def test_admin_openapi_documents_its_errors(client):
    document = client.get("/__admin/openapi.json").json()
    assert "HTTPValidationError" not in json.dumps(document)
    for item in document["paths"].values():
        for operation in item.values():
            assert {"400", "404", "422"} <= set(operation["responses"])
