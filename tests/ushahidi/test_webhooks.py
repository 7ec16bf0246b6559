"""/api/v3/webhooks as Ushahidi's tests/Integration/webhooks.feature has it, and their deliveries as the platform's
webhook:send command makes them (docs/vendors/ushahidi.md §1.21): a real receiver on a local socket gets each
created or updated post, signed with the webhook's shared secret."""

import base64
import hashlib
import hmac
import json
import queue
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

BASE = "/ushahidi/api/v3/webhooks"
SECRET = "f2416258639b0584c909dd9cdb33db347577435797471c6b995a8af382cd8cd6"
HOOK = {
    "name": "test",
    "entity_type": "post",
    "event_type": "create",
    "shared_secret": SECRET,
    "url": "https://someplace.com/webhook/trigger",
}
WAIT_SECONDS = 15  # a generous bound for a background delivery to arrive (not a timing assertion)


class Receiver:
    """A local HTTP server that keeps what it is sent and answers with `status`."""

    def __init__(self, status: int = 200):
        self.received: queue.Queue = queue.Queue()
        received, answer = self.received, status

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                received.put((self.path, dict(self.headers), self.rfile.read(length).decode()))
                payload = b'{"ok":true}'
                self.send_response(answer)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next(self):
        return self.received.get(timeout=WAIT_SECONDS)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def dead_url() -> str:
    """A local port nobody listens on: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def outgoing(client, url: str, count: int) -> list[dict]:
    """The journal's outgoing calls to `url`, once `count` of them are there (oldest first)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        entries = client.get("/__admin/requests", params={"path": url}).json()["requests"]
        if len(entries) >= count or time.monotonic() > deadline:
            return entries[::-1]
        time.sleep(0.05)


def signature(url: str, body: str, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), (url + body).encode(), hashlib.sha256).digest()).decode()


def test_an_admin_creates_a_webhook(client, admin):
    made = client.post(BASE, json=HOOK, headers=admin)
    assert made.status_code == 200, made.text
    body = made.json()
    assert list(body) == [
        "id",
        "url",
        "user",
        "form_id",
        "name",
        "shared_secret",
        "webhook_uuid",
        "event_type",
        "entity_type",
        "source_field_key",
        "destination_field_key",
        "created",
        "updated",
        "allowed_privileges",
    ]
    assert body["id"] == 2 and body["url"] == HOOK["url"] and body["shared_secret"] == SECRET
    assert body["user"] == {"id": 1, "url": "http://testserver/ushahidi/api/v3/users/1"}
    assert len(body["webhook_uuid"]) == 36 and body["form_id"] is None and body["updated"] is None
    assert body["allowed_privileges"] == ["read", "create", "update", "delete", "search"]
    assert client.get(f"{BASE}/2", headers=admin).json() == body


def test_listing_deleting_and_updating(client, admin):
    assert client.post(BASE, json={**HOOK, "event_type": "update"}, headers=admin).status_code == 200
    listed = client.get(BASE, params={"user": "0"}, headers=admin).json()
    assert [h["id"] for h in listed["results"]] == [1, 2] and listed["count"] == 2
    changed = client.put(f"{BASE}/2", json={"name": "renamed", "form_id": 1, "user_id": 2}, headers=admin)
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["form_id"], changed.json()["user"]["id"]) == ("renamed", 1, 1)
    assert changed.json()["updated"] is not None
    gone = client.delete(f"{BASE}/1", headers=admin)
    assert gone.status_code == 200 and gone.json()["id"] == 1 and gone.json()["event_type"] == "delete"
    missing = client.get(f"{BASE}/1", headers=admin)
    assert missing.json() == {"errors": [{"status": 404, "message": "Could not locate any webhooks matching [id: 1]"}]}
    assert [h["id"] for h in client.get(BASE, headers=admin).json()["results"]] == [2]


def test_only_admins_may_touch_webhooks(client, ush, user, admin):
    anonymous = ush.headers(None, "webhooks")
    refused = client.post(BASE, json=HOOK, headers=anonymous)
    assert refused.status_code == 403
    assert refused.json() == {
        "errors": [{"status": 403, "message": "User 0 is not allowed to create resource webhooks #0"}]
    }
    assert client.post(BASE, json=HOOK, headers=user).status_code == 403
    assert client.get(BASE, headers=user).status_code == 403
    assert client.delete(f"{BASE}/1", headers=user).status_code == 403
    assert client.get(BASE).status_code == 401
    assert client.get(BASE, headers=admin).json()["count"] == 1


