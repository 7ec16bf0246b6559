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


def test_csv_lines_may_end_in_cr_crlf_or_lf(ush, admin):
    for ending in ("\r", "\r\n", "\n"):
        text = ending.join(["Title, Where, needs.0", "Flood, Kisumu, water", "Fire, Nakuru, "]) + ending
        upload = ush.post("/api/v3/csv", headers=admin, files={"file": ("old-mac.csv", text.encode(), "text/csv")})
        assert upload.status_code == 200
        assert upload.json()["columns"] == ["Title", " Where", " needs.0"]
        path = f"/api/v3/csv/{upload.json()['id']}"
        mapping = {"maps_to": ["title", None, None], "fixed": {"form": 2, "status": "published"}}
        assert ush.put(path, json=mapping, headers=admin).status_code == 200
        assert ush.post(f"{path}/import", json={}, headers=admin).json() == {"status": "SUCCESS"}
        assert ush.get(path, headers=admin).json()["processed"] == 2


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
    assert ush.get("/api/v3/exports/jobs").status_code == 401


def test_export_jobs_are_for_bulk_data_and_post_managers(ush, user):
    for path, action, ident in (("", "search", 0), ("/1", "read", 1)):
        response = ush.get(f"/api/v3/exports/jobs{path}", headers=user)
        message = f"User 2 is not allowed to {action} resource export_jobs #{ident}"
        assert (response.status_code, response.json()) == (403, {"errors": [{"status": 403, "message": message}]})


def test_a_job_list_holds_only_the_callers_jobs(ush, admin):
    manager = {"email": "qa@ushahidi.com", "password": "testing", "realname": "QA", "role": "QA Role"}
    assert ush.post("/api/v3/users", json=manager, headers=admin).status_code == 200
    qa = ush.headers("qa@ushahidi.com")
    job = ush.post(
        "/api/v3/exports/jobs", json={"entity_type": "post", "send_to_browser": True, "send_to_hdx": False}, headers=qa
    ).json()
    assert job["user"]["id"] != 1
    mine = ush.get("/api/v3/exports/jobs", headers=qa).json()
    assert ([j["id"] for j in mine["results"]], mine["total_count"]) == ([job["id"]], 1)
    # An administrator's list is their own too, whatever `user` asks for; the job itself stays readable.
    everyone = ush.get(f"/api/v3/exports/jobs?user={job['user']['id']}", headers=admin).json()
    assert [j["id"] for j in everyone["results"]] == [1]
    assert ush.get(f"/api/v3/exports/jobs/{job['id']}", headers=admin).status_code == 200
