"""Revisions and translations under a parent post, and tags named in post bodies (docs/vendors/ushahidi.md §1.22-1.23).
The seed's post 9002 has revision 9010 and French translation 9011."""

import pytest

TRANSLATION = {"title": "Puente dañado", "content": "Versión en español.", "locale": "es_ES"}


def test_revisions_list_and_read_only_under_their_parent(ush, admin):
    listed = ush.get("/api/v3/posts/9002/revisions", headers=admin).json()
    assert listed["count"] == 1 and listed["total_count"] == 1
    assert [p["id"] for p in listed["results"]] == [9010]
    revision = ush.get("/api/v3/posts/9002/revisions/9010", headers=admin).json()
    assert revision["type"] == "revision" and revision["parent"] == {
        "id": 9002,
        "url": "http://testserver/ushahidi/api/v3/posts/9002",
    }
    # Not through /posts, not under another parent, and a report is no revision.
    assert ush.get("/api/v3/posts/9010", headers=admin).json() == {
        "errors": [{"status": 404, "message": "Could not locate any posts matching [id: 9010]"}]
    }
    assert ush.get("/api/v3/posts/9002/revisions/9002", headers=admin).json() == {
        "errors": [
            {
                "status": 404,
                "message": "Could not locate any posts matching [id: 9002, parent_id: 9002, locale: , type: revision]",
            }
        ]
    }
    assert ush.get("/api/v3/posts/99999/revisions", headers=admin).json() == {
        "errors": [{"status": 404, "message": "Could not locate any posts matching [parent_id: 99999, type: revision]"}]
    }


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_revisions_cannot_be_written(ush, admin, method):
    path = "/api/v3/posts/9002/revisions" + ("" if method == "post" else "/9010")
    kwargs = {"json": {"title": "x"}} if method != "delete" else {}
    response = getattr(ush, method)(path, headers=admin, **kwargs)
    assert response.status_code == 405
    assert response.json()["errors"][0]["status"] == 405
    assert (
        ush.get("/api/v3/posts/9002/revisions/9010", headers=admin).json()["title"] == "Bridge damaged after the storm"
    )


def test_translations_found_by_id_or_locale(ush, admin):
    listed = ush.get("/api/v3/posts/9002/translations", headers=admin).json()
    assert [p["id"] for p in listed["results"]] == [9011]
    by_locale = ush.get("/api/v3/posts/9002/translations/fr_FR", headers=admin).json()
    assert by_locale["id"] == 9011 and by_locale["locale"] == "fr_fr" and by_locale["type"] == "translation"
    assert ush.get("/api/v3/posts/9002/translations/9011", headers=admin).json() == by_locale
    missing = ush.get("/api/v3/posts/9002/translations/de_DE", headers=admin)
    assert missing.status_code == 404 and missing.json()["errors"][0]["message"] == (
        "Could not locate any posts matching [id: , parent_id: 9002, locale: de_DE, type: translation]"
    )
    # The revision is not a translation, and a translation has no translations of its own.
    assert ush.get("/api/v3/posts/9002/translations/9010", headers=admin).status_code == 404
    assert ush.get("/api/v3/posts/9011/translations/fr_FR", headers=admin).status_code == 404
    # Lists of posts show reports only.
    ids = [p["id"] for p in ush.get("/api/v3/posts?status=all", headers=admin).json()["results"]]
    assert 9010 not in ids and 9011 not in ids


