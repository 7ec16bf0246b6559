"""The compose file's example application (docker compose --profile example up): it calls crowdmock by the vendors'
real hostnames, over plain HTTP and over HTTPS trusting crowdmock's CA alone (docs/docker.md), then stays up,
healthy (/tmp/called) once every call answered as the real vendors do. Standard library only."""

import json
import os
import signal
import ssl
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# crowdmock's CA certificate, from the CA folder it shares read-only (CROWDMOCK_CA_DIR=/ca in crowdmock). Only the
# public certificate is readable here: the key beside it is crowdmock's user's alone (mode 0600), and this app
# runs as another user. Without a shared volume, fetch it once instead: http://crowdmock:8000/__admin/ca.pem.
CA = Path("/crowdmock-ca/ca.pem")
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # PID 1: stop at once on `docker compose down`


def call(url: str, context: ssl.SSLContext | None = None, body: dict | None = None, headers: dict | None = None):
    """The JSON answer and the response; retried while crowdmock starts (some engines ignore service_healthy)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    for _ in range(60):
        try:
            with urllib.request.urlopen(request, timeout=5, context=context) as response:
                return json.load(response), response
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ssl.SSLCertVerificationError):
                raise
            time.sleep(1)
    sys.exit(f"example-app: no answer from {url}")


post, _ = call("http://demo.api.ushahidi.io:8000/api/v3/posts/8328")
print("http:  Ushahidi post", post["id"], post["title"], flush=True)

for _ in range(60):
    if CA.exists():
        break
    time.sleep(1)
trust = ssl.create_default_context(cafile=str(CA))  # crowdmock's CA alone, not the system's
assert not os.access(CA.with_name("ca-key.pem"), os.R_OK), "the CA key must not be readable here"

post, _ = call("https://demo.api.ushahidi.io:8443/api/v3/posts/8328", trust)
assert post["url"] == "https://demo.api.ushahidi.io:8443/api/v3/posts/8328", post["url"]
print("https: Ushahidi post", post["id"], "links", post["url"], flush=True)

bearer = {"Authorization": "Bearer abcd1234"}
profile, _ = call("https://api.crowdskout.com:8443/v1/profile/1?collections=Names", trust, headers=bearer)
print("https: Crowdskout profile", profile["data"]["id"], profile["data"]["Names"][0]["FullName"], flush=True)

login = {"username": "batman", "password": "imB@tman789Kittycat$"}
session, response = call("https://www.dosomething.org:8443/api/v1/auth/login", trust, body=login)
assert session["session_name"].startswith("SSESS"), session["session_name"]
assert "; secure" in response.headers["Set-Cookie"]
print("https: DoSomething session", session["session_name"], "(secure cookie)", flush=True)

try:  # the system's CAs alone do not trust crowdmock
    call("https://api.crowdskout.com:8443/v1/profile/1", ssl.create_default_context())
    sys.exit("example-app: crowdmock's certificate was trusted without its CA")
except urllib.error.URLError as exc:
    print("https without the CA: refused,", exc.reason.verify_message, flush=True)

Path("/tmp/called").touch()
signal.pause()
