"""/v1/profile: collections, filters, create/update semantics and value-type validation."""

import re

import pytest

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_get_profile_1_is_the_documented_example(cs):
    response = cs.get("/v1/profile/1?collections=Names,Genders")
    assert response.json() == {
        "success": True,
        "messages": [],
        "data": {
            "id": 1,
            "Names": [
                {
                    "id": 1,
                    "FullName": "Mr. Ferdinand Magellan",
                    "NameTitle": "Mr.",
                    "FirstName": "Ferdinand",
                    "MiddleName": None,
                    "LastName": "Magellan",
                    "NameSuffix": None,
                }
            ],
            "Genders": [{"id": 1, "Gender": {"id": 1, "value": "Male"}}],
        },
    }


def test_only_requested_collections_in_requested_order(cs):
    data = cs.get("/v1/profile/2?collections=Genders,Names").json()["data"]
    assert list(data) == ["id", "Genders", "Names"]


def test_collections_is_required_and_must_be_known(cs):
    missing = cs.get("/v1/profile/1")
    assert missing.status_code == 400
    assert missing.json() == {"success": False, "messages": ["The collections parameter is required."], "data": None}
    unknown = cs.get("/v1/profile/1?collections=Names,Pets")
    assert unknown.status_code == 400 and unknown.json()["messages"] == ["Unknown collections: Pets."]


def test_unknown_profile_is_404(cs):
    response = cs.get("/v1/profile/9999?collections=Names")
    assert response.status_code == 404
    assert response.json()["messages"] == ["Profile 9999 not found."]


def test_every_collection_of_the_reference_is_seeded(cs):
    from crowdmock.vendors.crowdskout.collections import COLLECTIONS

    seen = set()
    for pid in range(1, 33):
        data = cs.get(f"/v1/profile/{pid}?collections={','.join(COLLECTIONS)}").json()["data"]
        seen |= {name for name, items in data.items() if name != "id" and items}
    assert seen == set(COLLECTIONS)


def test_create_parses_full_name_and_tolerates_null_id(cs):
    response = cs.post("/v1/profile", json={"profile": {"id": None, "Names": [{"FullName": "Ferdinand Magellan"}]}})
    data = response.json()["data"]
    assert data["Names"][0] | {"id": 0} == {
        "id": 0,
        "FullName": "Ferdinand Magellan",
        "NameTitle": None,
        "FirstName": "Ferdinand",
        "MiddleName": None,
        "LastName": "Magellan",
        "NameSuffix": None,
    }
    stored = cs.get(f"/v1/profile/{data['id']}?collections=Names").json()["data"]
    assert stored == data


def test_create_ignores_ids_and_drops_invalid_items_silently(cs):
    response = cs.post(
        "/v1/profile",
        json={
            "profile": {
                "id": 1,
                "EmailAddresses": [
                    {"id": 1, "Email": "ok@example.org", "EmailContact": {"id": 1, "value": "Professional"}},
                    {"Email": 42},
                    {"EmailUsable": "Usable"},
                    {},
                ],
            }
        },
    )
    data = response.json()["data"]
    assert data["id"] != 1
    assert [e["Email"] for e in data["EmailAddresses"]] == ["ok@example.org"]
    assert data["EmailAddresses"][0]["id"] != 1


def test_interaction_items_get_uuid_ids(cs):
    data = cs.post(
        "/v1/profile",
        json={
            "profile": {
                "Donations": [
                    {
                        "DonationOrganization": {"id": 1, "value": "Crowdskout"},
                        "DonationWhen": "2014-01-01T12:00:00+00",
                        "DonationAmount": 100.0,
                        "DonationPaidWith": {"id": "check", "value": "Check"},
                        "DonationParent": {"id": "abcd-abcd-abcd-abcd", "collection": "PageViews"},
                    }
                ]
            }
        },
    ).json()["data"]
    assert UUID.match(data["Donations"][0]["id"])
    assert data["Donations"][0]["DonationRecurring"] is None


