"""Numbers as Node writes them and request values cast as Mongoose casts them (docs/vendors/crowdynews.md §2.7)."""

import re

import pytest

from crowdmock.vendors.crowdynews.casting import inspect, number_text
from tests.crowdynews.conftest import CONTRACT_1, CONTRACT_2
from tests.crowdynews.test_auth import assert_error

COLLECTION = "565d4de4046e659546e62151"
# A whole number written as a float: `30.0` where Node writes `30`.
WHOLE_FLOAT = re.compile(r'":-?\d+\.0[,}\]]')


def item(q, contract: str, slug: str, ident: str) -> tuple[dict, str]:
    response = q.get(f"/content/{contract}", params={"q": slug, "count": 100, "since": 0})
    assert response.status_code == 200
    (found,) = [i for i in response.json() if i["id"] == ident]
    return found, response.text


def test_whole_kudos_scores_are_integers(q):
    found, text = item(q, CONTRACT_1, "sports", "700269246")
    assert found["kudos"] == {"score": 47, "rss_score": 47}
    assert '"kudos":{"score":47,"rss_score":47}' in text
    assert not WHOLE_FLOAT.search(text)


def test_documented_items_show_zero_scores(client, token):
    queue = client.get(f"/crowdynews/q/v1/queue/{CONTRACT_2}", params={"access_token": token, "since": 0})
    assert queue.status_code == 200
    assert '"kudos":{"score":0,"rss_score":0}' in queue.text
    assert not WHOLE_FLOAT.search(queue.text)


def test_stored_floats_from_a_snapshot_are_written_as_integers(client, q):
    snapshot = client.get("/__admin/snapshot", params={"vendor": "crowdynews"}).json()
    rows = snapshot["vendors"]["crowdynews"]["crowdynews_content"]
    (row,) = [r for r in rows if r["id"] == "700269246"]
    row["doc"]["kudos"] = {"score": 12.0, "rss_score": 12.0, "ratio": 0.5}
    assert client.post("/__admin/snapshot", json=snapshot).status_code == 200
    found, text = item(q, CONTRACT_1, "sports", "700269246")
    assert '"kudos":{"score":12,"rss_score":12,"ratio":0.5}' in text


def test_request_numbers_are_answered_and_stored_as_javascript_numbers(api):
    body = {
        "service": "twitter",
        "type": "location",
        "input": "Groningen",
        "contractId": CONTRACT_2,
        "collectionId": COLLECTION,
        "latitude": 53.0,
        "longitude": "6.5",
        "radius": 200.0,
    }
    created = api.post("/collection/inputs", json=body)
    assert created.status_code == 201, created.text
    assert '"latitude":53,"longitude":6.5,"radius":200}' in created.text
    again = api.get(f"/collection/inputs/{created.json()['_id']}")
    assert again.text == created.text


def test_a_numeric_version_is_cast_to_a_string(api):
    body = {"name": "Py", "contractId": CONTRACT_2, "type": "css", "data": "a {}", "version": 1}
    created = api.post("/publication/customizations", json=body)
    assert created.status_code == 201, created.text
    doc = created.json()
    assert (doc["version"], doc["active"]) == ("1", True)
    changed = api.patch(f"/publication/customizations/{doc['_id']}", json={"data": "b {}"})
    assert changed.json()["version"] == "2"


@pytest.mark.parametrize(
    ("field", "sent", "stored"),
    [
        ("active", "false", False),
        ("active", "yes", True),
        ("active", 0, False),
        ("active", "1", True),
        ("name", True, "true"),
        ("name", 2.5, "2.5"),
        ("name", 1e21, "1e+21"),
        ("name", {"_id": "From an object"}, "From an object"),
        ("entries", "/x+/i", ["/x+/i"]),
        ("entries", [1, False], ["1", "false"]),
        ("contractId", {"_id": CONTRACT_2.upper()}, CONTRACT_2),
    ],
)
def test_values_are_cast_as_mongoose_casts_them(api, field, sent, stored):
    body = {"name": "Cast", "contractId": CONTRACT_2, "type": "strings", field: sent}
    created = api.post("/collection/lists", json=body)
    assert created.status_code == 201, created.text
    assert created.json()[field] == stored
    assert api.get(f"/collection/lists/{created.json()['_id']}").json()[field] == stored


