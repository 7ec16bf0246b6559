"""/api/v3/tos as Ushahidi's tests/Integration/tos.feature has it (docs/vendors/ushahidi.md §1.14): a signed-in user
records and lists their own agreements; an anonymous caller is refused with 403."""

from tests.credentials import admin_headers

VERSION = {"tos_version_date": "2017-07-14T19:12:20+00:00"}


def _user(client) -> dict:
    minted = client.post("/__admin/tokens", json={"vendor": "ushahidi", "user": "robbie@ushahidi.com"}).json()
    return minted["headers"]


def test_a_user_records_an_agreement_and_lists_their_own(client):
    user = _user(client)
    made = client.post("/ushahidi/api/v3/tos", json=VERSION, headers=user)
    assert made.status_code == 200, made.text
    body = made.json()
    assert list(body) == ["id", "url", "user", "agreement_date", "tos_version_date", "allowed_privileges"]
    assert isinstance(body["id"], int) and body["tos_version_date"] == "2017-07-14T19:12:20+00:00"
    assert body["user"]["id"] == 2 and body["allowed_privileges"] == ["read", "create", "search"]
    listed = client.get("/ushahidi/api/v3/tos", headers=user).json()
    assert [t["tos_version_date"] for t in listed["results"]] == ["2017-07-14T19:12:20+00:00"]
    assert listed["count"] == 1
    assert client.get(f"/ushahidi/api/v3/tos/{body['id']}", headers=user).json() == body
    # Another user sees none of it.
    admin = admin_headers(client.post, "ushahidi")
    assert client.get("/ushahidi/api/v3/tos", headers=admin).json()["results"] == []
    assert client.get(f"/ushahidi/api/v3/tos/{body['id']}", headers=admin).status_code == 403


def test_anonymous_callers_can_neither_record_nor_list(client, ush):
    anonymous = ush.headers(None, "tos")  # a client-credentials token: no user behind it
    assert client.post("/ushahidi/api/v3/tos", json=VERSION, headers=anonymous).status_code == 403
    assert client.get("/ushahidi/api/v3/tos", headers=anonymous).status_code == 403
    assert client.get("/ushahidi/api/v3/tos").status_code == 401


def test_a_bad_date_is_refused_and_nothing_is_stored(client):
    user = _user(client)
    for bad in ("not a date", None, 10**30, True):
        refused = client.post("/ushahidi/api/v3/tos", json={"tos_version_date": bad}, headers=user)
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.json()["errors"][1]["source"] == {"pointer": "/tos_version_date"}
    assert client.get("/ushahidi/api/v3/tos", headers=user).json()["count"] == 0
