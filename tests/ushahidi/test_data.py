"""Export jobs and CSV import (media: test_media.py)."""

from tests.ushahidi.conftest import documented


def test_csv_19_is_the_documented_example(ush, admin):
    body = ush.get("/api/v3/csv/19", headers=admin).json()
    assert body == {
        **documented("csv", 19),
        "allowed_privileges": ["read", "create", "update", "delete", "search"],
    }


def test_csv_upload_map_and_import_with_post(ush, admin):
    upload = ush.post(
        "/api/v3/csv",
        headers=admin,
        files={
            "file": (
                "reports.csv",
                b"Title,Description,Where\nFlood,Water rising,Kisumu\nFire,Smoke seen,\n",
                "text/csv",
            )
        },
    )
    assert upload.status_code == 200
    csv = upload.json()
    assert csv["columns"] == ["Title", "Description", "Where"] and csv["status"] is None
    mapped = ush.put(
        f"/api/v3/csv/{csv['id']}",
        headers=admin,
        json={"maps_to": ["title", "content", None], "fixed": {"form": 2, "status": "published"}},
    )
    assert mapped.status_code == 200
    assert ush.put(f"/api/v3/csv/{csv['id']}/import", headers=admin).status_code == 405  # docs/vendors/ushahidi.md §1.9
    imported = ush.post(f"/api/v3/csv/{csv['id']}/import", json={}, headers=admin)
    assert imported.status_code == 200 and imported.json() == {"status": "SUCCESS"}
    assert ush.get(f"/api/v3/csv/{csv['id']}", headers=admin).json()["processed"] == 2
    titles = {p["title"] for p in ush.get("/api/v3/posts?form=2", headers=admin).json()["results"]}
    assert {"Flood", "Fire"} <= titles


def test_csv_is_refused_to_users(ush, user):
    assert ush.get("/api/v3/csv/19", headers=user).status_code == 403


def test_export_jobs_of_the_current_user(ush, admin, user):
    body = ush.get("/api/v3/exports/jobs?user=me", headers=admin).json()
    assert [j["id"] for j in body["results"]] == [1]
    created = ush.post(
        "/api/v3/exports/jobs",
        json={
            "entity_type": "post",
            "fields": [],
            "filters": {"status": ["published"]},
            "send_to_hdx": False,
            "send_to_browser": True,
        },
        headers=admin,
    )
    assert created.status_code == 200 and created.json()["status"] == "SUCCESS"
    assert ush.post("/api/v3/exports/jobs", json={}, headers=user).status_code == 403
    assert ush.get("/api/v3/exports/jobs?user=me", headers=user).json()["total_count"] == 0
    assert ush.get("/api/v3/exports/jobs").status_code == 401
