"""campaigns, campaigns/{nid} and content/{nid}."""

import json

from crowdmock.settings import default_fixtures

BASE = "http://testserver/dosomething/api/v1"
CAMPAIGN_KEYS = [
    "id", "title", "campaign_runs", "language", "translations", "tagline", "status", "type", "created_at",
    "updated_at", "time_commitment", "cover_image", "staff_pick", "competition", "facts", "solutions", "pre_step",
    "latest_news", "causes", "action_types", "issue", "tags", "timing", "services", "mobile_app", "reportback_info",
    "uri",
]  # fmt: skip


def documented(nid: str) -> dict:
    campaigns = json.loads((default_fixtures() / "dosomething/campaigns.json").read_text("utf-8"))
    return next(c for c in campaigns if c["id"] == nid)


def test_campaign_362_is_the_documented_example(ds):
    response = ds.get("/campaigns/362")
    assert response.status_code == 200
    data = response.json()["data"]
    assert list(data) == CAMPAIGN_KEYS
    assert data == {**documented("362"), "uri": f"{BASE}/campaigns/362"}
    assert data["tagline"] == "Recycle old or worn-out clothes to help all the planets."
    assert data["campaign_runs"]["current"]["en"]["id"] == "1227"
    assert [t["id"] for t in data["tags"]] == ["48", "348", "349", "350", "102", "49", "351", "97", "352", "366", "668"]
    assert data["reportback_info"] == {
        "copy": "Submit your photo before June 20 to qualify for the scholarship.",
        "confirmation_message": "Going green is always in style! Thanks for helping the Earth.",
        "noun": "Items",
        "verb": "Recycled",
    }


def test_missing_campaign_is_an_error_object_with_200(ds):
    for nid in ("999999", "abc", "4000"):
        response = ds.get(f"/campaigns/{nid}")
        assert response.status_code == 200
        assert response.json() == {"error": {"message": "No campaign data found."}}


def test_index_pages_with_the_seed_era_envelope(ds):
    body = ds.get("/campaigns", params={"count": 3}).json()
    assert list(body) == ["pagination", "retrieved_count", "data"]
    assert body["pagination"] == {
        "total": 10,
        "per_page": 3,
        "current_page": 1,
        "total_pages": 4,
        "prev_uri": None,
        "next_uri": f"{BASE}/campaigns?type=campaign&count=3&page=2",
    }
    assert body["retrieved_count"] == 3
    assert [c["id"] for c in body["data"]] == ["23", "58", "362"]
    last = ds.get("/campaigns", params={"count": 3, "page": 4}).json()
    assert [c["id"] for c in last["data"]] == ["5140"]
    assert last["pagination"]["prev_uri"] == f"{BASE}/campaigns?type=campaign&count=3&page=3"
    assert last["pagination"]["next_uri"] is None
    assert ds.get("/campaigns", params={"page": 9}).json() == {"data": []}


def test_index_defaults_to_25_and_leaves_out_sms_games(ds):
    body = ds.get("/campaigns").json()
    assert body["pagination"]["per_page"] == 25
    ids = [c["id"] for c in body["data"]]
    assert "2001" not in ids and len(ids) == 10


def test_index_filters(ds):
    def ids(**params):
        return [c["id"] for c in ds.get("/campaigns", params=params).json().get("data", [])]

    assert ids(ids="1173,362,2001") == ["362", "1173"]
    assert ids(staff_pick="true") == ["23", "362", "1173", "1283"]
    assert ids(mobile_app="true") == ["362", "1173", "1283", "1672"]
    assert ids(mobile_app_date="2016-01-15") == ["362", "1173", "1672"]
    assert ids(term_ids="3") == ["58", "1672"]
    assert ids(term_ids="347,201") == ["362", "1173"]
    assert sorted(ids(random="true"), key=int) == ids()
    filtered = ds.get("/campaigns", params={"staff_pick": "true", "count": 2}).json()["pagination"]
    assert filtered["next_uri"] == f"{BASE}/campaigns?type=campaign&staff_pick=1&count=2&page=2"


def test_json_suffix_on_the_index(ds):
    assert ds.get("/campaigns.json", params={"ids": "362"}).json()["data"][0]["id"] == "362"


def test_content_returns_campaigns_false_for_other_nodes_and_404_for_none(ds):
    campaign = ds.get("/content/362")
    assert campaign.status_code == 200 and campaign.json()["title"] == "Comeback Clothes"
    other = ds.get("/content/4000")
    assert other.status_code == 200 and other.json() == [False]
    missing = ds.get("/content/999999")
    assert missing.status_code == 404
    assert missing.json() == ["Node 999999 could not be found"]