@pytest.mark.parametrize(
    ("collection", "item"),
    [
        ("Ages", {"Age": "twenty"}),
        ("Ages", {"DateOfBirth": "29/03/1990"}),
        ("Genders", {"Gender": "Male"}),
        ("Notes", {"NoteWhen": "yesterday", "Note": "x"}),
        ("Donations", {"DonationParent": {"id": "x", "collection": "Pets"}, "DonationAmount": 5}),
        ("PageViews", {"PageViewUTMSources": "google"}),
        ("Attributes", {"AttributeId": 999, "AttributeValue": "x"}),
        ("Attributes", {"AttributeId": 1, "AttributeValue": {"id": 9, "value": "Maybe"}}),
        ("Attributes", {"AttributeId": 2**70, "AttributeValue": "x"}),  # beyond SQLite's INTEGER: was a 500
        ("Genders", {"Gender": {"id": None, "value": None}}),  # an option of nothing: was a 500
    ],
)
def test_values_of_the_wrong_type_drop_the_item(cs, collection, item):
    data = cs.post("/v1/profile", json={"profile": {collection: [item]}}).json()["data"]
    assert data[collection] == []


def test_static_values_resolve_against_field_options(cs):
    data = cs.post(
        "/v1/profile",
        json={
            "profile": {
                "Genders": [{"Gender": {"id": 2}}],
                "PhysicalAddresses": [{"AddressCity": {"value": "Chicago"}}],
            }
        },
    )
    data = data.json()["data"]
    assert data["Genders"][0]["Gender"] == {"id": 2, "value": "Female"}
    assert data["PhysicalAddresses"][0]["AddressCity"] == {"id": 1, "value": "Chicago"}


def test_attribute_items_take_name_and_type_from_the_attribute(cs):
    data = cs.post(
        "/v1/profile",
        json={
            "profile": {
                "Attributes": [
                    {"AttributeID": 1, "AttributeValue": {"id": 1}},
                    {"AttributeId": 2, "AttributeValue": [{"id": 1}, {"value": "Victoria"}]},
                    {"AttributeId": 5, "AttributeValue": {"id": "true", "value": "Yes"}},
                ]
            }
        },
    ).json()["data"]
    radio, checkbox, tag = data["Attributes"]
    assert (radio["AttributeName"], radio["AttributeType"], radio["AttributeValue"]) == (
        "Ready to set sail",
        "Radio",
        {"id": 1, "value": "Yes"},
    )
    assert checkbox["AttributeValue"] == [{"id": 1, "value": "Trinidad"}, {"id": 2, "value": "Victoria"}]
    assert tag["AttributeValue"] == {"id": "true", "value": "Yes"}


def test_update_adds_updates_and_deletes_items(cs):
    before = cs.get("/v1/profile/2?collections=Names,EmailAddresses").json()["data"]
    name_id, email_id = before["Names"][0]["id"], before["EmailAddresses"][0]["id"]
    response = cs.put(
        "/v1/profile/2",
        json={
            "profile": {
                "id": 2,
                "Names": [{"id": name_id, "FirstName": "Augusta"}, {"id": 0, "FullName": "F Magellan"}],
                "EmailAddresses": [{"id": email_id, "delete": True, "Email": "ignored@example.org"}],
            }
        },
    )
    data = response.json()["data"]
    assert data["Names"][0]["FirstName"] == "Augusta" and data["Names"][0]["FullName"].startswith("Augusta ")
    assert data["Names"][1]["FirstName"] == "F" and data["Names"][1]["LastName"] == "Magellan"
    assert data["EmailAddresses"] == []
    after = cs.get("/v1/profile/2?collections=Names,EmailAddresses").json()["data"]
    assert after == data


def test_invalid_update_keeps_the_stored_item(cs):
    before = cs.get("/v1/profile/2?collections=Ages").json()["data"]
    item = before["Ages"][0]
    cs.put("/v1/profile/2", json={"profile": {"Ages": [{"id": item["id"], "Age": "old"}]}})
    assert cs.get("/v1/profile/2?collections=Ages").json()["data"] == before


