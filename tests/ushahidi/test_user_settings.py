"""/api/v3/users/{id}/settings as Ushahidi's tests/Integration/users/settings.feature has it (docs/vendors/ushahidi.md
§1.18): a user's own settings, values of `api` keys masked, a key unique per user, others' settings unreadable."""

import pytest

BASE = "/ushahidi/api/v3/users/2/settings"


@pytest.fixture
def robbie(user) -> dict:  # user 2, the owner of setting 1
    return user


def test_the_owner_reads_a_setting_with_its_api_value_masked(client, robbie):
    got = client.get(f"{BASE}/1", headers=robbie)
    assert got.status_code == 200
    assert got.json() == {
        "id": 1,
        "url": "http://testserver/ushahidi/api/v3/user_settings/1",
        "user": {"id": 2, "url": "http://testserver/ushahidi/api/v3/users/2"},
        "config_key": "hdx_api_key",
        "config_value": "***********bbie",
        "created": "2018-05-08T15:47:06+00:00",
        "updated": None,
        "allowed_privileges": ["read", "create", "update", "delete", "search", "read_full", "register"],
    }


def test_a_user_creates_a_setting_and_a_duplicate_key_is_422(client, robbie):
    made = client.post(BASE, json={"user_id": 2, "config_key": "key", "config_value": "value"}, headers=robbie)
    assert made.status_code == 200, made.text
    body = made.json()
    assert body["config_key"] == "key" and body["config_value"] == "value" and body["user"]["id"] == 2
    assert isinstance(body["id"], int) and body["updated"] is None
    again = client.post(BASE, json={"user_id": 2, "config_key": "key", "config_value": "other"}, headers=robbie)
    assert again.status_code == 422
    assert again.json() == {
        "errors": [
            {
                "status": 422,
                "message": "Failed to validate user_settings entity:\n"
                "The user id, 2, and config key, key, already exist",
            },
            {
                "status": 422,
                "title": "The user id, 2, and config key, key, already exist",
                "message": "The user id, 2, and config key, key, already exist",
                "source": {"pointer": "/config_key"},
            },
        ]
    }
    listed = client.get(BASE, headers=robbie).json()
    assert [s["config_key"] for s in listed["results"]] == ["hdx_api_key", "key"]
    assert listed["results"][1]["config_value"] == "value"


def test_the_owner_comes_from_the_body_not_the_path(client, robbie):
    """The generic create use case reads the body only: without `user_id` the setting is nobody's, so refused."""
    refused = client.post(BASE, json={"config_key": "theme", "config_value": "dark"}, headers=robbie)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["message"] == "User 2 is not allowed to create resource user_settings #0"
    assert client.get(BASE, headers=robbie).json()["count"] == 1


def test_update_changes_key_and_value_and_unknown_ids_are_404(client, robbie):
    changed = client.put(
        f"{BASE}/1", json={"user_id": 2, "config_key": "updated key", "config_value": "updated value"}, headers=robbie
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["id"], body["config_key"], body["config_value"]) == (1, "updated key", "updated value")
    assert body["updated"] is not None
    assert client.get(f"{BASE}/1", headers=robbie).json()["config_key"] == "updated key"
    missing = client.put(f"{BASE}/59", json={"config_key": "abc"}, headers=robbie)
    assert missing.status_code == 404
    assert missing.json() == {
        "errors": [{"status": 404, "message": "Could not locate any user_settings matching [id: 59]"}]
    }
    assert client.get(f"{BASE}/999", headers=robbie).status_code == 404


def test_delete_answers_the_setting_then_it_is_gone(client, robbie):
    gone = client.delete(f"{BASE}/1", headers=robbie)
    assert gone.status_code == 200 and gone.json()["id"] == 1
    assert client.get(f"{BASE}/1", headers=robbie).status_code == 404
    assert client.delete(f"{BASE}/998", headers=robbie).status_code == 404
    assert client.get(BASE, headers=robbie).json()["count"] == 0


def test_nobody_else_reads_or_changes_them_not_even_an_admin(client, admin):
    listed = client.get(BASE, headers=admin).json()
    assert (listed["count"], listed["results"], listed["total_count"]) == (0, [], 1)
    read = client.get(f"{BASE}/1", headers=admin)
    assert read.status_code == 403
    assert read.json()["errors"][0]["message"] == "User 1 is not allowed to read resource user_settings #1"
    assert client.put(f"{BASE}/1", json={"config_value": "stolen"}, headers=admin).status_code == 403
    assert client.delete(f"{BASE}/1", headers=admin).status_code == 403
    assert client.get(f"{BASE}/1").status_code == 401  # no token at all
    assert client.get(BASE).json()["results"] == []


def test_bad_keys_and_values_are_422_and_nothing_is_stored(client, robbie):
    cases = [
        ({"config_key": "ab", "config_value": "value"}, "config_key", "config_key must be at least 3 characters long"),
        (
            {"config_key": "k" * 256, "config_value": "value"},
            "config_key",
            "config_key must not exceed 255 characters long",
        ),
        ({"config_key": "key", "config_value": ["x"]}, "config_value", "user_setting.config_value.is_string"),
        ({"config_key": "key"}, "config_value", "config_value must not be empty"),
    ]
    for payload, field, message in cases:
        refused = client.post(BASE, json={"user_id": 2, **payload}, headers=robbie)
        assert refused.status_code == 422, (payload, refused.text)
        assert refused.json()["errors"][1] == {
            "status": 422,
            "title": message,
            "message": message,
            "source": {"pointer": f"/{field}"},
        }
    bad_update = client.put(f"{BASE}/1", json={"config_value": "no"}, headers=robbie)
    assert bad_update.status_code == 422
    assert client.get(f"{BASE}/1", headers=robbie).json()["config_value"] == "***********bbie"
    assert client.get(BASE, headers=robbie).json()["count"] == 1


def test_off_while_the_user_settings_feature_is_off(client, robbie, admin):
    features = client.get("/ushahidi/api/v3/config/features", headers=admin).json()
    assert features["user-settings"] == {"enabled": True}
    # The features group is read-only over the API: turn it off in the store, as a seeded dataset would.
    snapshot = client.get("/__admin/snapshot?vendor=ushahidi").json()
    for group in snapshot["vendors"]["ushahidi"]["ushahidi_config"]:
        if group["id"] == "features":
            group["data"]["user-settings"] = {"enabled": False}
    assert client.post("/__admin/snapshot", json=snapshot).status_code == 200
    off = client.get(BASE, headers=robbie)
    assert off.status_code == 404 and off.json() == {"errors": [{"status": 404}]}
