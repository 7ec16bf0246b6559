"""For tests of the vendors over a real TLS socket: a self-signed certificate (its own trust anchor) for the given
names, made with `cryptography`, served as the user's own certificate (`tls_cert`, `tls_key`). Not crowdmock's CA
(app/core/tls.py), so these tests do not depend on it."""

import datetime
import ipaddress
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


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


def trusting(cert: Path) -> ssl.SSLContext:
    """A client context that trusts this certificate alone."""
    return ssl.create_default_context(cafile=str(cert))
