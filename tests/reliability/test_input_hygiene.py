"""Hostile input on every vendor: path traversal in ids and file names, SQL metacharacters, invalid UTF-8, wrong
content types and duplicated parameters get a vendor-shaped answer below 500, and stored data is unchanged (or,
for text that is valid data, stored verbatim)."""

import json
from pathlib import Path

import pytest

from tests.credentials import VENDORS, admin_headers
from tests.shapes import ERROR_SHAPES, body_of, is_detail

IDEASCALE = {"api_token": "00000000-0000-4000-8000-000000000001"}
TRAVERSAL = ["..%2F..%2F..%2Fetc%2Fpasswd", "..%252F..%252Fetc%252Fpasswd", "%2e%2e%2f%2e%2e%2fapp%2fmain.py"]
SQL = ["1' OR '1'='1", "1; DROP TABLE ushahidi_post; --", "1 UNION SELECT * FROM crowdmock_secret"]

# Reads of one record (the id is replaced) and of files, per vendor.
RECORD_PATHS = {
    "crowdskout": "/crowdskout/v1/attribute/{}",
    "crowdynews": "/crowdynews/collection/inputs/{}",
    "dosomething": "/dosomething/api/v1/campaigns/{}",
    "ideascale": "/ideascale/a/rest/v1/ideas/{}",
    "ushahidi": "/ushahidi/api/v3/posts/{}",
}
FILE_PATHS = [
    ("dosomething", "/dosomething/sites/default/files/{}"),
    ("ideascale", "/ideascale/a/avatars/{}"),
]


# Query parameters the vendors read as numbers (limits, pages, ids, times), beyond those their OpenAPI documents list,
# and numbers no 64-bit column or Python datetime holds.
NUMERIC_PARAMETERS = [
    *("limit", "offset", "page", "size", "count", "pagesize", "since", "until", "user_id", "form_id", "parent"),
    *("parent_id", "level", "nid", "id", "random", "within_km", "timeline_interval", "group_by_tags"),
    *("created_before", "created_after", "date_before", "date_after", "Names_limit"),
]
OUT_OF_RANGE = ["9" * 34, "-" + "9" * 34, "9223372036854775808", "1e400", "abc"]
PATH_VALUES = {"contract": "my-contract", "ident": "565d4de40f6e5595f6e68111"}


@pytest.fixture
def creds(client):
    """Request headers per vendor: its administrator's credentials."""
    return {vendor: admin_headers(client.post, vendor) for vendor in RECORD_PATHS}


def _snapshot(client):
    return client.get("/__admin/snapshot").json()["vendors"]


def _vendor_shaped(vendor, response) -> None:
    body = body_of(response)
    where = f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text[:200]}"
    assert response.status_code < 500 and not is_detail(body), where
    if response.status_code >= 400:
        assert ERROR_SHAPES[vendor](body), where
    assert "root:" not in response.text and "create_app" not in response.text, where  # no file contents


def test_hostile_ids_and_file_names_are_vendor_shaped_and_change_nothing(client, creds):
    before = _snapshot(client)
    for vendor, template in RECORD_PATHS.items():
        for ident in TRAVERSAL + SQL:
            _vendor_shaped(vendor, client.get(template.format(ident), headers=creds[vendor]))
            _vendor_shaped(vendor, client.delete(template.format(ident), headers=creds[vendor]))
    for vendor, template in FILE_PATHS:
        for name in TRAVERSAL:
            response = client.get(template.format(name), headers=creds[vendor])
            _vendor_shaped(vendor, response)
            assert response.status_code == 404
    assert _snapshot(client) == before


def test_sql_metacharacters_in_queries_are_plain_text(client, creds):
    before = _snapshot(client)
    searches = [
        ("ushahidi", "/ushahidi/api/v3/posts", {"q": SQL[0]}),
        ("ideascale", "/ideascale/a/rest/v1/ideas/search", {"query": SQL[1]}),
        ("crowdynews", "/crowdynews/collection/inputs", {"contract_id": SQL[2]}),
        ("dosomething", "/dosomething/api/v1/campaigns", {"ids": SQL[0]}),
        ("crowdskout", "/crowdskout/v1/profile/1", {"collections": "Names", "Names_FirstName": SQL[0]}),
    ]
    for vendor, path, params in searches:
        response = client.get(path, params=params, headers=creds[vendor])
        _vendor_shaped(vendor, response)
    assert client.get("/ushahidi/api/v3/posts", params={"q": SQL[0]}).json()["total_count"] == 0
    assert _snapshot(client) == before


