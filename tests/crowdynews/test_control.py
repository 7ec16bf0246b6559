"""The Control API resources: documented examples, CRUD with 201/204, bulk delete, validation, contract
access, conditional GETs, with and without /v1."""

import pytest

from tests.crowdynews.conftest import CONTRACT_1, CONTRACT_2, OTHER_CONTRACT, TokenClient
from tests.crowdynews.test_auth import assert_error

DOCUMENTED_CONTRACT = {
    "_id": "5617895587c6f35d3b9a2b6f", "name": "My Contract", "slug": "My_Contract", "label": "Custom Label",
    "active": True, "customerId": "56a587c26e7bb91c509285b8", "productId": "47ac87c26e7bb91a109325c3",
    "filterId": "37ab57c26e7bb91c509885c8", "createdBy": "Example User", "lastModifiedBy": "Example User",
    "created": "2016-03-02T13:05:14.137Z", "lastModified": "2016-03-02T14:04:10.126Z",
}  # fmt: skip
DOCUMENTED_INPUT = {
    "_id": "565d4de40f6e5595f6e68111", "created": "2016-03-22T15:01:49.081Z", "createdBy": "John Doe",
    "lastModified": "2016-03-22T15:01:49.081Z", "lastModifiedBy": "John Doe", "active": True, "display": True,
    "service": "twitter", "type": "user", "input": "crowdynews",
    "contractId": "565c4df4056e859526e62257", "collectionId": "565d4de4046e659546e62151",
}  # fmt: skip


def test_my_contracts(api):
    response = api.get("/customer/contracts/me")
    assert response.status_code == 200
    contracts = response.json()
    assert contracts[0] == DOCUMENTED_CONTRACT and list(contracts[0]) == list(DOCUMENTED_CONTRACT)
    assert [c["_id"] for c in contracts] == [CONTRACT_1, CONTRACT_2]


def test_documented_input_and_set(api):
    inputs = api.get("/collection/inputs", params={"contract_id": CONTRACT_2}).json()
    assert inputs[0] == DOCUMENTED_INPUT and list(inputs[0]) == list(DOCUMENTED_INPUT)
    one = api.get(f"/collection/inputs/{DOCUMENTED_INPUT['_id']}").json()
    assert one == DOCUMENTED_INPUT
    sets = api.get("/collection/sets", params={"contract_id": CONTRACT_2}).json()
    assert sets[0]["name"] == "Twitter Blacklist"
    assert list(sets[0]) == ["_id", "created", "lastModified", "lastModifiedBy", "createdBy", "contractId", "name",
                             "preCondition", "active", "rules", "or"]  # fmt: skip
    filtered = api.get(
        "/collection/inputs", params={"contract_id": CONTRACT_2, "collection_id": "565d4de4046e659546e62152"}
    )
    assert [i["service"] for i in filtered.json()] == ["instagram"]


def test_paths_with_and_without_v1(client, token):
    bare = TokenClient(client, "/crowdynews", token)
    assert bare.get("/collection/lists", params={"contract_id": CONTRACT_2}).json()[0]["type"] == "patterns"
    assert (
        bare.get("/filter/lists", params={"contract_id": CONTRACT_2}).json()
        == bare.get("/collection/lists", params={"contract_id": CONTRACT_2}).json()
    )


