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


def test_health_is_503_until_the_store_is_seeded(app, client):
    app.state.store.ready = False
    response = client.get("/__admin/health")
    assert response.status_code == 503 and response.json() == {"status": "starting", "vendors": {}}


def test_reset_reports_what_it_reset(client):
    body = client.post("/__admin/reset").json()
    assert body["status"] == "ok" and body["reset"] == [
        "crowdskout",
        "crowdynews",
        "dosomething",
        "ideascale",
        "ushahidi",
    ]
    assert body["duration_ms"] >= 0
    unknown = client.post("/__admin/reset?vendor=nope").json()
    assert unknown["error"] == "unknown vendor" and "ushahidi" in unknown["problems"][0]


def test_vendor_listing(client):
    vendors = client.get("/__admin/vendors").json()["vendors"]
    assert [v["name"] for v in vendors] == ["crowdskout", "crowdynews", "dosomething", "ideascale", "ushahidi"]
    crowdynews = vendors[1]
    assert crowdynews["bases"] == [
        {"real": "https://api.crowdynews.com", "mock": "http://testserver/crowdynews"},
        {"real": "https://q.crowdynews.com", "mock": "http://testserver/crowdynews/q"},
        {"real": "https://auth.crowdynews.com", "mock": "http://testserver/crowdynews/auth"},
    ]
    assert crowdynews["docs"] == "http://testserver/crowdynews/docs"
    assert crowdynews["credentials"] == [{"what": "OAuth client (HTTP Basic)", "value": "crowdmock / crowdmock-secret"}]


def test_admin_errors_are_json(client):
    assert client.get("/__admin/nothing").json() == {"error": "not found", "problems": []}
    assert client.put("/__admin/health").json() == {"error": "method not allowed", "problems": []}


def test_reset_while_requests_are_in_flight(live_server):
    """A reset and concurrent requests each get their own connection: no reset fails halfway."""
    import threading

    import httpx

    statuses: list[int] = []

    def hammer():
        with httpx.Client(base_url=live_server) as http:
            for _ in range(60):
                statuses.append(http.get("/ushahidi/api/v3/posts/8328").status_code)
                statuses.append(http.get("/__admin/health").status_code)

    workers = [threading.Thread(target=hammer) for _ in range(3)]
    for worker in workers:
        worker.start()
    with httpx.Client(base_url=live_server, timeout=30) as http:
        resets = [http.post("/__admin/reset").status_code for _ in range(15)]
    for worker in workers:
        worker.join()
    assert resets == [200] * 15
    assert set(statuses) == {200}
