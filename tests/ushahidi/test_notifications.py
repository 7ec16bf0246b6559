"""/api/v3/notifications as Ushahidi's tests/Integration/notifications.feature has it (docs/vendors/ushahidi.md §1.20):
a signed-in user subscribes to a collection or saved search; users see their own, administrators everyone's."""

BASE = "/ushahidi/api/v3/notifications"


def test_a_user_subscribes_to_a_collection(client, user):
    made = client.post(BASE, json={"set": "15"}, headers=user)
    assert made.status_code == 200, made.text
    body = made.json()
    assert body == {
        "id": body["id"],
        "url": f"http://testserver/ushahidi/api/v3/notifications/{body['id']}",
        "user": {"id": 2, "url": "http://testserver/ushahidi/api/v3/users/2"},
        "set": {"id": 15, "url": "http://testserver/ushahidi/api/v3/sets/15"},
        "created": body["created"],
        "updated": None,
        "allowed_privileges": ["read", "create", "update", "delete", "search"],
    }
    assert isinstance(body["id"], int) and body["id"] > 2
    assert client.get(f"{BASE}/{body['id']}", headers=user).json() == body
    # Subscribing again answers the same subscription.
    assert client.post(BASE, json={"set": 15}, headers=user).json()["id"] == body["id"]
    listed = client.get(BASE, params={"user": "me"}, headers=user).json()
    assert [(n["id"], n["set"]["id"]) for n in listed["results"]] == [(1, 1), (body["id"], 15)]


def test_users_list_their_own_and_admins_everyones(client, user, admin):
    own = client.get(BASE, headers=user).json()  # without `user`, a user still sees their own only
    assert (own["count"], own["total_count"]) == (1, 1) and own["results"][0]["id"] == 1
    everyone = client.get(BASE, headers=admin).json()
    assert [n["id"] for n in everyone["results"]] == [1, 2]
    assert [n["id"] for n in client.get(BASE, params={"user": "me"}, headers=admin).json()["results"]] == [2]
    assert [n["id"] for n in client.get(BASE, params={"user": "2"}, headers=admin).json()["results"]] == [1]
    assert [n["id"] for n in client.get(BASE, params={"set": "4"}, headers=admin).json()["results"]] == [2]


def test_delete_answers_the_subscription_then_it_is_gone(client, user):
    gone = client.delete(f"{BASE}/1", headers=user)
    assert gone.status_code == 200 and gone.json()["id"] == 1 and gone.json()["set"]["id"] == 1
    missing = client.get(f"{BASE}/1", headers=user)
    assert missing.status_code == 404
    assert missing.json() == {
        "errors": [{"status": 404, "message": "Could not locate any notifications matching [id: 1]"}]
    }
    assert client.get(BASE, params={"user": "me"}, headers=user).json()["count"] == 0


def test_someone_elses_subscription_is_refused(client, user):
    for method in ("GET", "PUT", "DELETE"):
        refused = client.request(method, f"{BASE}/2", headers=user)
        assert refused.status_code == 403, method
    assert refused.json()["errors"][0]["message"] == "User 2 is not allowed to delete resource notifications #2"
    # Nor may a user subscribe someone else.
    other = client.post(BASE, json={"set": 1, "user": 1}, headers=user)
    assert other.status_code == 403
    assert other.json()["errors"][0]["message"] == "User 2 is not allowed to create resource notifications #0"


def test_update_changes_nothing(client, user):
    before = client.get(f"{BASE}/1", headers=user).json()
    changed = client.put(f"{BASE}/1", json={"set": 4, "user": 1}, headers=user)
    assert changed.status_code == 200 and changed.json() == before


def test_anonymous_callers_cannot_subscribe_or_list(client, ush):
    anonymous = ush.headers(None, "notifications")
    refused = client.post(BASE, json={"set": "2"}, headers=anonymous)
    assert refused.status_code == 403
    assert refused.json() == {
        "errors": [{"status": 403, "message": "User 0 is not allowed to create resource notifications #0"}]
    }
    assert client.get(BASE, headers=anonymous).status_code == 403
    assert client.get(BASE).status_code == 401


def test_a_missing_or_unknown_set_is_422_and_nothing_is_stored(client, user):
    for payload, message in (
        ({}, "set_id must not be empty"),
        ({"set": "abc"}, "set_id must be numeric"),
        ({"set": 9999}, "set_id must exist"),
    ):
        refused = client.post(BASE, json=payload, headers=user)
        assert refused.status_code == 422, payload
        assert refused.json()["errors"] == [
            {"status": 422, "message": f"Failed to validate notifications entity:\n{message}"},
            {"status": 422, "title": message, "message": message, "source": {"pointer": "/set_id"}},
        ]
    assert client.get(BASE, headers=user).json()["count"] == 1