def test_update_unknown_profile_is_404(cs):
    assert cs.put("/v1/profile/9999", json={"profile": {"Names": []}}).status_code == 404


def test_body_without_profile_object_is_400(cs):
    response = cs.post("/v1/profile", json={"profile": "nope"})
    assert response.status_code == 400 and response.json()["success"] is False
    assert cs.post("/v1/profile", json=[1, 2]).status_code == 400


def test_bulk_create_and_bulk_update(cs):
    created = cs.post(
        "/v1/profile/bulk",
        json={
            "profiles": [
                {"Genders": [{"Gender": {"id": 1, "value": "Male"}}]},
                {"Genders": [{"Gender": {"id": 2, "value": "Female"}}]},
            ]
        },
    )
    first, second = created.json()["data"]
    assert first["Genders"][0]["Gender"]["value"] == "Male" and second["id"] == first["id"] + 1
    updated = cs.put(
        "/v1/profile/bulk",
        json={
            "profiles": [
                {"id": first["id"], "Genders": [{"id": first["Genders"][0]["id"], "delete": True}]},
                {"id": second["id"], "Names": [{"FullName": "Juan Sebastian Elcano"}]},
            ]
        },
    )
    one, two = updated.json()["data"]
    assert one == {"id": first["id"], "Genders": []}
    assert two["Names"][0]["MiddleName"] == "Sebastian"
    missing_id = cs.put("/v1/profile/bulk", json={"profiles": [{"Names": []}]})
    assert missing_id.status_code == 400


def test_per_collection_sort_limit_and_filters(cs):
    cs.put(
        "/v1/profile/1", json={"profile": {"Names": [{"FullName": "Fernao de Magalhaes"}, {"FullName": "Zed Alpha"}]}}
    )
    names = cs.get("/v1/profile/1?collections=Names&Names_sort=-LastName").json()["data"]["Names"]
    assert [n["LastName"] for n in names] == ["Magellan", "Magalhaes", "Alpha"]
    limited = cs.get("/v1/profile/1?collections=Names&Names_sort=LastName&Names_limit=1").json()["data"]["Names"]
    assert [n["LastName"] for n in limited] == ["Alpha"]
    filtered = cs.get("/v1/profile/1?collections=Names,Genders&Names_FirstName=zed&Genders_Gender_id=2")
    data = filtered.json()["data"]
    assert [n["FirstName"] for n in data["Names"]] == ["Zed"] and data["Genders"] == []


def test_external_id_lookup(cs):
    owner = next(
        pid
        for pid in range(2, 33)
        if cs.get(f"/v1/profile/{pid}?collections=ExternalIDs").json()["data"]["ExternalIDs"]
    )
    item = cs.get(f"/v1/profile/{owner}?collections=ExternalIDs").json()["data"]["ExternalIDs"][0]
    response = cs.get(f"/v1/external-id/{item['ExternalID']}/Mailchimp%20ID")
    assert response.json() == {"success": True, "messages": [], "data": {"ids": [owner]}}
    assert cs.get("/v1/external-id/nope/Mailchimp%20ID").json()["data"] == {"ids": []}


def test_non_match_check(cs):
    different = cs.post("/v1/profile/1/non-match-check", json={"profile": {"Genders": [{"Gender": {"id": 2}}]}})
    assert different.json() == {"success": True, "messages": [], "data": True}
    same = cs.post(
        "/v1/profile/1/non-match-check",
        json={"profile": {"Names": [{"FirstName": "Ferdinand", "LastName": "Magellan"}]}},
    )
    assert same.json()["data"] is False


def test_bulk_update_takes_a_whole_number_id_written_as_a_float(cs):
    response = cs.put("/v1/profile/bulk", json={"profiles": [{"id": 1.0, "Notes": [{"Note": "Called back"}]}]})
    assert response.status_code == 200, response.text
    assert response.json()["data"][0]["id"] == 1
    notes = cs.get("/v1/profile/1", params={"collections": "Notes"}).json()["data"]["Notes"]
    assert "Called back" in [n["Note"] for n in notes]
