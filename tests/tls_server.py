"""For tests of the vendors over a real TLS socket: a self-signed certificate (its own trust anchor) for the given
names, made with `cryptography`, and crowdmock under uvicorn with it. Not crowdmock's CA (app/core/tls.py): just
enough TLS for the ASGI scope to say https."""

import datetime
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from crowdmock.main import create_app
from crowdmock.settings import Settings
from crowdmock.testing import free_port


def self_signed(folder: Path, names: list[str]) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "crowdmock test")])
    now = datetime.datetime.now(datetime.UTC)
    alt = [x509.DNSName(n) for n in names if not n[0].isdigit()]
    alt += [x509.IPAddress(ipaddress.ip_address(n)) for n in names if n[0].isdigit()]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@contextmanager
def serve_tls(settings: Settings, cert: Path, key: Path) -> Iterator[int]:
    """crowdmock over TLS on a loopback port (yielded) in a background thread."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", ssl_certfile=cert, ssl_keyfile=key
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.01)
    if not server.started:
        raise RuntimeError("crowdmock did not start over TLS")
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def trusting(cert: Path) -> ssl.SSLContext:
    """A client context that trusts this certificate alone."""
    return ssl.create_default_context(cafile=str(cert))
