"""kudos, terms, taxonomy_term, users and the system variables."""

BASE = "http://testserver/dosomething/api/v1"


def test_kudos_list_and_get(ds):
    body = ds.get("/kudos", params={"reportbackitems": "572"}).json()
    groups = body["kudos"]["data"]
    assert [g["term"] for g in groups] == [{"id": "641", "name": "heart"}, {"id": "642", "name": "thumbs up"}]
    heart = groups[0]["kudos_items"]
    assert heart["total"] == 2
    assert heart["data"][0] == {
        "id": "1015",
        "user": {
            "drupal_id": "4878998",
            "id": None,
            "first_name": "John",
            "last_name": "Smith",
            "photo": "https://avatar.dosomething.org/uploads/avatars/55566327bffebc0b3e8b45a7.jpeg",
            "country": "US",
        },
        "uri": f"{BASE}/kudos/1015",
    }
    assert ds.get("/kudos", params={"reportbackitems": "1990"}).json() == {"error": {"message": "No kudos data found."}}
    single = ds.get("/kudos/1017").json()["data"]
    assert single["term"] == {"id": "642", "name": "thumbs up"} and single["reportback_item"] == {"id": "572"}
    assert ds.get("/kudos/1").json() == {"error": {"message": "No kudos data found."}}


def test_kudos_create_and_delete(ds, batman, admin):
    values = {"reportback_item_id": 1990, "user_id": 38, "term_ids": [641, 642, 123]}
    anonymous = ds.post("/kudos", json=values)
    assert anonymous.status_code == 403 and anonymous.json() == ["Access denied for user anonymous"]
    missing = ds.post("/kudos", json={"reportback_item_id": 1990, "user_id": 38}, headers=batman)
    assert missing.status_code == 401 and missing.json() == ["Missing required argument term_ids"]
    # 123 is a tag, not a kudos term.
    assert ds.post("/kudos", json=values, headers=batman).json() == {"created": 2, "failed": 1}
    assert ds.post("/kudos", json=values, headers=batman).json() == {"created": 0, "failed": 3}
    groups = ds.get("/kudos", params={"reportbackitems": "1990"}).json()["kudos"]["data"]
    kid = groups[0]["kudos_items"]["data"][0]["id"]
    assert ds.get("/reportback-items/1990").json()["data"]["id"] == "1990"
    other = ds.login({"username": "thumbwarrior", "password": "password"})
    refused = ds.delete(f"/kudos/{kid}", headers=other)
    assert refused.status_code == 403 and refused.json() == ["Access denied for user thumbwarrior"]
    deleted = ds.delete(f"/kudos/{kid}", headers=batman)
    assert deleted.json() == {"success": {"message": "Kudos record successfully deleted."}}
    assert ds.delete(f"/kudos/{kid}", headers=batman).json() == {
        "error": {"message": "The specified kudos record id is not valid."}
    }


def test_terms_lists_causes_with_an_inbox_for_reviewers(ds, admin):
    terms = ds.get("/terms").json()
    assert [t["name"] for t in terms] == ["animals", "bullying", "disasters", "education", "environment", "health"]
    assert terms[4] == {
        "tid": 4,
        "vid": 2,
        "name": "environment",
        "description": "",
        "format": "markdown",
        "weight": "4",
        "depth": 0,
        "parents": ["0"],
    }
    reviewer = {t["name"]: t["inbox"] for t in ds.get("/terms", headers=admin).json()}
    assert reviewer["environment"] > 0 and reviewer["disasters"] == 0


def test_term_inbox(ds, batman, admin):
    refused = ds.get("/terms/4/inbox")
    assert refused.status_code == 403 and refused.json() == ["Access denied for user anonymous"]
    assert ds.get("/terms/4/inbox", headers=batman).status_code == 403
    inbox = ds.get("/terms/4/inbox", params={"count": 2}, headers=admin).json()
    assert len(inbox) == 2
    first = inbox[0]
    assert list(first) == [
        "fid", "nid", "quantity", "rbid", "timestamp", "uid", "caption", "why_participated", "quantity_label", "src",
    ]  # fmt: skip
    assert isinstance(first["fid"], int) and first["quantity_label"] in ("Items Recycled", "Jeans collected")
    offset = ds.get("/terms/4/inbox", params={"count": 1, "offset": 1}, headers=admin).json()
    assert offset == inbox[1:2]


def test_taxonomy_term_123_as_documented(ds):
    assert ds.get("/taxonomy_term/123").json() == {
        "tid": "123",
        "vid": "5",
        "name": "Sports",
        "description": "",
        "format": "markdown",
        "weight": "0",
        "uuid": "9fb331e7-e09e-4a98-8cae-0234e3855305",
        "vocabulary_machine_name": "tags",
        "metatags": [],
    }
    assert ds.get("/taxonomy_term/999").json() == [False]


def test_taxonomy_term_index_and_admin_writes(ds, batman, admin):
    tags = ds.get("/taxonomy_term", params={"parameters[vid]": "6", "fields": "tid,name"}).json()
    assert tags == [
        {"tid": "641", "name": "heart", "uri": f"{BASE}/taxonomy_term/641"},
        {"tid": "642", "name": "thumbs up", "uri": f"{BASE}/taxonomy_term/642"},
        {"tid": "643", "name": "wow", "uri": f"{BASE}/taxonomy_term/643"},
    ]
    assert ds.post("/taxonomy_term", json={"term": {"vid": 6, "name": "lol"}}, headers=batman).status_code == 403
    assert ds.post("/taxonomy_term", json={"term": {"vid": 6, "name": "lol"}}, headers=admin).json() == [1]
    names = [t["name"] for t in ds.get("/taxonomy_term", params={"parameters[vid]": "6"}).json()]
    assert names == ["heart", "thumbs up", "wow", "lol"]
    assert ds.put("/taxonomy_term/643", json={"term": {"name": "whoa"}}, headers=admin).json() == [2]
    assert ds.get("/taxonomy_term/643").json()["name"] == "whoa"
    assert ds.delete("/taxonomy_term/643", headers=admin).json() == [3]
    assert ds.get("/taxonomy_term/643").json() == [False]


