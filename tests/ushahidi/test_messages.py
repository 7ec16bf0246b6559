"""/api/v3/messages and /api/v3/contacts."""

from tests.ushahidi.conftest import documented


def test_contact_1234_is_the_documented_example(ush, admin):
    body = ush.get("/api/v3/contacts/1234", headers=admin).json()
    assert body == documented("contacts", 1234) | {
        "url": "http://testserver/ushahidi/api/v3/contacts/1234",
        "allowed_privileges": ["read", "create", "update", "delete", "search"],
    }
    assert list(body)[:4] == ["id", "url", "user_id", "data_source"]


def test_contacts_need_a_user(ush, user):
    assert ush.get("/api/v3/contacts/1234").status_code == 401
    assert ush.get("/api/v3/contacts/1234", headers=user).status_code == 403
    created = ush.post("/api/v3/contacts", json={"contact": "+254700000001", "type": "phone"}, headers=user)
    assert created.status_code == 200 and created.json()["user"]["id"] == 2
    mine = ush.get("/api/v3/contacts", headers=user).json()
    assert [c["id"] for c in mine["results"]] == [created.json()["id"]]
    assert ush.get("/api/v3/users/me", headers=user).json()["contacts"][0]["id"] == created.json()["id"]


def test_contact_validation(ush, user):
    response = ush.post("/api/v3/contacts", json={"contact": "", "type": "pigeon"}, headers=user)
    assert response.status_code == 422
    assert [e["source"]["pointer"] for e in response.json()["errors"][1:]] == ["/contact", "/type"]


def test_can_notify_is_cast_as_php_casts_to_bool(ush, user):
    created = ush.post("/api/v3/contacts", json={"contact": "+254700000001", "type": "phone"}, headers=user).json()
    path = f"/api/v3/contacts/{created['id']}"
    for sent, stored in (("1", True), ("0", False), (1, True), ("yes", True), ("", False), (0, False), (True, True)):
        response = ush.put(path, json={"can_notify": sent}, headers=user)
        assert (response.status_code, response.json()["can_notify"]) == (200, stored)
        assert ush.get(path, headers=user).json()["can_notify"] is stored


def test_messages_of_a_contact(ush, admin):
    body = ush.get("/api/v3/messages?contact=2693&orderby=created&order=asc", headers=admin).json()
    assert [m["id"] for m in body["results"]] == [23462, 23463]
    assert body["results"][0]["contact_id"] == 2693 and body["results"][0]["direction"] == "incoming"


def test_reply_to_a_message(ush, admin):
    response = ush.post(
        "/api/v3/messages",
        headers=admin,
        json={
            "parent_id": 23462,
            "contact_id": 2693,
            "direction": "outgoing",
            "message": "We are on our way",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["direction"], body["type"]) == ("pending", "outgoing", "sms")
    assert body["parent"]["id"] == 23462
    outbox = ush.get("/api/v3/messages?box=outbox", headers=admin).json()
    assert body["id"] in [m["id"] for m in outbox["results"]]


def test_incoming_messages_cannot_be_created(ush, admin):
    response = ush.post(
        "/api/v3/messages", json={"contact_id": 2693, "direction": "incoming", "message": "x"}, headers=admin
    )
    assert response.status_code == 422


def test_post_of_a_message(ush, admin):
    body = ush.get("/api/v3/messages/23462/post", headers=admin).json()
    assert body["id"] == 8328 and body["message"]["id"] == 23462
    assert ush.get("/api/v3/messages/23463/post", headers=admin).status_code == 404


def test_messages_are_for_managers(ush, user):
    assert ush.get("/api/v3/messages", headers=user).status_code == 403
    assert ush.get("/api/v3/messages").status_code == 401


BASE = "http://testserver/ushahidi/api/v3"
OUTGOING = {"message": "Water arrives at noon", "type": "sms", "direction": "outgoing", "contact_id": "2693"}


def test_a_message_renders_as_the_v3_formatter_does(ush, admin):
    body = ush.get("/api/v3/messages/23463", headers=admin).json()
    assert body == {
        "id": 23463,
        "url": f"{BASE}/messages/23463",
        "parent": {"id": 23462, "url": f"{BASE}/messages/23462"},
        "user": {"id": 1, "url": f"{BASE}/users/1"},
        "contact_id": 2693,
        "post_id": None,
        "data_source": "smssync",
        "data_source_message_id": None,
        "title": None,
        "message": "Thanks, we are looking into it.",
        "datetime": None,
        "type": "sms",
        "status": "sent",
        "direction": "outgoing",
        "created": "2017-04-24T13:10:19+00:00",
        "additional_data": None,
        "notification_post_id": None,
        "contact": None,
        "contact_type": None,
        "allowed_privileges": ["read", "create", "update", "delete", "search"],
    }
    incoming = ush.get("/api/v3/messages/23462", headers=admin).json()
    assert list(incoming)[:6] == ["id", "url", "parent_id", "contact_id", "post_id", "user_id"]
    assert incoming["datetime"] == {"date": "2017-04-24 09:10:54.000000", "timezone_type": 3, "timezone": "UTC"}
    # An incoming message can never be updated, not even by an administrator.
    assert incoming["allowed_privileges"] == ["read", "create", "delete", "search"]


def test_create_an_outgoing_message(ush, admin):
    response = ush.post("/api/v3/messages", json=OUTGOING, headers=admin)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": body["id"],
        "url": f"{BASE}/messages/{body['id']}",
        "parent_id": None,
        "user": {"id": 1, "url": f"{BASE}/users/1"},
        "contact_id": 2693,
        "post_id": None,
        "data_source": None,
        "data_source_message_id": None,
        "title": None,
        "message": "Water arrives at noon",
        "datetime": None,
        "type": "sms",
        "status": "pending",
        "direction": "outgoing",
        "created": body["created"],
        "additional_data": None,
        "notification_post_id": None,
        "contact": None,
        "contact_type": None,
        "allowed_privileges": ["read", "create", "update", "delete", "search"],
    }
    assert ush.get(f"/api/v3/messages/{body['id']}", headers=admin).json() == body


