"""Signing up, reporting back with a photo, and reading signups, reportbacks and reportback items."""

import base64

BASE = "http://testserver/dosomething/api/v1"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
THUMB_WARS_TEASER = {
    "id": "1173",
    "title": "Thumb Wars",
    "campaign_runs": {"current": {"en": {"id": "1816"}, "en-global": {"id": "1816"}}, "past": []},
    "language": {"language_code": "en", "prefix": "us"},
    "translations": {
        "original": "en",
        "en": {"language_code": "en", "prefix": "us"},
        "en-global": {"language_code": "en-global", "prefix": None},
    },
    "tagline": "Send friends Thumb Socks to remind them not to text and drive.",
    "status": "active",
    "type": "campaign",
    "reportback_info": {
        "copy": "Send us a shot of your friend rockin' their Socks!",
        "confirmation_message": "Thumbs up, Thumb Warrior! Thanks for keeping your friends -- and the streets -- safe.",
        "noun": "Thumb Socks",
        "verb": "shared",
    },
}


def item_498_499(fid: str, n: int) -> dict:
    return {
        "id": fid,
        "status": "approved",
        "caption": "DoSomething? Just did!",
        "uri": f"{BASE}/reportback-items/{fid}",
        "media": {
            "uri": "http://dev.dosomething.org:8888/sites/default/files/styles/480x480/public/reportbacks/1173/"
            f"uid_98-nid_1173-{n}.jpg?itok={'4fGl_sNv' if n == 0 else 'KMfogXPn'}",
            "type": "image",
        },
        "created_at": "1402439166",
        "kudos": {"data": []},
    }


def test_signup_243_is_the_documented_example(ds):
    body = ds.get("/signups", params={"user": 98, "campaigns": 1173}).json()
    signup = body["data"][1]
    assert body["data"][0]["id"] == "42"
    assert signup == {
        "id": "243",
        "created_at": "1400103603",
        "campaign_run": {"id": "1816", "current": True},
        "uri": f"{BASE}/signups/243",
        "campaign": THUMB_WARS_TEASER,
        "reportback": {
            "id": "75",
            "created_at": "1400106458",
            "updated_at": "1435775063",
            "quantity": 12,
            "uri": f"{BASE}/reportbacks/75",
            "why_participated": "This is just a test",
            "flagged": False,
            "reportback_items": {"total": 5, "data": [item_498_499("498", 0), item_498_499("499", 1)]},
        },
    }
    assert list(signup["campaign"]) == list(THUMB_WARS_TEASER)


def test_signup_42_is_of_a_past_run(ds):
    data = ds.get("/signups/42").json()["data"]
    assert data["campaign_run"] == {"id": "0", "current": False}
    assert data["reportback"]["id"] == "75"


def test_missing_signup(ds):
    assert ds.get("/signups/999").json() == {"error": {"message": "No signup data found."}}
    assert ds.get("/signups", params={"user": 999}).json() == {"data": []}


def test_signup_refusals(ds, batman):
    assert ds.post("/campaigns/1672/signup", json={"source": "web"}).json() == ["Must be logged in!"]
    unknown = ds.post("/campaigns/999999/signup", json={"source": "web"}, headers=batman)
    assert unknown.status_code == 403 and unknown.json() == ["No node found for 999999"]
    closed = ds.post("/campaigns/362/signup", json={"source": "web"}, headers=batman)
    assert closed.status_code == 403 and closed.json() == ["Campaign node 362 is not active."]
    no_body = ds.post("/campaigns/1672/signup", content=b"", headers={**batman, "Content-Type": "application/json"})
    assert no_body.status_code == 401 and no_body.json() == ["Missing required argument values"]
    no_token = ds.post("/campaigns/1672/signup", json={"source": "web"}, headers={"Cookie": batman["Cookie"]})
    assert no_token.status_code == 401 and no_token.json() == ["CSRF validation failed"]
    assert ds.get("/signups", params={"user": 38, "campaigns": 1672}).json() == {"data": []}