def test_create_update_and_delete_a_translation(ush, admin):
    created = ush.post("/api/v3/posts/9002/translations", json=TRANSLATION, headers=admin)
    assert created.status_code == 200
    body = created.json()
    assert (body["type"], body["locale"], body["title"], body["parent"]["id"]) == (
        "translation",
        "es_es",
        "Puente dañado",
        9002,
    )
    assert body["form"]["id"] == 1  # the parent's survey
    updated = ush.put("/api/v3/posts/9002/translations/es_ES", json={"title": "Puente roto"}, headers=admin)
    assert updated.status_code == 200 and updated.json()["id"] == body["id"]
    assert ush.get(f"/api/v3/posts/9002/translations/{body['id']}", headers=admin).json()["title"] == "Puente roto"
    deleted = ush.delete(f"/api/v3/posts/9002/translations/{body['id']}", headers=admin)
    assert deleted.status_code == 200 and deleted.json()["title"] == "Puente roto"
    assert ush.get("/api/v3/posts/9002/translations", headers=admin).json()["total_count"] == 1


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("en_US", "Translation en_us for post 9002 already exists"),
        ("fr_FR", "Translation fr_fr for post 9002 already exists"),
    ],
)
def test_a_translation_needs_a_new_locale(ush, admin, locale, message):
    response = ush.post("/api/v3/posts/9002/translations", json={**TRANSLATION, "locale": locale}, headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"][1] == {
        "status": 422,
        "title": message,
        "message": message,
        "source": {"pointer": "/locale"},
    }
    assert ush.get("/api/v3/posts/9002/translations", headers=admin).json()["total_count"] == 1


def test_translation_writes_need_a_token_and_a_parent(ush, admin):
    assert ush.post("/api/v3/posts/9002/translations", json=TRANSLATION).status_code == 401
    missing = ush.post("/api/v3/posts/99999/translations", json=TRANSLATION, headers=admin)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["message"] == (
        "Could not locate any posts matching [parent_id: 99999, type: translation]"
    )
    assert ush.delete("/api/v3/posts/9002/translations/777", headers=admin).status_code == 404
    assert ush.get("/api/v3/posts/9002/translations", headers=admin).json()["total_count"] == 1


@pytest.mark.parametrize("tags", [["disaster"], ["Disaster"], [3], ["3"], [{"id": 3}]])
def test_post_tags_by_id_name_or_slug(ush, admin, tags):
    response = ush.put("/api/v3/posts/9000", json={"tags": tags}, headers=admin)
    assert response.status_code == 200
    body = response.json()
    assert body["tags"] == [{"id": 3, "url": "http://testserver/ushahidi/api/v3/tags/3"}]
    # Survey 1's first tags field by priority ("Status", priority 1) takes the legacy list.
    assert body["values"]["4695fc1a-f51d-4d59-b264-97083e4e8179"] == [3]
    assert "1bf39730-3019-4c49-a0c7-c988c519effa" not in body["values"]


def test_unknown_tag_names_are_refused_without_a_write(ush, admin):
    response = ush.put("/api/v3/posts/9000", json={"tags": ["explosion"], "title": "changed"}, headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"][1]["title"] == "category explosion does not exist"
    assert ush.get("/api/v3/posts/9000", headers=admin).json()["title"] == "Flooded road near the market"


def test_unknown_value_keys_and_too_many_values(ush, admin):
    unknown = ush.put("/api/v3/posts/9000", json={"values": {"nope": ["x"]}}, headers=admin)
    assert unknown.json()["errors"][1]["title"] == 'attribute "nope" does not exist'
    many = ush.put(
        "/api/v3/posts/9000",
        json={"values": {"location_default": [{"lat": 1, "lon": 2}, {"lat": 3, "lon": 4}]}},
        headers=admin,
    )
    assert many.status_code == 422
    assert many.json()["errors"][1]["title"] == "Too many values for Location (max: 1)"


def test_a_translation_changes_hands_only_by_a_manager(ush, admin, user):
    # The same update rules as a report's (docs/vendors/ushahidi.md §1.29): the owner may edit, not give it away.
    assert ush.put("/api/v3/posts/9002/translations/9011", json={"title": "Pont"}, headers=user).status_code == 200
    refused = ush.put("/api/v3/posts/9002/translations/9011", json={"user": {"id": 1}}, headers=user)
    assert refused.status_code == 403
    assert ush.get("/api/v3/posts/9002/translations/9011", headers=admin).json()["user"]["id"] == 2
    # The seeded translation has author fields: a user beside them fails onlyAuthorOrUserSet, so clear them.
    handover = {"user": {"id": 1}, "author_email": None, "author_realname": None}
    given = ush.put("/api/v3/posts/9002/translations/9011", json=handover, headers=admin)
    assert given.status_code == 200 and given.json()["user"]["id"] == 1
