"""Each vendor's administrator's credentials as plain request headers, for tests that call every vendor."""

from crowdmock.vendors import VENDORS as REGISTRY

VENDORS = tuple(REGISTRY)


def admin_headers(post, vendor: str) -> dict[str, str]:
    """`post(path, json=...)` is a client's post (TestClient, httpx). Cookies go into a Cookie header and a query
    token into a Bearer header, which every vendor that takes one accepts too."""
    response = post("/__admin/tokens", json={"vendor": vendor, "user": REGISTRY[vendor].admin_user})
    assert response.status_code == 200, response.text
    minted = response.json()
    headers = dict(minted["headers"])
    if minted["cookies"]:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in minted["cookies"].items())
    if "access_token" in minted["query"]:
        headers["Authorization"] = f"Bearer {minted['query']['access_token']}"
    return headers