def test_invalid_webhooks_are_422_and_nothing_is_stored(client, admin):
    cases = [
        ({**HOOK, "shared_secret": "short"}, "shared_secret", "shared_secret must be at least 20 characters long"),
        ({**HOOK, "url": "not a url"}, "url", "url must be a url"),
        ({**HOOK, "event_type": "search"}, "event_type", "event_type must be one of the available options"),
        ({**HOOK, "entity_type": "user"}, "entity_type", "entity_type must be one of the available options"),
        ({**HOOK, "name": "bad\u0000name"}, "name", "name does not match the required format"),
        ({k: v for k, v in HOOK.items() if k != "name"}, "name", "name must not be empty"),
        ({**HOOK, "form_id": 999}, "form_id", "form_id must exist"),
    ]
    for payload, field, message in cases:
        refused = client.post(BASE, json=payload, headers=admin)
        assert refused.status_code == 422, (payload, refused.text)
        assert refused.json()["errors"][1] == {
            "status": 422,
            "title": message,
            "message": message,
            "source": {"pointer": f"/{field}"},
        }
    assert client.put(f"{BASE}/1", json={"url": "nope"}, headers=admin).status_code == 422
    assert client.get(f"{BASE}/1", headers=admin).json()["url"] == "https://hooks.example.org/ushahidi/posts"
    assert client.get(BASE, headers=admin).json()["count"] == 1


def test_a_created_post_is_delivered_signed_to_a_live_receiver(client, admin, receiver):
    other_form = {**HOOK, "url": receiver.url, "form_id": 2}  # made first, so it would arrive first
    assert client.post(BASE, json=other_form, headers=admin).status_code == 200
    hook = client.post(BASE, json={**HOOK, "url": receiver.url, "source_field_key": "title"}, headers=admin).json()
    made = client.post(
        "/ushahidi/api/v3/posts", json={"title": "Flooded A/B road", "content": "Eau trouble", "form": 1}, headers=admin
    )
    assert made.status_code == 200
    path, headers, body = receiver.next()
    assert path == "/hook" and receiver.received.empty()  # the form-2 webhook was not sent this form-1 post
    assert headers["X-Ushahidi-Signature"] == signature(receiver.url, body, SECRET)
    assert headers["Content-Type"] == "application/json" and headers["Accept"] == "application/json"
    assert '"title":"Flooded A\\/B road"' in body  # PHP's json_encode escapes slashes, and writes no spaces
    sent = json.loads(body)
    post = made.json()
    assert (sent["id"], sent["title"], sent["content"], sent["form_id"]) == (
        post["id"],
        "Flooded A/B road",
        "Eau trouble",
        1,
    )
    assert sent["user_id"] == 1 and sent["status"] == post["status"] and sent["type"] == "report"
    assert sent["webhook_uuid"] == hook["webhook_uuid"]
    assert (sent["source_field_key"], sent["destination_field_key"]) == ("title", None)
    assert sent["post_date"]["timezone"] == "UTC"
    [entry] = outgoing(client, receiver.url, 1)
    assert (entry["vendor"], entry["method"], entry["path"], entry["status"]) == ("ushahidi", "POST", receiver.url, 200)
    assert entry["body"] == body and entry["response_body"] == '{"ok":true}' and entry["tenant"] == "default"
    assert entry["headers"]["x-ushahidi-signature"] == headers["X-Ushahidi-Signature"]


def test_an_updated_post_goes_to_update_webhooks_only(client, admin, receiver):
    hook = {**HOOK, "url": receiver.url, "event_type": "update", "shared_secret": "another-secret-of-20-chars"}
    assert client.post(BASE, json=hook, headers=admin).status_code == 200
    made = client.post("/ushahidi/api/v3/posts", json={"title": "New", "form": 1}, headers=admin)
    assert made.status_code == 200
    changed = client.put(f"/ushahidi/api/v3/posts/{made.json()['id']}", json={"title": "Changed"}, headers=admin)
    assert changed.status_code == 200
    _, headers, body = receiver.next()
    assert json.loads(body)["title"] == "Changed"  # the create was not sent: no create webhook points here
    assert headers["X-Ushahidi-Signature"] == signature(receiver.url, body, hook["shared_secret"])


def test_a_dead_receiver_neither_breaks_nor_holds_the_answer(client, admin):
    url = dead_url()
    assert client.post(BASE, json={**HOOK, "url": url}, headers=admin).status_code == 200
    made = client.post("/ushahidi/api/v3/posts", json={"title": "Still saved", "form": 1}, headers=admin)
    assert made.status_code == 200 and made.json()["title"] == "Still saved"
    assert client.get(f"/ushahidi/api/v3/posts/{made.json()['id']}", headers=admin).status_code == 200
    attempts = outgoing(client, url, 3)
    assert len(attempts) == 3  # tried, then twice more
    assert all(a["status"] is None and "ConnectError" in a["response_body"] for a in attempts)


def test_a_failing_receiver_is_retried_a_few_times(client, admin):
    failing = Receiver(status=503)
    try:
        assert client.post(BASE, json={**HOOK, "url": failing.url}, headers=admin).status_code == 200
        assert client.post("/ushahidi/api/v3/posts", json={"title": "x", "form": 1}, headers=admin).status_code == 200
        bodies = {failing.next()[2] for _ in range(3)}
        assert len(bodies) == 1  # the same signed body each time
        assert [a["status"] for a in outgoing(client, failing.url, 3)] == [503, 503, 503]
    finally:
        failing.close()
