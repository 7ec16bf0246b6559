"""The plugin under `pytest -n 4`: one live server for every worker (started by xdist's controller), and a fresh
tenant per test, so that workers running create/read/reset/fault/count flows on it at the same time never see each
other's state. A user's project, run as a user runs it: pytest in its own process."""

import os
import subprocess
import sys
import textwrap

USERS_TESTS = """
import os

import httpx
import pytest


@pytest.mark.parametrize("n", range(12))
def test_flows_in_my_own_tenant(crowdmock_tenant, n):
    base = crowdmock_tenant.base_url("ushahidi")
    headers = crowdmock_tenant.token("ushahidi", "admin@ushahidi.com")["headers"]
    seeded = httpx.get(f"{base}/api/v3/tags", headers=headers).json()["count"]
    made = httpx.post(f"{base}/api/v3/tags", json={"tag": f"mine {n}", "type": "category"}, headers=headers)
    assert made.status_code == 200, made.text
    tags = [t["tag"] for t in httpx.get(f"{base}/api/v3/tags", headers=headers).json()["results"]]
    assert len(tags) == seeded + 1 and [t for t in tags if t.startswith("mine")] == [f"mine {n}"]
    crowdmock_tenant.fault(vendor="ushahidi", path="/api/v3/config", status=503, times=2)
    assert [httpx.get(f"{base}/api/v3/config").status_code for _ in range(3)] == [503, 503, 200]
    assert crowdmock_tenant.count(vendor="ushahidi") == 6
    crowdmock_tenant.reset()
    assert httpx.get(f"{base}/api/v3/tags", headers=headers).status_code == 200
    assert crowdmock_tenant.count(vendor="ushahidi") == 1
    with open(os.environ["SERVERS_FILE"], "a") as servers:
        servers.write(base.split("/t/")[0] + " " + os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")
"""


def test_four_workers_share_one_server_and_never_see_each_others_state(tmp_path):
    (tmp_path / "test_users.py").write_text(textwrap.dedent(USERS_TESTS))
    servers = tmp_path / "servers.txt"
    env = {**os.environ, "SERVERS_FILE": str(servers)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "4", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "12 passed" in run.stdout
    lines = servers.read_text().split()
    urls, workers = set(lines[0::2]), set(lines[1::2])
    assert len(urls) == 1  # one server for all of them
    assert len(workers) > 1  # and the tests really ran in several workers
