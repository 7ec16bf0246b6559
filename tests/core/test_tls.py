"""HTTPS (docs/https.md) with real TLS clients: httpx, the standard library's ssl, Node's https module and curl, each
trusting only crowdmock's CA, against every vendor hostname through SNI and Host routing; a name outside the
certificate is refused; the CA is made once and kept; its key never leaves its file; your own certificate; proxies."""

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from crowdmock.cli import main
from crowdmock.core import tls
from crowdmock.main import create_app, vendor_hostnames
from crowdmock.settings import Settings
from crowdmock.testing import free_port, serve_urls
from crowdmock.vendors import VENDORS
from tests.conftest import BACKEND

# Every vendor hostname, a wildcard's as one concrete name under it, and the vendor it routes to.
# CI sets CROWDMOCK_REQUIRE_TLS_CLIENTS=1 (after `make tls-clients`), so there a missing node or curl fails the run.
REQUIRE_CLIENTS = bool(os.environ.get("CROWDMOCK_REQUIRE_TLS_CLIENTS"))
HOSTNAMES = [(host.replace("*", "demo"), vendor.name) for vendor in VENDORS.values() for host in vendor.hosts]
PROBE = "/crowdmock-tls-probe"


@pytest.fixture(scope="module")
def ca_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ca")


@pytest.fixture(scope="module")
def https_server(request, ca_dir):
    """One server over both ports for the module: (settings, http URL, https URL)."""
    database_url = "sqlite://"
    if BACKEND == "postgresql":
        database_url = request.getfixturevalue("postgres_server").seeded_database()
    settings = Settings(database_url=database_url, https=True, ca_dir=ca_dir)
    with serve_urls(settings) as (url, https_url):
        yield settings, url, https_url


@pytest.fixture
def server(https_server):
    settings, url, https_url = https_server
    httpx.delete(f"{url}/__admin/requests").raise_for_status()
    return https_server


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _journal_vendors(url: str, count: int) -> list[str]:
    entries = httpx.get(f"{url}/__admin/requests", params={"limit": count}).json()["requests"]
    return [entry["vendor"] for entry in reversed(entries) if entry["path"].endswith(PROBE)]


def _ca_context(settings: Settings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=tls.ca_certificate_path(settings))
    context.verify_flags |= ssl.VERIFY_X509_STRICT  # as Python 3.13's default context
    return context