def test_rule_fields_are_cast(api):
    rule = {"operator": "equals", "field": "service", "value": 3.0, "not": "false"}
    created = api.post("/collection/sets", json={"name": "Cast", "contractId": CONTRACT_2, "rules": rule})
    assert created.status_code == 201, created.text
    assert created.json()["rules"] == [{"operator": "equals", "field": "service", "value": 3, "not": False}]
    assert '"value":3,' in created.text


def test_an_empty_string_number_is_null(api):
    body = {"service": "twitter", "type": "user", "input": "x", "contractId": CONTRACT_2, "collectionId": COLLECTION}
    created = api.post("/collection/inputs", json={**body, "radius": ""})
    assert created.status_code == 201, created.text
    assert created.json()["radius"] is None


@pytest.mark.parametrize(
    ("path", "field", "sent", "message", "shown"),
    [
        ("/collection/lists", "active", "maybe", 'Cast to Boolean failed for value "maybe" at path "active"', "maybe"),
        ("/collection/lists", "active", 2, 'Cast to Boolean failed for value "2" at path "active"', "2"),
        ("/collection/lists", "name", [1], 'Cast to string failed for value "[ 1 ]" at path "name"', "[1]"),
        (
            "/collection/lists",
            "name",
            {"a": "it's"},
            'Cast to string failed for value "{ a: "it\'s" }" at path "name"',
            '{"a":"it\'s"}',
        ),
        (
            "/collection/lists",
            "entries",
            ["ok", {"a": 1}],
            'Cast to [string] failed for value "[ \'ok\', { a: 1 } ]" at path "entries"',
            '["ok",{"a":1}]',
        ),
        (
            "/collection/lists",
            "contractId",
            "nope",
            'Cast to ObjectId failed for value "nope" at path "contractId"',
            "nope",
        ),
        (
            "/collection/inputs",
            "latitude",
            "north",
            'Cast to Number failed for value "north" at path "latitude"',
            "north",
        ),
        ("/collection/inputs", "radius", "12px", 'Cast to Number failed for value "12px" at path "radius"', "12px"),
        ("/collection/inputs", "radius", [5], 'Cast to Number failed for value "[ 5 ]" at path "radius"', "[5]"),
    ],
)
def test_uncastable_values_are_mongoose_cast_errors(api, path, field, sent, message, shown):
    before = api.get(path, params={"contract_id": CONTRACT_2}).json()
    body = {
        "name": "Bad",
        "type": "strings" if path.endswith("lists") else "user",
        "service": "twitter",
        "input": "x",
        "contractId": CONTRACT_2,
        "collectionId": COLLECTION,
        field: sent,
    }
    if path.endswith("lists"):
        body = {k: v for k, v in body.items() if k in ("name", "type", "contractId", field)}
    response = api.post(path, json=body)
    error = assert_error(response, 400, "ValidationError", propertyName=field, reason="cast")
    assert error == {
        "name": "ValidationError",
        "message": message,
        "propertyName": field,
        "propertyValue": shown,
        "reason": "cast",
    }
    assert api.get(path, params={"contract_id": CONTRACT_2}).json() == before


def test_a_rule_field_that_cannot_be_cast(api):
    rule = {"operator": "equals", "field": "service", "not": "perhaps"}
    response = api.post("/collection/sets", json={"name": "Bad", "contractId": CONTRACT_2, "rules": [rule]})
    error = assert_error(response, 400, "ValidationError", propertyName="rules[0].not", reason="cast")
    assert error["message"] == 'Cast to Boolean failed for value "perhaps" at path "rules[0].not"'


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (30, "30"),
        (30.0, "30"),
        (-0.5, "-0.5"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (2**60, "1152921504606847000"),
        (float("inf"), "Infinity"),
    ],
)
def test_number_text_is_javascripts(value, text):
    assert number_text(value) == text


def test_inspect_is_nodes_one_line_form():
    assert (
        inspect({"a": [1, "b"], "c-d": {}, "e": {"f": {"g": 1}}}) == "{ a: [ 1, 'b' ], 'c-d': {}, e: { f: [Object] } }"
    )
