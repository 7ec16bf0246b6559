"""Each vendor's administrator's credentials as plain request headers, for tests that call every vendor."""

VENDORS = ("crowdskout", "crowdynews", "dosomething", "ideascale", "ushahidi")
# The user `POST /__admin/tokens` mints for, where the vendor's default user is not its administrator.
ADMINS = {"dosomething": "admin", "ushahidi": "admin@ushahidi.com"}


def admin_headers(post, vendor: str) -> dict[str, str]:
    """`post(path, json=...)` is a client's post (TestClient, httpx). Cookies go into a Cookie header and a query
    token into a Bearer header, which every vendor that takes one accepts too."""
    response = post("/__admin/tokens", json={"vendor": vendor, "user": ADMINS.get(vendor)})
    assert response.status_code == 200, response.text
    minted = response.json()
    headers = dict(minted["headers"])
    if minted["cookies"]:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in minted["cookies"].items())
    if "access_token" in minted["query"]:
        headers["Authorization"] = f"Bearer {minted['query']['access_token']}"
    return headers
