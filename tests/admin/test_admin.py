def test_health_reports_seeded_vendors(client):
    response = client.get("/__admin/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "vendors": {
            name: {"seeded": True} for name in ("crowdskout", "crowdynews", "dosomething", "ideascale", "ushahidi")
        },
    }


def test_reset_brings_back_seeded_state(client):
    admin = client.post(
        "/ushahidi/oauth/token",
        data={
            "grant_type": "password",
            "client_id": "ushahidiui",
            "client_secret": "35e7f0bca957836d05ca0492211b0ac707671261",
            "username": "admin@ushahidi.com",
            "password": "testing",
            "scope": "*",
        },
    ).json()["access_token"]
    assert client.delete("/ushahidi/api/v3/posts/8328", headers={"Authorization": f"Bearer {admin}"}).status_code == 200
    assert client.get("/ushahidi/api/v3/posts/8328").status_code == 404
    response = client.post("/__admin/reset?vendor=ushahidi")
    assert response.status_code == 200 and response.json()["reset"] == ["ushahidi"]
    assert client.get("/ushahidi/api/v3/posts/8328").status_code == 200


def test_reset_unknown_vendor_is_404(client):
    assert client.post("/__admin/reset?vendor=nope").status_code == 404


def test_admin_has_its_own_docs(client):
    assert client.get("/__admin/openapi.json").json()["info"]["title"] == "crowdmock admin API"
