"""`crowdmock serve --vendor NAME` serves that one vendor at the root (a real process, a real socket)."""

import os
import subprocess
import sys
import time

import httpx

from crowdmock.testing import free_port


def test_serve_one_vendor_at_the_root():
    port = free_port()
    env = {**os.environ, "CROWDMOCK_DATABASE_URL": "sqlite://"}
    cmd = [
        sys.executable,
        "-c",
        "from crowdmock.cli import main; main()",
        "serve",
        "--vendor",
        "ushahidi",
        "--port",
        str(port),
    ]
    server = subprocess.Popen([*cmd, "--log-level", "warning"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/__admin/health")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.05)
        assert health.json() == {"status": "ok", "vendors": {"ushahidi": {"seeded": True}}}
        post = httpx.get(f"{base}/api/v3/posts/8328")
        assert post.status_code == 200 and post.json()["url"] == f"{base}/api/v3/posts/8328"
        assert httpx.get(f"{base}/ushahidi/api/v3/posts/8328").status_code == 404
        assert httpx.get(f"{base}/v1/profile/1").json() == {"errors": [{"status": 404}]}  # not Crowdskout
    finally:
        server.terminate()
        banner, _ = server.communicate(timeout=10)
    assert f"Ushahidi       {base}" in banner and "Crowdskout" not in banner
