"""HTTPS (docs/https.md): a local certificate authority made once and kept in `ca_dir`, and the server certificate
it issues for localhost, `crowdmock` and every vendor's real hostname, or the user's own certificate and key.

Imported only when HTTPS is on or `crowdmock ca` runs: `cryptography` stays out of a plain start-up. Files in
`ca_dir`: `ca.pem` (public), `ca-key.pem` (0600, read by nothing but this module), `server.pem`, `server-key.pem`
(0600). The server certificate is issued again when the names it must carry change, when it nears its expiry or
when the CA it was issued by is no longer the one in the folder."""

import datetime
import ipaddress
import os
import secrets
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from crowdmock.settings import Settings

CA_FILE, CA_KEY_FILE = "ca.pem", "ca-key.pem"
SERVER_FILE, SERVER_KEY_FILE = "server.pem", "server-key.pem"
# Always on the certificate, besides every vendor's hostnames and `tls_names`.
BASE_NAMES = ("localhost", "127.0.0.1", "::1", "crowdmock")
CA_DAYS = 3650
# Below Apple's 825-day limit for certificates of a CA a user trusts; issued again 30 days before it ends.
SERVER_DAYS = 365
RENEW_BEFORE = datetime.timedelta(days=30)


class TLSError(Exception):
    """A certificate or key crowdmock cannot use (a message for the user, no secret in it)."""


def ca_certificate_path(settings: Settings) -> Path:
    return settings.ca_folder / CA_FILE


def certificate_names(settings: Settings, vendor_hosts: Iterable[str]) -> list[str]:
    """What the server certificate is valid for, in order, without repeats. `vendor_hosts`: every vendor's
    `Vendor.hosts` (crowdmock.main.vendor_hostnames(); core imports no vendor)."""
    names = [*BASE_NAMES, *vendor_hosts, *settings.tls_names]
    return list(dict.fromkeys(name.strip().lower() for name in names if name.strip()))


def ensure_ca(settings: Settings) -> Path:
    """The CA certificate's path, the CA made first when the folder has none."""
    folder = settings.ca_folder
    with _locked(folder):
        if not (folder / CA_FILE).exists():
            _write_ca(folder)
    return folder / CA_FILE


def ensure_certificate(settings: Settings, vendor_hosts: Iterable[str]) -> tuple[Path, Path]:
    """(certificate, key) to serve: the user's own, or the CA's server certificate for `certificate_names`,
    issued when needed."""
    if settings.tls_cert or settings.tls_key:
        return _own_certificate(settings)
    folder = settings.ca_folder
    names = certificate_names(settings, vendor_hosts)
    with _locked(folder):
        if not (folder / CA_FILE).exists():
            _write_ca(folder)
        ca_cert = x509.load_pem_x509_certificate((folder / CA_FILE).read_bytes())
        if not _server_certificate_current(folder, ca_cert, names):
            _issue_server_certificate(folder, ca_cert, names)
    return folder / SERVER_FILE, folder / SERVER_KEY_FILE


def ssl_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise TLSError(f"cannot serve {cert} with {key}: {exc}") from None
    return context


def server_ssl_context(settings: Settings, vendor_hosts: Iterable[str]) -> ssl.SSLContext:
    return ssl_context(*ensure_certificate(settings, vendor_hosts))


def _own_certificate(settings: Settings) -> tuple[Path, Path]:
    if not (settings.tls_cert and settings.tls_key):
        raise TLSError("CROWDMOCK_TLS_CERT and CROWDMOCK_TLS_KEY go together: set both, or neither")
    ssl_context(settings.tls_cert, settings.tls_key)  # a clear error now rather than at the first handshake
    return settings.tls_cert, settings.tls_key


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _write_ca(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    # A name of its own per CA, so that two crowdmock CAs trusted on one machine never look alike.
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "crowdmock"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"crowdmock local CA {secrets.token_hex(4)}"),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(hours=1))
        .not_valid_after(_now() + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
        .sign(key, hashes.SHA256())
    )
    # The key first: a ca.pem without its key would never be replaced.
    _write(folder / CA_KEY_FILE, _key_pem(key), private=True)
    _write(folder / CA_FILE, cert.public_bytes(serialization.Encoding.PEM))


def _server_certificate_current(folder: Path, ca_cert: x509.Certificate, names: list[str]) -> bool:
    try:
        cert = x509.load_pem_x509_certificate((folder / SERVER_FILE).read_bytes())
        cert.verify_directly_issued_by(ca_cert)
        if not (folder / SERVER_KEY_FILE).exists():
            return False
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, TypeError, x509.ExtensionNotFound, InvalidSignature):
        return False
    return set(san) == set(_general_names(names)) and cert.not_valid_after_utc - _now() > RENEW_BEFORE


def _issue_server_certificate(folder: Path, ca_cert: x509.Certificate, names: list[str]) -> None:
    try:
        ca_key = serialization.load_pem_private_key((folder / CA_KEY_FILE).read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise TLSError(
            f"the CA key in {folder} cannot be read ({type(exc).__name__}); delete {folder / CA_FILE} to make a "
            "new CA, or bring your own certificate (CROWDMOCK_TLS_CERT, CROWDMOCK_TLS_KEY)"
        ) from None
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "crowdmock")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(hours=1))
        .not_valid_after(min(_now() + datetime.timedelta(days=SERVER_DAYS), ca_cert.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName(_general_names(names)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    _write(folder / SERVER_KEY_FILE, _key_pem(key), private=True)
    _write(folder / SERVER_FILE, cert.public_bytes(serialization.Encoding.PEM))


def _general_names(names: list[str]) -> list[x509.GeneralName]:
    general: list[x509.GeneralName] = []
    for name in names:
        try:
            general.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            general.append(x509.DNSName(name.encode("idna").decode("ascii") if not name.isascii() else name))
    return general


def _key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, private: bool = False) -> None:
    """Whole or not at all: written beside, then renamed over. A key is never readable by others, not even
    for a moment (created 0600)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One process at a time makes or issues (workers, parallel test runs sharing one folder)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise TLSError(f"cannot create the CA folder {folder}: {exc.strerror}") from None
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here
        yield
        return
    with open(folder / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
