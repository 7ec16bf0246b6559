"""Snapshots: export the whole store, load it back exactly; a bad snapshot is refused whole and changes nothing."""

import copy

import pytest

MEMBER = {"api_token": "00000000-0000-4000-8000-000000000002"}
ADMIN = {"api_token": "00000000-0000-4000-8000-000000000001"}


def export(client, **params) -> dict:
    response = client.get("/__admin/snapshot", params=params)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    return response.json()


def load(client, snapshot) -> object:
    return client.post("/__admin/snapshot", json=snapshot)


def without_time(snapshot: dict) -> dict:
    return {k: v for k, v in snapshot.items() if k != "exported_at"}


def ushahidi_admin(client) -> dict:
    return client.post("/__admin/tokens", json={"vendor": "ushahidi", "user": "admin@ushahidi.com"}).json()["headers"]


def test_export_holds_every_vendor_and_the_documented_rows(client):
    snapshot = export(client)
    assert (snapshot["format"], snapshot["version"]) == ("crowdmock-snapshot", 1)
    assert sorted(snapshot["vendors"]) == ["crowdskout", "crowdynews", "dosomething", "ideascale", "ushahidi"]
    posts = {row["id"]: row for row in snapshot["vendors"]["ushahidi"]["ushahidi_post"]}
    assert posts[8328]["title"] and 18100 in posts
    only = export(client, vendor="ideascale")
    assert list(only["vendors"]) == ["ideascale"]
    assert client.get("/__admin/snapshot", params={"vendor": "acme"}).status_code == 404


def test_round_trip(client):
    saved = export(client)
    assert client.delete("/ushahidi/api/v3/posts/8328", headers=ushahidi_admin(client)).status_code == 200
    uploaded = client.post(
        "/ideascale/a/rest/v1/members/2/avatar/upload",
        files={"avatar": ("me.png", b"\x89PNG", "image/png")},
        headers=MEMBER,
    ).json()["url"]
    changed = export(client)
    assert without_time(changed) != without_time(saved)

    response = load(client, saved)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "loaded": list(saved["vendors"])}
    assert client.get("/ushahidi/api/v3/posts/8328").status_code == 200
    assert client.get(uploaded).status_code == 404
    assert without_time(export(client)) == without_time(saved)

    # Binary columns travel as base64: the uploaded avatar comes back with the later snapshot.
    assert load(client, changed).status_code == 200
    assert client.get(uploaded).content == b"\x89PNG"
    assert client.get("/ushahidi/api/v3/posts/8328").status_code == 404


def test_loading_one_vendor_leaves_the_others_alone(client):
    saved = export(client, vendor="ushahidi")
    admin = ushahidi_admin(client)
    client.delete("/ushahidi/api/v3/posts/8328", headers=admin)
    client.post("/ideascale/a/rest/v1/campaign", json={"name": "Kept"}, headers=ADMIN)
    assert load(client, saved).json()["loaded"] == ["ushahidi"]
    assert client.get("/ushahidi/api/v3/posts/8328").status_code == 200
    names = [c["name"] for c in client.get("/ideascale/a/rest/v1/campaigns", headers=ADMIN).json()]
    assert "Kept" in names


def _bad_snapshots(good: dict):
    def edited(edit):
        snapshot = copy.deepcopy(good)
        edit(snapshot)
        return snapshot

    posts = lambda s: s["vendors"]["ushahidi"]["ushahidi_post"]  # noqa: E731
    yield "not an object", [1, 2]
    yield "wrong format", edited(lambda s: s.update(format="something-else"))
    yield "no vendors", edited(lambda s: s.update(vendors={}))
    yield "unknown vendor", edited(lambda s: s["vendors"].update(acme={}))
    yield "unknown table", edited(lambda s: s["vendors"]["ushahidi"].update(ushahidi_pets=[]))
    yield "missing table", edited(lambda s: s["vendors"]["ushahidi"].pop("ushahidi_tag"))
    yield "rows not a list", edited(lambda s: s["vendors"]["ushahidi"].update(ushahidi_tag={}))
    yield "row not an object", edited(lambda s: posts(s).append("post"))
    yield "unknown column", edited(lambda s: posts(s)[0].update(colour="red"))
    yield "wrong type", edited(lambda s: posts(s)[0].update(id="8328"))
    yield "null in a required column", edited(lambda s: posts(s)[0].update(status=None))
    yield "integer out of range", edited(lambda s: posts(s)[0].update(id=2**70))
    yield (
        "bad base64",
        edited(
            lambda s: s["vendors"]["ideascale"]["ideascale_stored_file"].append(
                {"path": "/x", "mime": "image/png", "content": "!!"}
            )
        ),
    )
    yield "duplicate key", edited(lambda s: posts(s).append(dict(posts(s)[0])))


def test_bad_snapshots_change_nothing(client):
    good = export(client)
    admin = ushahidi_admin(client)
    client.delete("/ushahidi/api/v3/posts/8328", headers=admin)
    before = without_time(export(client))
    for label, snapshot in _bad_snapshots(good):
        response = load(client, snapshot)
        assert response.status_code == 422, label
        body = response.json()
        assert body["error"] in ("invalid snapshot", "invalid request") and body["problems"], label
        assert without_time(export(client)) == before, label


@pytest.mark.parametrize("body", [b"", b"{", b"\xff\xfe"])
def test_unparseable_snapshot(client, body):
    response = client.post("/__admin/snapshot", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json() == {"error": "malformed JSON body", "problems": []}