def test_find_users_is_for_administrators(ds, batman, admin):
    refused = ds.get("/users", params={"parameters[mobile]": "2125550001"}, headers=batman)
    assert refused.status_code == 403 and refused.json() == ["Access denied for user batman"]
    assert ds.get("/users", params={"parameters[mobile]": "2125550001"}, headers=admin).json() == [{"uid": "5"}]
    by_mail = ds.get("/users", params={"parameters[email]": "Batman@Example.com"}, headers=admin)
    assert by_mail.json() == [{"uid": "38"}]
    assert ds.get("/users", params={"parameters[email]": "nobody@example.com"}, headers=admin).json() == []
    missing = ds.get("/users", headers=admin)
    assert missing.status_code == 401 and missing.json() == ["Missing required argument parameters"]


def test_create_user(ds, admin):
    values = {
        "email": "robin@example.com",
        "password": "password",
        "birthdate": "1995-12-31",
        "first_name": "Aaroni",
        "last_name": "Schachterelli",
        "user_registration_source": "services",
    }
    response = ds.post("/users", json=values)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "mail", "name", "status", "created", "pass", "field_birthdate", "field_first_name", "field_last_name",
        "field_user_registration_source", "uuid", "uid", "theme", "signature", "access", "login", "language",
        "picture", "init", "roles", "field_under_thirteen", "field_address",
    ]  # fmt: skip
    assert body["mail"] == body["name"] == "robin@example.com" and body["status"] == 1
    assert body["pass"].startswith("$S$D") and len(body["pass"]) == 55
    assert body["field_birthdate"] == {
        "und": [{"value": "1995-12-31", "timezone": "UTC", "timezone_db": "UTC", "date_type": "datetime"}]
    }
    assert body["field_first_name"] == {"und": [{"value": "Aaroni"}]}
    assert body["roles"] == {"2": "authenticated user"} and body["field_under_thirteen"] == {"und": [{"value": 0}]}
    assert body["field_address"]["und"][0]["country"] == "US"
    assert ds.get("/users", params={"parameters[email]": "robin@example.com"}, headers=admin).json() == [
        {"uid": body["uid"]}
    ]
    login = ds.post("/auth/login", json={"username": "robin@example.com", "password": "password"})
    assert login.status_code == 200 and login.json()["user"]["uid"] == body["uid"]


def test_create_user_refusals(ds):
    taken = ds.post("/users", json={"email": "batman@example.com"})
    assert taken.status_code == 403 and taken.json() == ["Email batman@example.com is registered to User uid 38."]
    missing = ds.post("/users", json={"first_name": "No"})
    assert missing.status_code == 500 and missing.json() == ["Email is required."]
    assert ds.post("/users", json={"email": ["x"]}).status_code == 500


def test_member_count_and_set_variable(ds, batman, admin):
    assert ds.post("/users/get_member_count").json() == {"formatted": "2,900,343", "readable": "2.9 million"}
    values = {"name": "dosomething_user_member_count", "value": 3596441}
    refused = ds.post("/system/set_variable", json=values, headers=batman)
    assert refused.status_code == 403 and refused.json() == ["Access denied for user batman"]
    missing = ds.post("/system/set_variable", json={"name": "x"}, headers=admin)
    assert missing.status_code == 401 and missing.json() == ["Missing required argument value"]
    done = ds.post("/system/set_variable", json=values, headers=admin)
    assert done.status_code == 200 and done.json() is None
    assert ds.post("/users/get_member_count").json() == {"formatted": "3,596,441", "readable": "3.5 million"}


def test_current_user_activity(ds, batman, admin):
    assert ds.get("/users/current/activity", params={"nid": 362}, headers=admin).json() == {
        "sid": "1361",
        "signed_up": "1422312631",
        "source": None,
        "rbid": "681",
        "created": "1422046181",
        "updated": "1422046181",
        "quantity": "1",
        "why_participated": "12",
        "num_participants": None,
        "flagged": "0",
        "flagged_reason": None,
        "fids": ["1881"],
        "node_title": "Comeback Clothes",
        "noun": "Items",
        "verb": "Recycled",
        "quantity_label": "Items Recycled",
    }
    assert ds.get("/users/current/activity", params={"nid": 1672}, headers=admin).json() == {}
    of_98 = ds.get("/users/98/activity", headers=admin).json()
    assert [a["sid"] for a in of_98] == ["42", "243"]
    refused = ds.get("/users/current/activity", params={"nid": 362}, headers=batman)
    assert refused.status_code == 403 and refused.json() == ["Access denied for user batman"]
    invalid = ds.get("/users/nobody/activity", headers=admin)
    assert invalid.status_code == 403 and invalid.json() == ["Invalid uid value nobody."]


def test_password_reset_url(ds, batman, admin):
    (url,) = ds.post("/users/38/password_reset_url", headers=admin).json()
    prefix = "http://testserver/dosomething/user/reset/38/"
    assert url.startswith(prefix) and url.endswith("/login")
    assert ds.post("/users/38/password_reset_url", headers=batman).status_code == 403
    assert ds.post("/users/38/password_reset_url").json() == ["Access denied for user anonymous"]