def _stdlib_get(port: int, name: str, context: ssl.SSLContext) -> bytes:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=name) as conn,
    ):
        conn.sendall(f"GET {PROBE} HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data


def test_certificate_names_are_every_vendor_hostname_and_the_local_ones(server):
    settings = server[0]
    names = tls.certificate_names(settings, vendor_hostnames())
    assert names[:4] == ["localhost", "127.0.0.1", "::1", "crowdmock"]
    expected = {"api.crowdskout.com", "api.crowdynews.com", "q.crowdynews.com", "auth.crowdynews.com"}
    expected |= {"www.dosomething.org", "*.api.ushahidi.io", "*.ideascale.com"}
    assert expected <= set(names) and set(names[4:]) == {h for v in VENDORS.values() for h in v.hosts}


def test_httpx_trusting_only_the_ca_reaches_every_vendor_hostname(server):
    settings, url, https_url = server
    with httpx.Client(verify=_ca_context(settings)) as client:
        for name, _vendor in HOSTNAMES:
            answer = client.get(
                f"https://127.0.0.1:{_port(https_url)}{PROBE}",
                headers={"Host": name},
                extensions={"sni_hostname": name},
            )
            assert answer.status_code == 404  # the vendor's own 404, in its shape
        assert client.get(f"{https_url}/__admin/health").json()["status"] == "ok"
        assert client.get(f"https://localhost:{_port(https_url)}/__admin/health").status_code == 200
    assert _journal_vendors(url, len(HOSTNAMES)) == [vendor for _name, vendor in HOSTNAMES]


def test_httpx_without_the_ca_is_refused(server):
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{server[2]}/__admin/health")


def test_stdlib_ssl_with_only_the_ca_reaches_every_vendor_hostname(server):
    settings, url, https_url = server
    for name, _vendor in HOSTNAMES:
        answer = _stdlib_get(_port(https_url), name, _ca_context(settings))
        assert answer.startswith(b"HTTP/1.1 404 ")
    assert _journal_vendors(url, len(HOSTNAMES)) == [vendor for _name, vendor in HOSTNAMES]


def test_stdlib_ssl_without_the_ca_fails_verification(server):
    with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer certificate"):
        _stdlib_get(_port(server[2]), "api.crowdskout.com", ssl.create_default_context())


def test_a_name_outside_the_certificate_is_refused(server):
    settings, _url, https_url = server
    for name in ("evil.example.com", "api.ushahidi.io", "a.b.api.ushahidi.io", "crowdskout.com"):
        with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
            _stdlib_get(_port(https_url), name, _ca_context(settings))
    with httpx.Client(verify=_ca_context(settings)) as client, pytest.raises(httpx.ConnectError, match="mismatch"):
        client.get(
            f"https://127.0.0.1:{_port(https_url)}/",
            headers={"Host": "evil.example.com"},
            extensions={"sni_hostname": "evil.example.com"},
        )


NODE_CLIENT = """
const https = require("https"), fs = require("fs");
const [port, caFile, names] = [Number(process.argv[1]), process.argv[2], JSON.parse(process.argv[3])];
function get(name, ca) {
  return new Promise((resolve) => {
    const options = {host: "127.0.0.1", port, path: "PROBE", servername: name, headers: {Host: name}};
    if (ca) options.ca = fs.readFileSync(ca);
    https.get(options, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); })
      .on("error", (err) => resolve(err.code));
  });
}
(async () => {
  const results = [];
  for (const name of names) results.push(await get(name, caFile));
  results.push(await get(names[0], null));
  results.push(await get("evil.example.com", caFile));
  console.log(JSON.stringify(results));
})();
""".replace("PROBE", PROBE)


@pytest.mark.skipif(not shutil.which("node") and not REQUIRE_CLIENTS, reason="node is not installed")
def test_node_https_module_with_the_ca_reaches_every_vendor_hostname(server):
    settings, url, https_url = server
    names = [name for name, _vendor in HOSTNAMES]
    run = subprocess.run(
        ["node", "-e", NODE_CLIENT, str(_port(https_url)), str(tls.ca_certificate_path(settings)), json.dumps(names)],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "NODE_EXTRA_CA_CERTS"},
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    # Without the CA: an unknown issuer; a name outside the certificate: Node's hostname check.
    assert results == [404] * len(names) + ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "ERR_TLS_CERT_ALTNAME_INVALID"]
    assert _journal_vendors(url, len(names)) == [vendor for _name, vendor in HOSTNAMES]