def test_signup_creates_once(ds, batman):
    response = ds.post("/campaigns/1672/signup", json={"source": "iphone"}, headers=batman)
    assert response.status_code == 200
    (sid,) = response.json()
    assert isinstance(sid, str) and sid.isdigit()
    assert ds.post("/campaigns/1672/signup", json={"source": "iphone"}, headers=batman).json() == [False]
    data = ds.get(f"/signups/{sid}").json()["data"]
    assert data["campaign"]["id"] == "1672" and data["campaign_run"] == {"id": "6270", "current": True}
    assert data["reportback"] is None
    listed = ds.get("/signups", params={"user": 38, "campaigns": 1672}).json()["data"]
    assert [s["id"] for s in listed] == [sid]


def test_signup_for_an_unknown_uid_is_false(ds, admin):
    assert ds.post("/campaigns/1672/signup", json={"uid": 424242}, headers=admin).json() == [False]


def test_reportback_with_an_uploaded_photo(client, ds, batman, admin):
    values = {
        "quantity": 30,
        "why_participated": "Test from API",
        "caption": "API Testing!",
        "file": base64.b64encode(PNG).decode(),
        "filename": "../../batman.png",
    }
    response = ds.post("/campaigns/1672/reportback", json=values, headers=batman)
    assert response.status_code == 200
    (rbid,) = response.json()
    reportback = ds.get(f"/reportbacks/{rbid}", headers=admin).json()["data"]
    assert reportback["quantity"] == 30 and reportback["why_participated"] == "Test from API"
    assert reportback["campaign"] == {"id": "1672", "title": "Fur Your Information"}
    assert reportback["user"] == {"id": "38"}
    (item,) = reportback["reportback_items"]["data"]
    assert item["status"] == "pending" and item["caption"] == "API Testing!"
    media = item["media"]["uri"]
    assert (
        media == "http://testserver/dosomething/sites/default/files/styles/480x480/public/reportbacks/1672/batman.png"
    )
    served = client.get(media)
    assert served.status_code == 200 and served.content == PNG and served.headers["content-type"] == "image/png"
    # A signup was made for the reportback; the pending photo is hidden from the public.
    assert ds.get("/signups", params={"user": 38, "campaigns": 1672}).json()["data"][0]["reportback"]["id"] == rbid
    assert ds.get(f"/reportback-items/{item['id']}").json() == {"error": {"message": "No reportback items data found."}}
    # Reporting back again updates the same reportback and adds the new photo.
    again = {"quantity": 45, "file_url": "https://example.com/more.jpg"}
    assert ds.post("/campaigns/1672/reportback", json=again, headers=batman).json() == [rbid]
    updated = ds.get(f"/reportbacks/{rbid}", headers=admin).json()["data"]
    assert updated["quantity"] == 45 and updated["why_participated"] == "Test from API"
    assert [i["media"]["uri"] for i in updated["reportback_items"]["data"]][1] == "https://example.com/more.jpg"


def test_reportback_refusals_change_nothing(ds, batman):
    bad_url = ds.post(
        "/campaigns/1672/reportback",
        json={"quantity": 1, "why_participated": "x", "file_url": "not a url"},
        headers=batman,
    )
    assert bad_url.status_code == 500 and bad_url.json() == ["Reportback file_url not found."]
    bad_file = ds.post(
        "/campaigns/1672/reportback",
        json={"quantity": 1, "why_participated": "x", "file": "%%%", "filename": "a.jpg"},
        headers=batman,
    )
    assert bad_file.status_code == 500 and bad_file.json() == ["Could not write file to destination"]
    no_file = ds.post("/campaigns/1672/reportback", json={"quantity": 1, "why_participated": "x"}, headers=batman)
    assert no_file.status_code == 200 and no_file.json() == [False]
    assert ds.post("/campaigns/1672/reportback", json={"quantity": 1}).json() == ["Must be logged in!"]
    assert ds.get("/signups", params={"user": 38, "campaigns": 1672}).json() == {"data": []}