def test_input_lifecycle(api):
    body = {
        "service": "instagram",
        "type": "location",
        "input": "groningen",
        "contractId": CONTRACT_2,
        "collectionId": "565d4de4046e659546e62151",
        "latitude": 53.2216,
        "longitude": 6.4945,
        "radius": 5,
    }
    created = api.post("/collection/inputs", json=body)
    assert created.status_code == 201
    doc = created.json()
    assert len(doc["_id"]) == 24 and int(doc["_id"], 16) >= 0
    assert list(doc)[:5] == ["_id", "created", "createdBy", "lastModified", "lastModifiedBy"]
    assert doc["createdBy"] == "crowdmock" and doc["created"].endswith("Z") and doc["active"] is True
    patched = api.patch(f"/collection/inputs/{doc['_id']}", json={"input": "amsterdam", "active": False})
    assert patched.status_code == 200 and (patched.json()["input"], patched.json()["active"]) == ("amsterdam", False)
    assert patched.json()["created"] == doc["created"]
    replaced = api.put(f"/collection/inputs/{doc['_id']}", json={**body, "service": "twitter", "type": "keyword"})
    assert replaced.json()["service"] == "twitter" and replaced.json()["active"] is True
    by_query = api.patch("/collection/inputs", params={"id": doc["_id"]}, json={"display": False})
    assert by_query.json()["display"] is False
    deleted = api.delete(f"/collection/inputs/{doc['_id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(api.get(f"/collection/inputs/{doc['_id']}"), 404, "NotFoundError")


def test_bulk_delete(api):
    ids = [
        api.post("/collection/lists", json={"name": f"L{n}", "type": "strings", "contractId": CONTRACT_2}).json()["_id"]
        for n in range(3)
    ]
    response = api.request("DELETE", "/collection/lists", json={"ids": ids[:2]})
    assert response.status_code == 204
    names = [x["name"] for x in api.get("/collection/lists", params={"contract_id": CONTRACT_2}).json()]
    assert "L0" not in names and "L1" not in names and "L2" in names
    missing = api.request("DELETE", "/collection/lists", json={"ids": [ids[2], "0" * 24]})
    assert_error(missing, 404, "NotFoundError")
    assert "L2" in [x["name"] for x in api.get("/collection/lists", params={"contract_id": CONTRACT_2}).json()]
    assert_error(
        api.request("DELETE", "/collection/lists", json={"ids": []}), 400, "ValidationError", propertyName="ids"
    )


@pytest.mark.parametrize(
    ("path", "body", "prop", "reason"),
    [
        (
            "/collection/inputs",
            {"type": "user", "input": "x", "contractId": CONTRACT_2, "collectionId": "565d4de4046e659546e62151"},
            "service",
            "required",
        ),
        (
            "/collection/inputs",
            {
                "service": "myspace",
                "type": "user",
                "input": "x",
                "contractId": CONTRACT_2,
                "collectionId": "565d4de4046e659546e62151",
            },
            "service",
            "enum",
        ),
        (
            "/collection/inputs",
            {
                "service": "facebook",
                "type": "user",
                "input": "x",
                "contractId": CONTRACT_2,
                "collectionId": "565d4de4046e659546e62151",
            },
            "type",
            "enum",
        ),
        (
            "/collection/inputs",
            {
                "service": "twitter",
                "type": "location",
                "input": "x",
                "contractId": CONTRACT_2,
                "collectionId": "565d4de4046e659546e62151",
                "latitude": 91,
                "longitude": 0,
                "radius": 1,
            },
            "latitude",
            "range",
        ),
        (
            "/collection/inputs",
            {
                "service": "twitter",
                "type": "user",
                "input": {"text": "x"},
                "contractId": CONTRACT_2,
                "collectionId": "565d4de4046e659546e62151",
            },
            "input",
            "cast",
        ),
        (
            "/collection/inputs",
            {"service": "twitter", "type": "user", "input": "x", "contractId": CONTRACT_2, "collectionId": "0" * 24},
            "collectionId",
            "exists",
        ),
        ("/collection/sets", {"name": "Twitter Blacklist", "contractId": CONTRACT_2}, "name", "unique"),
        (
            "/collection/sets",
            {"name": "S", "contractId": CONTRACT_2, "rules": [{"operator": "like", "field": "x"}]},
            "rules[0].operator",
            "enum",
        ),
        (
            "/collection/lists",
            {"name": "P", "type": "patterns", "contractId": CONTRACT_2, "entries": ["no slashes"]},
            "entries[0]",
            "regexp",
        ),
        ("/collection/chains", {"name": "C", "contractId": CONTRACT_2, "sets": ["0" * 24]}, "sets", "exists"),
        ("/collection/collections", {"name": "X", "type": "weekly", "contractId": CONTRACT_2}, "type", "enum"),
        (
            "/publication/customizations",
            {"name": "C", "type": "html", "data": "x", "contractId": CONTRACT_2},
            "type",
            "enum",
        ),
        ("/customer/contracts", {"name": "New", "email": "1234"}, "email", "regexp"),
    ],
)
def test_validation_errors_name_the_property(api, path, body, prop, reason):
    before = api.get(path, params={"contract_id": CONTRACT_2}).json()
    error = assert_error(api.post(path, json=body), 400, "ValidationError", propertyName=prop, reason=reason)
    assert "propertyValue" in error or reason in ("required",)
    assert api.get(path, params={"contract_id": CONTRACT_2}).json() == before


def test_documented_email_validation_error(api):
    response = api.post("/customer/contracts", json={"name": "New", "email": "1234"})
    assert response.json()["errors"] == [
        {
            "name": "ValidationError",
            "message": "The provided email address is invalid.",
            "propertyName": "email",
            "propertyValue": "1234",
            "reason": "regexp",
        }
    ]


def test_contract_access(api):
    foreign = api.post("/collection/lists", json={"name": "X", "type": "strings", "contractId": OTHER_CONTRACT})
    assert_error(foreign, 403, "ForbiddenError")
    assert_error(api.get("/collection/inputs", params={"contract_id": OTHER_CONTRACT}), 403, "ForbiddenError")
    assert_error(api.get("/collection/collections/5700000000000000000000d1"), 403, "ForbiddenError")
    cross = {
        "service": "twitter",
        "type": "user",
        "input": "x",
        "contractId": CONTRACT_1,
        "collectionId": "565d4de4046e659546e62151",
    }
    assert_error(api.post("/collection/inputs", json=cross), 403, "ForbiddenError")
    assert_error(api.get("/collection/inputs"), 400, "ValidationError", propertyName="contract_id", reason="required")


def test_collections_carry_their_content_uris(api, client):
    created = api.post(
        "/collection/collections", json={"name": "Breaking Now", "type": "breakingburner", "contractId": CONTRACT_2}
    )
    doc = created.json()
    assert created.status_code == 201 and doc["slug"] == "breaking-now"
    assert doc["contentUri"] == "http://testserver/crowdynews/q/v1/content/my-contract?q=breaking-now"
    assert client.get(doc["contentUri"]).status_code == 200
    names = [c["name"] for c in client.get("/crowdynews/q/v1/collections/my-contract").json()]
    assert "Breaking Now" in names


def test_customization_versions(api):
    body = {
        "name": "My JavaScript Customization",
        "contractId": CONTRACT_2,
        "type": "js",
        "data": "console.log('Hello world!');",
    }
    created = api.post("/publication/customizations", json=body)
    assert created.status_code == 201 and created.json()["version"] == "1" and created.json()["active"] is True
    changed = api.patch(f"/publication/customizations/{created.json()['_id']}", json={"data": "console.log(2);"})
    assert changed.json()["version"] == "2"


def test_publications(api):
    body = {
        "contractId": CONTRACT_2,
        "name": "Sidebar",
        "definitionId": "widget-list",
        "properties": {"width": 200, "height": 400},
        "output": [{"collectionId": "565d4de4046e659546e62151", "label": "Nation", "active": True}],
    }
    created = api.post("/publication/publications", json=body)
    assert created.status_code == 201 and created.json()["output"][0]["label"] == "Nation"
    bad = {**body, "output": [{"collectionId": "5700000000000000000000d1"}]}
    assert_error(api.post("/publication/publications", json=bad), 403, "ForbiddenError")


def test_conditional_gets(api):
    first = api.get("/collection/inputs", params={"contract_id": CONTRACT_2})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"] == "private, max-age=0, must-revalidate"
    not_modified = api.get("/collection/inputs", params={"contract_id": CONTRACT_2}, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b"" and not_modified.headers["etag"] == etag
    since = api.get("/collection/inputs", params={"contract_id": CONTRACT_2}, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    api.patch(f"/collection/inputs/{DOCUMENTED_INPUT['_id']}", json={"display": False})
    changed = api.get("/collection/inputs", params={"contract_id": CONTRACT_2}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_bad_bodies(api):
    response = api.post("/collection/lists", content=b"{nope", headers={"Content-Type": "application/json"})
    assert_error(response, 400, "BadRequestError")
    assert_error(api.post("/collection/lists", json=[1, 2]), 400, "BadRequestError")
    assert_error(api.get("/collection/nothing"), 404, "NotFoundError")
    moved = api.patch(f"/collection/inputs/{DOCUMENTED_INPUT['_id']}", json={"contractId": CONTRACT_1})
    assert_error(moved, 400, "ValidationError", propertyName="contractId", reason="immutable")


def test_every_unique_field_is_looked_up_through_an_index(app):
    """check_unique runs on every write; a scan of every document of the kind made inserts slow down as they grew."""
    from sqlalchemy import select

    from crowdmock.core.dialect import json_field_is
    from crowdmock.vendors.crowdynews.models import UNIQUE_FIELDS, Resource
    from crowdmock.vendors.crowdynews.resources import KINDS

    assert {name for kind in KINDS.values() for name in kind.unique} <= set(UNIQUE_FIELDS)
    engine = app.state.store.engine
    with engine.connect() as conn:
        for name in UNIQUE_FIELDS:
            query = select(Resource.id).where(Resource.kind == "sets", json_field_is(Resource.doc, name, "x"))
            sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
            if engine.dialect.name == "sqlite":
                plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").fetchall()
                assert f"USING INDEX ix_crowdynews_resource_{name}" in str(plan)
            else:  # a small table is scanned anyway; without scans, the index must serve the lookup
                conn.exec_driver_sql("SET enable_seqscan = off")
                plan = conn.exec_driver_sql(f"EXPLAIN {sql}").fetchall()
                assert f"ix_crowdynews_resource_{name}" in str(plan)


def test_a_list_reads_one_contracts_documents_through_an_index(app, api):
    """A list of one contract's documents of a kind, and a write's unique-name lookup, each go through their own
    index, not through every document of the kind (of every contract)."""
    from sqlalchemy import event

    engine = app.state.store.writer

    recorded: dict[int, tuple] = {}  # by execution (kept alive): the writer's statements reach both engines' events

    def record(_conn, _cursor, statement, parameters, context, _executemany):
        if statement.startswith("SELECT crowdynews_resource.") and "WHERE crowdynews_resource.kind" in statement:
            recorded[id(context)] = (statement, parameters, context)

    targets = {id(e): e for e in (engine, app.state.store.engine)}.values()
    for target in targets:
        event.listen(target, "before_cursor_execute", record)
    try:
        assert api.post("/filter/sets", json={"contractId": CONTRACT_2, "name": "indexed"}).status_code == 201
        assert api.get("/filter/sets", params={"contract_id": CONTRACT_2}).status_code == 200
        assert api.post("/customer/contracts", json={"name": "Indexed", "slug": "indexed"}).status_code == 201
    finally:
        for target in targets:
            event.remove(target, "before_cursor_execute", record)
    seen = [(statement, parameters) for statement, parameters, _ in recorded.values()]
    assert [("json" in s, "ORDER BY" in s) for s, _ in seen] == [(True, False), (False, True), (True, False)]
    expected = ["ix_crowdynews_resource_name", "ix_crowdynews_resource_list", "ix_crowdynews_resource_slug_customer"]
    with engine.connect() as conn:
        for (statement, parameters), index in zip(seen, expected, strict=True):
            if engine.dialect.name == "sqlite":
                plan = str(conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall())
            else:  # a small table is scanned anyway; without scans, an index of the lookup must serve it
                conn.exec_driver_sql("SET enable_seqscan = off")
                plan = str(conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).fetchall())
                index = index.removesuffix("_customer")  # PostgreSQL has statistics: either slug index will do
            assert index in plan, plan


def test_unique_names_are_per_contract_and_kind_and_slugs_per_customer(client, api):
    """check_unique's prebuilt lookups: a name taken in the contract is refused for the kind, allowed in another
    contract and for another kind; a document keeps its own name; a contract's slug is unique per customer."""
    from tests.crowdynews.conftest import OTHER_BASIC, get_token

    created = api.post("/filter/sets", json={"contractId": CONTRACT_1, "name": "Same"})
    assert created.status_code == 201
    assert api.get(f"/filter/sets/{created.json()['_id']}").json() == created.json()
    duplicate = api.post("/filter/sets", json={"contractId": CONTRACT_1, "name": "Same"})
    error = assert_error(duplicate, 400, "ValidationError", propertyName="name", reason="unique")
    assert error["propertyValue"] == "Same"
    assert api.post("/filter/sets", json={"contractId": CONTRACT_2, "name": "Same"}).status_code == 201
    assert (
        api.post("/filter/lists", json={"contractId": CONTRACT_1, "name": "Same", "type": "strings"}).status_code == 201
    )
    same = api.patch(f"/filter/sets/{created.json()['_id']}", json={"name": "Same", "active": False})
    assert same.status_code == 200 and same.json()["active"] is False
    names = [s["name"] for s in api.get("/filter/sets", params={"contract_id": CONTRACT_1}).json()]
    assert names.count("Same") == 1

    assert api.post("/customer/contracts", json={"name": "Slugged", "slug": "slugged"}).status_code == 201
    taken = api.post("/customer/contracts", json={"name": "Other", "slug": "slugged"})
    assert_error(taken, 400, "ValidationError", propertyName="slug", reason="unique")
    other = TokenClient(client, "/crowdynews/v1", get_token(client, OTHER_BASIC)["access_token"])
    assert other.post("/customer/contracts", json={"name": "Theirs", "slug": "slugged"}).status_code == 201


def test_a_name_holding_u0000_is_stored_as_each_backend_can(api, settings):
    """PostgreSQL's jsonb cannot hold U+0000 (the unique-name lookup compares names as jsonb; it answered 500):
    there crowdmock stores U+FFFD in its place, as in its text columns (docs/scaling-out.md), and the name stays
    unique. SQLite keeps the name as given."""
    created = api.post("/filter/sets", json={"contractId": CONTRACT_1, "name": "nul\u0000name"})
    assert created.status_code == 201
    assert created.json()["name"] == "nul\u0000name"  # the answer to the write itself is the same
    on_postgresql = settings.database_url.startswith("postgresql")
    stored = "nul\ufffdname" if on_postgresql else "nul\u0000name"
    assert api.get(f"/filter/sets/{created.json()['_id']}").json()["name"] == stored
    if on_postgresql:  # SQLite's JSON functions stop at U+0000 (docs/vendors/crowdynews.md, what differs)
        again = api.post("/filter/sets", json={"contractId": CONTRACT_1, "name": "nul\u0000name"})
        assert_error(again, 400, "ValidationError", propertyName="name", reason="unique")