@pytest.mark.skipif(not shutil.which("curl") and not REQUIRE_CLIENTS, reason="curl is not installed")
def test_curl_cacert_reaches_every_vendor_hostname(server):
    settings, url, https_url = server
    port, ca = _port(https_url), str(tls.ca_certificate_path(settings))
    for name, _vendor in HOSTNAMES:
        run = subprocess.run(
            [
                "curl",
                "-sS",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--cacert",
                ca,
                "--resolve",
                f"{name}:{port}:127.0.0.1",
            ]
            + [f"https://{name}:{port}{PROBE}"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert (run.returncode, run.stdout) == (0, "404"), run.stderr
    assert _journal_vendors(url, len(HOSTNAMES)) == [vendor for _name, vendor in HOSTNAMES]
    refused = subprocess.run(
        ["curl", "-sS", "--cacert", ca, "--resolve", f"evil.example.com:{port}:127.0.0.1"]
        + [f"https://evil.example.com:{port}/"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 60 and "evil.example.com" in refused.stderr
    without_ca = subprocess.run(["curl", "-sS", f"{https_url}/__admin/health"], capture_output=True, timeout=30)
    assert without_ca.returncode == 60


def test_over_https_links_use_https_and_plain_http_stays_http(server):
    settings, url, https_url = server
    post = httpx.get(f"{https_url}/ushahidi/api/v3/posts/8328", verify=_ca_context(settings)).json()
    assert post["url"] == f"{https_url}/ushahidi/api/v3/posts/8328"
    assert httpx.get(f"{url}/ushahidi/api/v3/posts/8328").json()["url"] == f"{url}/ushahidi/api/v3/posts/8328"
    # From a peer that is no trusted proxy (none is, by default) forwarded headers change nothing.
    forwarded = {"X-Forwarded-Proto": "https", "Forwarded": "proto=https;host=demo.api.ushahidi.io"}
    assert httpx.get(f"{url}/ushahidi/api/v3/posts/8328", headers=forwarded).json()["url"].startswith(url)


def test_the_ca_key_never_leaves_its_file(server):
    settings, url, https_url = server
    folder = settings.ca_folder
    key_body = "".join((folder / tls.CA_KEY_FILE).read_text().splitlines()[1:-1])
    server_key_body = "".join((folder / tls.SERVER_KEY_FILE).read_text().splitlines()[1:-1])
    assert (folder / tls.CA_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert (folder / tls.SERVER_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    httpx.get(f"{url}/ushahidi/api/v3/posts/8328")
    served = [
        httpx.get(f"{url}/__admin/snapshot").text,
        httpx.get(f"{url}/__admin/requests").text,
        httpx.get(f"{url}/__admin/ca.pem").text,
        httpx.get(f"{url}/").text,
        httpx.get(f"{url}/__admin/vendors").text,
        httpx.get(f"{url}/__admin/static/dashboard/../../../{folder.name}/{tls.CA_KEY_FILE}").text,
        httpx.get(f"{url}/__admin/ca-key.pem").text,
        repr(settings),
    ]
    for text in served:
        assert "PRIVATE KEY" not in text and key_body not in text and server_key_body not in text


def test_the_ca_certificate_is_served_for_download(server):
    settings, url, _https_url = server
    answer = httpx.get(f"{url}/__admin/ca.pem")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/x-pem-file"
    assert answer.headers["content-disposition"] == 'attachment; filename="crowdmock-ca.pem"'
    assert answer.content == tls.ca_certificate_path(settings).read_bytes()
    assert 'href="/__admin/ca.pem"' in httpx.get(f"{url}/").text


def test_no_ca_certificate_is_404_and_no_dashboard_link(tmp_path):
    settings = Settings(database_url="sqlite://", ca_dir=tmp_path / "never")
    with TestClient(create_app(settings)) as client:
        answer = client.get("/__admin/ca.pem")
        assert answer.status_code == 404
        assert answer.json() == {
            "error": "no CA certificate",
            "problems": ["HTTPS was never set up: run `crowdmock ca` or `crowdmock serve --https`"],
        }
        assert "/__admin/ca.pem" not in client.get("/").text
    assert not (tmp_path / "never").exists()


def test_the_ca_is_made_once_and_reused_across_restarts(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CROWDMOCK_CA_DIR", str(tmp_path / "ca"))
    assert main(["ca"]) == 0
    printed = capsys.readouterr().out
    ca_file = (tmp_path / "ca" / "ca.pem").resolve()
    for text in (f"curl --cacert {ca_file}", f"SSL_CERT_FILE={ca_file}", f"REQUESTS_CA_BUNDLE={ca_file}"):
        assert text in printed
    for text in (f"NODE_EXTRA_CA_CERTS={ca_file}", "keytool -importcert", "update-ca-certificates"):
        assert text in printed
    ca, ca_key = ca_file.read_bytes(), (tmp_path / "ca" / "ca-key.pem").read_bytes()
    settings = Settings(database_url="sqlite://", https=True, ca_dir=tmp_path / "ca")
    served = []
    for _start in range(2):
        with serve_urls(settings) as (_url, https_url):
            assert httpx.get(f"{https_url}/__admin/health", verify=_ca_context(settings)).status_code == 200
        served.append((tmp_path / "ca" / "server.pem").read_bytes())
    assert main(["ca", "--path"]) == 0 and capsys.readouterr().out == f"{ca_file}\n"
    assert ca_file.read_bytes() == ca and (tmp_path / "ca" / "ca-key.pem").read_bytes() == ca_key
    assert served[0] == served[1]  # still valid for the same names: not issued again


def test_the_server_certificate_is_issued_again_for_new_names_and_near_expiry(tmp_path, monkeypatch):
    settings = Settings(database_url="sqlite://", ca_dir=tmp_path)
    tls.ensure_certificate(settings, vendor_hostnames())
    ca, first = (tmp_path / "ca.pem").read_bytes(), (tmp_path / "server.pem").read_bytes()
    more = settings.model_copy(update={"https": True, "tls_names": ["mock.internal", "10.1.2.3"]})
    tls.ensure_certificate(more, vendor_hostnames())
    assert (tmp_path / "server.pem").read_bytes() != first and (tmp_path / "ca.pem").read_bytes() == ca
    with serve_urls(more) as (_url, https_url):
        for name in ("mock.internal", "10.1.2.3"):
            assert _stdlib_get(_port(https_url), name, _ca_context(more)).startswith(b"HTTP/1.1 404 ")
    monkeypatch.setattr(tls, "SERVER_DAYS", 20)  # issued for less than RENEW_BEFORE: renewed at the next start
    tls._issue_server_certificate(
        tmp_path, tls.x509.load_pem_x509_certificate(ca), tls.certificate_names(more, vendor_hostnames())
    )
    short = (tmp_path / "server.pem").read_bytes()
    monkeypatch.undo()
    tls.ensure_certificate(more, vendor_hostnames())
    assert (tmp_path / "server.pem").read_bytes() != short


def _own_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, made as a user's own tooling would."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "my own localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "my.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (folder / "my-key.pem").write_bytes(pem)
    return folder / "my.pem", folder / "my-key.pem"


def test_your_own_certificate_is_served_and_no_ca_is_made(tmp_path):
    cert, key = _own_certificate(tmp_path)
    settings = Settings(database_url="sqlite://", https=True, ca_dir=tmp_path / "ca", tls_cert=cert, tls_key=key)
    with serve_urls(settings) as (url, https_url):
        own = ssl.create_default_context(cafile=cert)
        health = httpx.get(f"https://localhost:{_port(https_url)}/__admin/health", verify=own)
        assert health.status_code == 200
        assert httpx.get(f"{url}/__admin/ca.pem").status_code == 404
    assert not (tmp_path / "ca").exists()
    with pytest.raises(tls.TLSError, match="go together"):
        tls.ensure_certificate(settings.model_copy(update={"tls_key": None}), vendor_hostnames())
    with pytest.raises(tls.TLSError, match="cannot serve"):
        tls.ensure_certificate(settings.model_copy(update={"tls_key": cert}), vendor_hostnames())


def _post_url(settings: Settings, peer: str, headers: dict) -> str:
    # Forwarded to a vendor's hostname: its real path, without the prefix.
    routed = "host=" in headers.get("Forwarded", "")
    path = "/api/v3/posts/8328" if routed else "/ushahidi/api/v3/posts/8328"
    with TestClient(create_app(settings), client=(peer, 50000)) as client:
        return client.get(path, headers=headers).json()["url"]


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({"X-Forwarded-Proto": "https"}, "https://testserver/ushahidi/api/v3/posts/8328"),
        ({"X-Forwarded-Proto": "http, https"}, "https://testserver/ushahidi/api/v3/posts/8328"),
        (
            {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "crowdmock.example:8443"},
            "https://crowdmock.example:8443/ushahidi/api/v3/posts/8328",
        ),
        (
            {"Forwarded": 'for="[2001:db8::1]";proto=https;host=demo.api.ushahidi.io'},
            "https://demo.api.ushahidi.io/api/v3/posts/8328",
        ),
    ],
)
def test_forwarded_proto_from_a_trusted_proxy_gives_https_links(headers, expected):
    settings = Settings(database_url="sqlite://", trusted_proxies=["10.0.0.0/8"])
    assert _post_url(settings, "10.1.2.3", headers) == expected


def test_forwarded_headers_from_an_untrusted_peer_are_ignored():
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "Forwarded": "proto=https"}
    plain = "http://testserver/ushahidi/api/v3/posts/8328"
    assert _post_url(Settings(database_url="sqlite://", trusted_proxies=["10.0.0.0/8"]), "192.0.2.1", headers) == plain
    assert _post_url(Settings(database_url="sqlite://"), "10.1.2.3", headers) == plain
    assert _post_url(Settings(database_url="sqlite://", trusted_proxies=["*"]), "192.0.2.1", headers) == (
        "https://evil.example/ushahidi/api/v3/posts/8328"
    )


def test_trusted_proxies_must_be_addresses_or_networks():
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 network"):
        Settings(trusted_proxies=["proxy.local"])


def test_serve_https_from_the_command_line(tmp_path):
    """`crowdmock serve --https`: both ports in one process, the banner names the CA."""
    port, https_port = free_port(), free_port()
    env = {**os.environ, "CROWDMOCK_DATABASE_URL": "sqlite://", "CROWDMOCK_CA_DIR": str(tmp_path / "ca")}
    command = [sys.executable, "-m", "crowdmock", "serve", "--port", str(port), "--https-port", str(https_port)]
    server = subprocess.Popen([*command, "--log-level", "warning"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                context = _ca_context(Settings(ca_dir=tmp_path / "ca"))
                health = httpx.get(f"https://localhost:{https_port}/__admin/health", verify=context)
                break
            except (httpx.TransportError, FileNotFoundError, ssl.SSLError):
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.05)
        assert health.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/__admin/health").status_code == 200
    finally:
        server.terminate()
        banner, _ = server.communicate(timeout=10)
    assert f"and on https://127.0.0.1:{https_port}  (CA {tmp_path / 'ca' / 'ca.pem'}" in banner
