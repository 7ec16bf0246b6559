"""Over https (ASGI scheme https) Drupal 7 names the session `SSESS<hash>` and marks its cookie `secure`, also when
logout deletes it, as @dosomething/phoenix-js's tests expect; links (`uri`, `next_uri`, uploaded photos, password
reset links) start with https. Plain http keeps `SESS<hash>` without `secure` (docs/vendors/dosomething.md §2.5)."""

import base64
import re

import pytest

from tests.dosomething.conftest import ADMIN, BATMAN

HASH = "8de1794320df15914c40c2b37d51eff2"
EXPIRES = r"expires=\w{3}, \d{2}-\w{3}-\d{4} \d{2}:\d{2}:\d{2} GMT"
DELETED = "=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0; path=/"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def log_in(client, api: str, who: dict = BATMAN) -> tuple[dict, dict]:
    response = client.post(f"{api}/auth/login", json=who)
    assert response.status_code == 200, response.text
    client.cookies.clear()  # sessions stay explicit
    body = response.json()
    headers = {"Cookie": f"{body['session_name']}={body['sessid']}", "X-CSRF-Token": body["token"]}
    return response, headers


@pytest.mark.parametrize(
    ("api", "name", "secure"),
    [
        ("https://testserver/dosomething/api/v1", "SSESS" + HASH, "; secure"),
        ("https://www.dosomething.org/api/v1", "SSESS" + HASH, "; secure"),
        ("http://testserver/dosomething/api/v1", "SESS" + HASH, ""),
    ],
)
def test_the_session_cookie_follows_the_scheme(client, api, name, secure):
    response, headers = log_in(client, api)
    body = response.json()
    assert body["session_name"] == name
    cookie = rf"{name}={re.escape(body['sessid'])}; {EXPIRES}; Max-Age=2000000; path=/{secure}; HttpOnly"
    assert re.fullmatch(cookie, response.headers["set-cookie"])
    connected = client.post(f"{api}/system/connect", headers=headers).json()
    assert (connected["session_name"], connected["sessid"], connected["user"]["name"]) == (
        name,
        body["sessid"],
        "batman",
    )
    signup = client.post(f"{api}/campaigns/1672/signup", json={"source": "tls"}, headers=headers)
    assert signup.status_code == 200 and re.fullmatch(r'\["\d+"\]', signup.text)
    out = client.post(f"{api}/auth/logout", headers=headers)
    assert out.json() == [True]
    assert out.headers["set-cookie"] == f"{name}{DELETED}{secure}; HttpOnly"
    assert client.post(f"{api}/system/connect", headers=headers).json()["user"] == {"uid": "0"}


def test_anonymous_connect_names_the_secure_session(client):
    body = client.post("https://www.dosomething.org/api/v1/system/connect", json={}).json()
    assert body["session_name"] == "SSESS" + HASH and body["user"] == {"uid": "0"}


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_links_follow_the_scheme(client, scheme):
    api = f"{scheme}://testserver/dosomething/api/v1"
    items = client.get(f"{api}/reportback-items", params={"status": "promoted", "count": 1}).json()
    assert items["pagination"]["next_uri"] == f"{api}/reportback-items?status=promoted&count=1&page=2"
    assert items["data"][0]["uri"] == f"{api}/reportback-items/90059"
    assert client.get(f"{api}/kudos/1015").json()["data"]["uri"] == f"{api}/kudos/1015"
    assert client.get(f"{api}/campaigns/362").json()["data"]["uri"] == f"{api}/campaigns/362"


def test_links_on_the_real_host_over_https(client):
    api = "https://www.dosomething.org/api/v1"
    assert client.get(f"{api}/kudos/1015").json()["data"]["uri"] == f"{api}/kudos/1015"


def test_uploads_and_reset_links_over_https(client):
    api = "https://www.dosomething.org/api/v1"
    _, batman = log_in(client, api)
    _, admin = log_in(client, api, ADMIN)
    photo = {"quantity": 3, "why_participated": "TLS", "caption": "Secure", "file": base64.b64encode(PNG).decode()}
    sent = client.post(f"{api}/campaigns/1672/reportback", json={**photo, "filename": "tls.png"}, headers=batman)
    (rbid,) = sent.json()
    (item,) = client.get(f"{api}/reportbacks/{rbid}", headers=admin).json()["data"]["reportback_items"]["data"]
    media = item["media"]["uri"]
    assert media == "https://www.dosomething.org/sites/default/files/styles/480x480/public/reportbacks/1672/tls.png"
    assert client.get(media).content == PNG
    (reset,) = client.post(f"{api}/users/38/password_reset_url", headers=admin).json()
    assert re.fullmatch(r"https://www\.dosomething\.org/user/reset/38/\d+/[\w-]{43}/login", reset)