def test_reportback_1982_is_the_documented_example(ds):
    assert ds.get("/reportbacks/1982").json() == {
        "data": {
            "id": "1982",
            "created_at": "1427226250",
            "updated_at": "1428442705",
            "quantity": 12,
            "why_participated": "Nulla vitae elit libero, a pharetra augue.",
            "flagged": False,
            "reportback_items": {
                "total": 2,
                "data": [
                    {
                        "id": "1990",
                        "caption": "Sed posuere consectetur est.",
                        "uri": f"{BASE}/reportback-items/1990",
                        "media": {
                            "uri": "https://www.dosomething.org/sites/default/files/styles/480x480/public/image1990.jpeg",
                            "type": "image",
                        },
                        "created_at": "1427226250",
                        "status": "approved",
                    },
                    {
                        "id": "1992",
                        "caption": "Cras justo odio, facilisis.",
                        "uri": f"{BASE}/reportback-items/1992",
                        "media": {
                            "uri": "https://www.dosomething.org/sites/default/files/styles/480x480/public/image1992.jpeg",
                            "type": "image",
                        },
                        "created_at": "1427226629",
                        "status": "approved",
                    },
                ],
            },
            "campaign": {"id": "58", "title": "Shelter Pet PR"},
            "user": {"id": "128847239"},
        }
    }
    assert ds.get("/reportbacks/5").json() == {"error": {"message": "No reportback data found."}}


def test_reportbacks_index_filters(ds, admin):
    def ids(headers=None, **params):
        return [r["id"] for r in ds.get("/reportbacks", params=params, headers=headers or {}).json()["data"]]

    assert ids(campaigns="58") == ["1982"]
    assert ids(campaigns="58,1321")[:3] == ["895", "1982", "90001"]
    assert ids(ids="75,1982") == ["75", "1982"]
    assert len(ids(count=5)) == 5
    assert ids(count=5, page=2) == ids(count=10)[5:]
    flagged = ids(headers=admin, flagged="true", status="flagged")
    assert flagged and not set(flagged) & set(ids(headers=admin, status="flagged"))
    # Pending photos only count for reviewers.
    assert ids(status="pending") == []
    assert "681" in ids(headers=admin, status="pending")


def test_reportback_item_85071_is_the_documented_example(ds):
    assert ds.get("/reportback-items/85071").json() == {
        "data": {
            "id": "85071",
            "caption": "For a great cause!",
            "uri": f"{BASE}/reportback-items/85071",
            "media": {
                "uri": "https://dosomething-a.akamaihd.net/sites/default/files/styles/480x480/public/reportbacks/362/image.jpg",
                "type": "image",
            },
            "created_at": "1426110120",
            "status": "approved",
            "reportback": {
                "id": "63344",
                "created_at": "1425694214",
                "updated_at": "1426697649",
                "quantity": 151,
                "why_participated": "So many clothes and other textiles go to waste every year because they are "
                "unwanted and too worn to go to Goodwill. This is a great way to get rid of those clothes and help "
                "out the environment too!",
                "flagged": False,
            },
            "campaign": {"id": "362", "title": "Comeback Clothes"},
            "user": {
                "id": "1892717",
                "first_name": "John",
                "last_name": "Dow",
                "photo": "https://avatar.dosomething.org/uploads/avatars/55566327bffebc0b3e8b45a5.jpeg",
                "country": "US",
            },
        }
    }


def test_reportback_items_572_658_5874_as_documented(ds):
    items = {i: ds.get(f"/reportback-items/{i}").json()["data"] for i in ("572", "658", "5874")}
    assert items["572"]["caption"] == "DoSomething? Just did!"
    assert items["572"]["reportback"]["id"] == "78" and items["572"]["user"] == {"id": "2688313"}
    assert items["658"]["reportback"]["why_participated"] == "Because I want everybody to look cool!"
    assert items["5874"]["campaign"] == {"id": "1321", "title": "Hunt Day 5: Band-Aid Brigade"}
    assert items["5874"]["user"]["last_name"] == "Smith"


