"""/api/v3/apikeys as Ushahidi's tests/Integration/api.apikeys.feature has it (docs/vendors/ushahidi.md §1.19): for
administrators and holders of "Manage Settings" only; the key is drawn by the server, on create and on update."""

import re

import pytest

BASE = "/ushahidi/api/v3/apikeys"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SEEDED = "2d1b7c3e-5a0f-4c8e-9a6d-7f3e1b2c4d5e"


@pytest.fixture
def settings_manager(client, admin) -> dict:
    """A user whose role has only "Manage Settings"."""
    role = {"name": "settingsmanager", "display_name": "Settings Manager", "permissions": ["Manage Settings"]}
    assert client.post("/ushahidi/api/v3/roles", json=role, headers=admin).status_code == 200
    person = {"email": "settings@ushahidi.com", "password": "testing", "realname": "Sam", "role": "settingsmanager"}
    assert client.post("/ushahidi/api/v3/users", json=person, headers=admin).status_code == 200
    minted = client.post("/__admin/tokens", json={"vendor": "ushahidi", "user": "settings@ushahidi.com"})
    return minted.json()["headers"]


def test_the_seeded_key_is_listed_for_an_admin(client, admin):
    listed = client.get(BASE, headers=admin)
    assert listed.status_code == 200
    body = listed.json()
    assert (body["count"], body["total_count"]) == (1, 1)
    assert body["results"] == [
        {
            "id": 1,
            "url": "http://testserver/ushahidi/api/v3/apikey/1",
            "api_key": SEEDED,
            "created": "2018-04-17T10:08:25+00:00",
            "updated": None,
            "allowed_privileges": ["read", "create", "update", "delete", "search"],
        }
    ]


def test_create_draws_a_key_and_ignores_the_body(client, admin):
    made = client.post(BASE, json={"api_key": "myshadykey", "created": 5}, headers=admin)
    assert made.status_code == 200, made.text
    body = made.json()
    assert list(body) == ["id", "url", "api_key", "created", "updated", "allowed_privileges"]
    assert body["id"] == 2 and UUID.match(body["api_key"])
    # The platform's repository never sets `created` on insert: the column's default, 0.
    assert body["created"] == "1970-01-01T00:00:00+00:00" and body["updated"] is None
    assert client.get(f"{BASE}/2", headers=admin).json() == body


def test_update_draws_a_new_key_whatever_the_body_says(client, admin):
    changed = client.put(f"{BASE}/1", json={"api_key": "mytestkeyisthislong"}, headers=admin)
    assert changed.status_code == 200
    body = changed.json()
    assert body["id"] == 1 and UUID.match(body["api_key"]) and body["api_key"] != SEEDED
    assert "mytestkeyisthislong" not in body["api_key"] and body["updated"] is not None
    assert client.get(f"{BASE}/1", headers=admin).json()["api_key"] == body["api_key"]


def test_delete_answers_the_key_and_unknown_ids_are_404(client, admin):
    gone = client.delete(f"{BASE}/1", headers=admin)
    assert gone.status_code == 200 and gone.json()["api_key"] == SEEDED
    missing = client.get(f"{BASE}/1", headers=admin)
    assert missing.status_code == 404
    assert missing.json() == {"errors": [{"status": 404, "message": "Could not locate any apikey matching [id: 1]"}]}
    assert client.get(BASE, headers=admin).json()["count"] == 0


def test_a_settings_manager_may_list_them(client, settings_manager):
    listed = client.get(BASE, headers=settings_manager)
    assert listed.status_code == 200 and listed.json()["count"] == 1


def test_others_are_refused_and_nothing_changes(client, ush, user, admin):
    anonymous = ush.headers(None, "apikeys")  # a client-credentials token: no user behind it
    refused = client.post(BASE, json={"api_key": "myshadykey"}, headers=anonymous)
    assert refused.status_code == 403
    assert refused.json() == {
        "errors": [{"status": 403, "message": "User 0 is not allowed to create resource apikey #0"}]
    }
    assert client.get(BASE, headers=user).status_code == 403
    assert client.get(f"{BASE}/1", headers=user).json()["errors"][0]["message"] == (
        "User 2 is not allowed to read resource apikey #1"
    )
    assert client.put(f"{BASE}/1", json={}, headers=user).status_code == 403
    assert client.delete(f"{BASE}/1", headers=user).status_code == 403
    no_token = client.get(BASE)
    assert no_token.status_code == 401 and no_token.headers["www-authenticate"] == 'Bearer realm="OAuth"'
    assert client.get(BASE, headers=admin).json()["results"][0]["api_key"] == SEEDED