def test_a_reply_takes_its_parents_type_and_data_source(ush, admin):
    reply = {"message": "We are on our way", "parent_id": "23462", "contact_id": "2693", "direction": "outgoing"}
    body = ush.post("/api/v3/messages", json=reply, headers=admin).json()
    assert (body["type"], body["data_source"], body["status"]) == ("sms", "smssync", "pending")
    assert (body["parent"], body["contact_id"]) == ({"id": 23462, "url": f"{BASE}/messages/23462"}, 2693)
    outbox = ush.get("/api/v3/messages?box=outbox", headers=admin).json()
    assert body["id"] in [m["id"] for m in outbox["results"]]


def test_the_author_may_be_named(ush, admin):
    body = ush.post("/api/v3/messages", json={**OUTGOING, "user_id": 2}, headers=admin).json()
    assert body["user"] == {"id": 2, "url": f"{BASE}/users/2"}


def test_an_unknown_author_is_422_and_stores_nothing(ush, admin):
    before = ush.get("/api/v3/messages?status=all", headers=admin).json()["total_count"]
    response = ush.post("/api/v3/messages", json={**OUTGOING, "user_id": 57}, headers=admin)
    assert (response.status_code, response.json()) == (
        422,
        {
            "errors": [
                {"status": 422, "message": "Failed to validate messages entity:\nuser_id must exist"},
                {
                    "status": 422,
                    "title": "user_id must exist",
                    "message": "user_id must exist",
                    "source": {"pointer": "/user_id"},
                },
            ]
        },
    )
    assert ush.get("/api/v3/messages?status=all", headers=admin).json()["total_count"] == before


def test_create_validation(ush, admin):
    response = ush.post("/api/v3/messages", json={"direction": "incoming", "type": "fax"}, headers=admin)
    assert response.status_code == 422
    assert [(e["source"]["pointer"], e["message"]) for e in response.json()["errors"][1:]] == [
        ("/direction", "direction must be one of the available options"),
        ("/message", "message must not be empty"),
        ("/type", "type must be one of the available options"),
    ]
    missing_type = ush.post("/api/v3/messages", json={"message": "x", "contact_id": 2693}, headers=admin)
    assert missing_type.json()["errors"][1]["message"] == "type must not be empty"


def test_an_incoming_message_cannot_be_updated(ush, admin):
    for change in ({"message": "Overwritten"}, {"message": "Overwritten", "direction": "outgoing"}):
        response = ush.put("/api/v3/messages/23462", json=change, headers=admin)
        assert (response.status_code, response.json()) == (
            403,
            {"errors": [{"status": 403, "message": "User 1 is not allowed to update resource messages #23462"}]},
        )
    assert ush.get("/api/v3/messages/23462", headers=admin).json()["message"] == "Test 2. Some content"


def test_an_outgoing_message_takes_the_payload_but_not_its_direction(ush, admin):
    created = ush.post("/api/v3/messages", json=OUTGOING, headers=admin).json()
    change = {"message": "Water arrives at one", "status": "cancelled", "direction": "incoming"}
    response = ush.put(f"/api/v3/messages/{created['id']}", json=change, headers=admin)
    assert response.status_code == 200
    body = response.json()
    assert (body["message"], body["status"], body["direction"]) == ("Water arrives at one", "cancelled", "outgoing")
    assert ush.get(f"/api/v3/messages/{created['id']}", headers=admin).json() == body


def test_an_outgoing_message_status_is_pending_expired_or_cancelled(ush, admin):
    response = ush.put("/api/v3/messages/23463", json={"status": "archived", "message": "x"}, headers=admin)
    assert (response.status_code, response.json()["errors"][1:]) == (
        422,
        [
            {
                "status": 422,
                "title": "message.status.checkStatus",
                "message": "message.status.checkStatus",
                "source": {"pointer": "/status"},
            }
        ],
    )
    assert ush.get("/api/v3/messages/23463", headers=admin).json()["message"] == "Thanks, we are looking into it."


def archive_incoming(client, ident: int) -> None:
    """No API call archives an incoming message; a dataset (here: a snapshot) can hold one."""
    snapshot = client.get("/__admin/snapshot?vendor=ushahidi").json()
    for row in snapshot["vendors"]["ushahidi"]["ushahidi_message"]:
        if row["id"] == ident:
            row["status"] = "archived"
    assert client.post("/__admin/snapshot", json=snapshot).status_code == 200


def test_archived_messages_are_listed_only_when_asked_for(client, ush, admin):
    archive_incoming(client, 23462)

    def ids(query: str) -> list[int]:
        return [
            m["id"] for m in ush.get(f"/api/v3/messages?orderby=id&order=asc&{query}", headers=admin).json()["results"]
        ]

    assert ids("") == [23463, 23464]
    assert ids("box=inbox") == []
    assert ids("status=all") == [23462, 23463, 23464]
    assert ids("box=archived") == ids("status=archived") == [23462]
    assert ids("box=outbox&status=sent") == [23463, 23464]


def test_search_matches_the_contact_title_or_text(ush, admin):
    def ids(q: str) -> list[int]:
        return [
            m["id"] for m in ush.get(f"/api/v3/messages?orderby=id&order=asc&q={q}", headers=admin).json()["results"]
        ]

    assert ids("household") == [23464]
    assert ids("LOOKING") == [23463]
    assert ids("254700123456") == [23462, 23463]
