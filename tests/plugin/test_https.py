"""The plugin over HTTPS (docs/pytest-plugin.md#https): a user's project asks for it with `--crowdmock-https` (or the
`crowdmock_https` ini option) and gets https base URLs and the CA path, alone and under pytest-xdist."""

import os
import subprocess
import sys
import textwrap

import pytest

USERS_TESTS = """
import ssl

import httpx
import pytest


def test_https_base_urls_and_the_ca(crowdmock_server):
    base = crowdmock_server.base_url("ushahidi", https=True)
    assert base.startswith("https://127.0.0.1:") and base.endswith("/ushahidi")
    trusted = ssl.create_default_context(cafile=crowdmock_server.ca_path)
    post = httpx.get(f"{base}/api/v3/posts/8328", verify=trusted).json()
    assert post["url"] == f"{base}/api/v3/posts/8328"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/api/v3/posts/8328")  # the system's CAs alone do not know crowdmock's


def test_a_tenant_over_https(crowdmock_tenant):
    base = crowdmock_tenant.base_url("crowdskout", https=True)
    assert "/t/" in base and base.startswith("https://")
    trusted = ssl.create_default_context(cafile=crowdmock_tenant.ca_path)
    assert httpx.get(f"{base}/v1/profile/1", verify=trusted).status_code == 401
    assert crowdmock_tenant.count(vendor="crowdskout") == 1


def test_in_process_https_is_the_scheme_alone(crowdmock_app):
    base = crowdmock_app.base_url("ushahidi", https=True)
    assert crowdmock_app.client.get(f"{base}/api/v3/posts/8328").json()["url"] == f"{base}/api/v3/posts/8328"
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["alone", "xdist"])
def test_a_users_suite_over_https(tmp_path, workers):
    (tmp_path / "test_users.py").write_text(textwrap.dedent(USERS_TESTS))
    env = {**os.environ, "CROWDMOCK_CA_DIR": str(tmp_path / "ca")}
    command = [sys.executable, "-m", "pytest", *workers, "-q", "-p", "no:cacheprovider", "--crowdmock-https"]
    run = subprocess.run([*command, str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "3 passed" in run.stdout
    assert (tmp_path / "ca" / "ca.pem").is_file()


def test_without_https_asking_for_an_https_url_says_how(tmp_path):
    (tmp_path / "test_users.py").write_text(
        "def test_it(crowdmock_server):\n"
        "    try:\n"
        "        crowdmock_server.base_url('ushahidi', https=True)\n"
        "    except RuntimeError as exc:\n"
        "        assert 'crowdmock_https = true' in str(exc) and crowdmock_server.ca_path is None\n"
        "    else:\n"
        "        raise AssertionError('an https URL without HTTPS')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CROWDMOCK_HTTPS"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