def test_sql_metacharacters_in_data_are_stored_verbatim(client, creds):
    text = "Robert'); DROP TABLE ideascale_idea;-- \" \\ %_ \u2603"
    created = client.post("/ideascale/a/rest/v1/ideas/352809/comment", json={"text": text}, headers=IDEASCALE)
    assert created.status_code == 200
    assert client.get(f"/ideascale/a/rest/v1/comments/{created.json()['id']}", headers=IDEASCALE).json()["text"] == text
    assert client.get("/ideascale/a/rest/v1/ideas/352809", headers=IDEASCALE).status_code == 200


WRITES = {
    "crowdskout": ("POST", "/crowdskout/v1/profile"),
    "crowdynews": ("POST", "/crowdynews/collection/lists"),
    "dosomething": ("POST", "/dosomething/api/v1/campaigns/1672/reportback"),
    "ideascale": ("POST", "/ideascale/a/rest/v1/ideas/352809/comment"),
    "ushahidi": ("POST", "/ushahidi/api/v3/posts"),
}
BAD_BODIES = [
    ("application/json", b'{"text": "\xff\xfe broken"}'),
    ("application/json", b"\xff\xfe\xfd"),
    ("application/x-www-form-urlencoded", b"text=%FF%FE&title=\xff"),
    ("text/plain", b"just some text"),
    ("application/xml", b"<idea><text>x</text></idea>"),
]


@pytest.mark.parametrize("vendor", sorted(WRITES))
def test_undecodable_bodies_and_wrong_content_types_change_nothing(client, creds, vendor):
    method, path = WRITES[vendor]
    before = _snapshot(client)
    for content_type, body in BAD_BODIES:
        headers = {**creds[vendor], "Content-Type": content_type} if content_type else creds[vendor]
        response = client.request(method, path, content=body, headers=headers)
        _vendor_shaped(vendor, response)
        refused = response.status_code >= 400 or (vendor == "dosomething" and response.json() == [False])
        assert refused, (content_type, body, response.text)  # DoSomething's negative answer is 200 [false]
    assert _snapshot(client) == before


def test_a_broken_multipart_body_reads_as_empty_input(client, creds):
    """PHP (and so Laravel and Drupal) parse a broken multipart body as no fields at all: the vendor answers as it
    would to an empty form, never with a server error."""
    for vendor, (method, path) in sorted(WRITES.items()):
        headers = {**creds[vendor], "Content-Type": "multipart/form-data; boundary=nope"}
        _vendor_shaped(vendor, client.request(method, path, content=b"--nope\r\nbroken", headers=headers))


def test_duplicated_parameters_are_answered(client, creds):
    cases = [
        ("ushahidi", "/ushahidi/api/v3/posts?limit=1&limit=2&offset=0&offset=x"),
        ("ideascale", "/ideascale/a/rest/v1/ideas/search?query=a&query=b&discussionIDs=1&discussionIDs=x"),
        ("crowdynews", "/crowdynews/q/v1/content/nation?count=5&count=500&sort=time&sort=kudos"),
        ("dosomething", "/dosomething/api/v1/campaigns?count=2&count=x&page=1&page=2"),
        ("crowdskout", "/crowdskout/v1/profile/1?collections=Names&collections=Emails"),
    ]
    before = _snapshot(client)
    for vendor, url in cases:
        _vendor_shaped(vendor, client.get(url, headers=creds[vendor]))
    assert _snapshot(client) == before


@pytest.mark.parametrize("vendor", VENDORS)
def test_out_of_range_numbers_in_queries_are_answered(client, vendor):
    """Every GET of the vendor's OpenAPI document, each numeric query parameter out of range: never a 500."""
    headers = admin_headers(client.post, vendor)
    recorded = json.loads((Path(__file__).parents[2] / "app" / "vendors" / vendor / "openapi.json").read_text())
    extra = {"collections": "Names"} if vendor == "crowdskout" else {}
    for template, operations in recorded["paths"].items():
        parameters = operations.get("get", {}).get("parameters", [])
        path = template
        for p in parameters:
            if p["in"] == "path":
                path = path.replace("{" + p["name"] + "}", PATH_VALUES.get(p["name"], "1"))
        # Each documented parameter alone, then all the numeric ones at once (one request per value keeps it quick).
        queries = [[p["name"]] for p in parameters if p["in"] == "query"]
        queries.append(NUMERIC_PARAMETERS)
        for query in queries:
            for value in OUT_OF_RANGE:
                params = {**extra, **dict.fromkeys(query, value)}
                _vendor_shaped(vendor, client.get(f"/{vendor}{path}", params=params, headers=headers))