def test_reportback_items_paging(ds):
    params = {"campaigns": "1321,362,1283", "status": "promoted,approved", "count": 3}
    body = ds.get("/reportback-items", params=params).json()
    assert list(body) == ["pagination", "retrieved_count", "data"]
    total = body["pagination"]["total"]
    assert body["pagination"] == {
        "total": total,
        "per_page": 3,
        "current_page": 1,
        "total_pages": -(-total // 3),
        "prev_uri": None,
        "next_uri": f"{BASE}/reportback-items?campaigns=1321,362,1283&status=promoted,approved&count=3&page=2",
    }
    assert body["retrieved_count"] == 3
    all_ids = [i["id"] for i in ds.get("/reportback-items", params={**params, "count": 100}).json()["data"]]
    assert len(all_ids) == total
    second = ds.get("/reportback-items", params={**params, "page": 2}).json()
    assert [i["id"] for i in second["data"]] == all_ids[3:6]
    assert second["pagination"]["prev_uri"].endswith("&count=3&page=1")
    everything = ds.get("/reportback-items", params={"campaigns": "1321,362,1283", "count": 100}).json()
    assert {i["status"] for i in everything["data"]} == {"promoted", "approved"}
    assert {i["campaign"]["id"] for i in everything["data"]} == {"1321", "362", "1283"}
    excluded = ds.get("/reportback-items", params={**params, "exclude": all_ids[0], "count": 100}).json()
    assert [i["id"] for i in excluded["data"]] == all_ids[1:]


def test_anonymous_callers_only_see_promoted_and_approved(ds, batman, admin):
    assert ds.get("/reportback-items", params={"status": "pending,excluded"}).json() == {"data": []}
    assert ds.get("/reportback-items", params={"status": "pending"}, headers=batman).json() == {"data": []}
    reviewer = ds.get("/reportback-items", params={"status": "pending", "count": 100}, headers=admin).json()
    assert reviewer["data"] and {i["status"] for i in reviewer["data"]} == {"pending"}
    assert ds.get("/reportback-items/500").json() == {"error": {"message": "No reportback items data found."}}
    assert ds.get("/reportback-items/500", headers=admin).json()["data"]["status"] == "pending"


def test_review_a_reportback_file(ds, batman, admin):
    refused = ds.post("/reportback_files/500/review", json={"status": "approved"}, headers=batman)
    assert refused.status_code == 403 and refused.json() == ["Access denied for user batman"]
    anonymous = ds.post("/reportback_files/500/review", json={"status": "approved"})
    assert anonymous.status_code == 403 and anonymous.json() == ["Access denied for user anonymous"]
    missing = ds.post("/reportback_files/500/review", json={}, headers=admin)
    assert missing.status_code == 401 and missing.json() == ["Missing required argument status"]
    assert ds.get("/reportback-items/500").json() == {"error": {"message": "No reportback items data found."}}
    reviewed = ds.post("/reportback_files/500/review", json={"status": "approved"}, headers=admin)
    assert reviewed.status_code == 200
    entity = reviewed.json()
    assert entity["fid"] == "500" and entity["status"] == "approved" and entity["reviewer"] == "1"
    assert ds.get("/reportback-items/500").json()["data"]["status"] == "approved"
    unknown = ds.post("/reportback_files/999999/review", json={"status": "approved"}, headers=admin)
    assert unknown.status_code == 200 and unknown.json() is None


def test_flagging_with_delete_removes_the_file_and_flags_the_reportback(ds, admin):
    values = {"status": "flagged", "flagged_reason": "inappropriate", "delete": 1}
    response = ds.post("/reportback_files/499/review", json=values, headers=admin)
    assert response.json()["flagged_reason"] == "inappropriate"
    assert ds.get("/reportback-items/499", headers=admin).json() == {
        "error": {"message": "No reportback items data found."}
    }
    assert ds.get("/reportbacks/75", headers=admin).json()["data"]["flagged"] is True
    assert "75" not in [r["id"] for r in ds.get("/reportbacks", params={"count": 100}).json()["data"]]
