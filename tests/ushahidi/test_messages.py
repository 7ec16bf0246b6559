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
    response = ush.post("/api/v3/contacts", json={"contact": "", "type": "pigeon", "can_notify": "yes"}, headers=user)
    assert response.status_code == 422
    assert [e["source"]["pointer"] for e in response.json()["errors"][1:]] == [
        "/contact",
        "/type",
        "/can_notify",
    ]


def test_messages_of_a_contact(ush, admin):
    body = ush.get("/api/v3/messages?contact=2693&orderby=created&order=asc", headers=admin).json()
    assert [m["id"] for m in body["results"]] == [23462, 23463]
    assert body["results"][0]["contact"]["id"] == 2693 and body["results"][0]["direction"] == "incoming"


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


def test_archive_a_message(ush, admin):
    assert ush.put("/api/v3/messages/23462", json={"status": "archived"}, headers=admin).json()["status"] == "archived"
    assert ush.put("/api/v3/messages/23462", json={"status": "lost"}, headers=admin).status_code == 422
