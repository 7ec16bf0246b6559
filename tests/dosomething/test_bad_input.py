"""Ids and numbers out of range, odd characters and wrong types: Services-shaped answers, never a 500."""

import pytest

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (f"/campaigns/{HUGE}", {"error": {"message": "No campaign data found."}}),
        ("/campaigns/%C2%B2", {"error": {"message": "No campaign data found."}}),
        (f"/signups/{HUGE}", {"error": {"message": "No signup data found."}}),
        (f"/reportbacks/{HUGE}", {"error": {"message": "No reportback data found."}}),
        (f"/reportback-items/{HUGE}", {"error": {"message": "No reportback items data found."}}),
        (f"/kudos/{HUGE}", {"error": {"message": "No kudos data found."}}),
        (f"/taxonomy_term/{HUGE}", [False]),
        (f"/signups?user={HUGE}&campaigns={HUGE}", {"data": []}),
        (f"/campaigns?ids={HUGE}", {"data": []}),
        (f"/reportback-items?campaigns={HUGE}", {"data": []}),
        ("/reportback-items?campaigns=%27%3B%20drop%20table%20x%3B--", {"data": []}),
    ],
)
def test_lookups_with_impossible_ids(ds, path, body):
    response = ds.get(path)
    assert response.status_code == 200
    assert response.json() == body


def test_huge_counts_and_pages_are_clamped(ds):
    assert ds.get("/campaigns", params={"page": HUGE}).json() == {"data": []}
    body = ds.get("/campaigns", params={"count": HUGE}).json()
    assert body["pagination"]["per_page"] == 2**31 - 1 and body["retrieved_count"] == 10


def test_writes_with_impossible_values_change_nothing(ds, batman, admin):
    assert ds.post("/campaigns/1672/signup", json={"uid": HUGE}, headers=admin).json() == [False]
    assert ds.post(f"/campaigns/{HUGE}/signup", json={}, headers=batman).json() == [f"No node found for {HUGE}"]
    assert ds.post(f"/reportback_files/{HUGE}/review", json={"status": "approved"}, headers=admin).json() is None
    invalid = ds.post("/reportback_files/500/review", json={"status": "deleted"}, headers=admin)
    assert invalid.status_code == 406 and invalid.json() == ["Invalid status deleted."]
    kudos = {"reportback_item_id": HUGE, "user_id": [1], "term_ids": {"a": 1}}
    assert ds.post("/kudos", json=kudos, headers=batman).json() == {"created": 0, "failed": 1}
    assert ds.get("/signups", params={"campaigns": 1672}).json() == {"data": []}
    assert ds.get("/reportback-items/500", headers=admin).json()["data"]["status"] == "pending"


def test_wrong_types_in_login_and_user_creation(ds):
    response = ds.post("/auth/login", json={"username": ["batman"], "password": {"a": 1}})
    assert response.status_code == 401 and response.json() == ["Wrong username or password."]
    assert ds.post("/users", json={"email": {"x": 1}}).json() == ["Email is required."]
    undecodable = ds.post(
        "/auth/login", content=b"\xff\xfe", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert undecodable.status_code == 401 and undecodable.json() == ["Missing required argument username"]
