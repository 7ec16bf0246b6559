"""Signed tokens: JWTs (RFC 7519) signed with HS256 (RFC 7515 §3, HMAC-SHA256), the one algorithm crowdmock uses.

Written on the standard library: python-jose, which did this before, loads `cryptography`'s backends for any
algorithm, ~21 ms and ~9 MB on the first token of every process (docs/performance.md). The tokens are byte for byte
what python-jose wrote (same header, same JSON), and tests/core/test_tokens.py checks both ways against it."""

import base64
import hashlib
import hmac
import json

from crowdmock.core import clock

ALGORITHM = "HS256"
# python-jose's header: keys sorted, no spaces. Every token carries the same one.
_HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64decode(segment: bytes) -> bytes:
    return base64.urlsafe_b64decode(segment + b"=" * (-len(segment) % 4))


def _signature(secret: str, signing_input: bytes) -> bytes:
    return hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()


def issue_jwt(secret: str, claims: dict, ttl: int) -> str:
    now = int(clock.time())
    payload = {"jti": clock.uuid4().hex, "iat": now, "nbf": now, "exp": now + ttl, **claims}
    signing_input = _HEADER + b"." + _b64encode(json.dumps(payload, separators=(",", ":")).encode())
    return (signing_input + b"." + _b64encode(_signature(secret, signing_input))).decode()


def _verified_claims(secret: str, token: str) -> dict | None:
    """The claims of a well-formed HS256 token whose signature matches, else None. The header must name HS256:
    `none` and every other algorithm are refused (RFC 8725 §3.1)."""
    try:
        signing_input, signature = token.encode("ascii").rsplit(b".", 1)
        header_segment, claims_segment = signing_input.split(b".", 1)
        header = json.loads(_b64decode(header_segment))
        if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
            return None
        if not hmac.compare_digest(_b64decode(signature), _signature(secret, signing_input)):
            return None
        claims = json.loads(_b64decode(claims_segment))
    except (ValueError, RecursionError):  # binascii, Unicode and JSON errors are ValueErrors; deep JSON recurses
        return None
    return claims if isinstance(claims, dict) else None


def read_jwt(secret: str, token: str) -> dict | None:
    """The token's claims, or None when it is malformed, forged or expired (by the mock's clock, which
    deterministic mode freezes)."""
    claims = _verified_claims(secret, token)
    if claims is None:
        return None
    # The registered claims' types, as python-jose checked them (RFC 7519 §4.1).
    if any(name in claims and not isinstance(claims[name], str) for name in ("sub", "jti")):
        return None
    now = clock.time()
    exp, nbf = claims.get("exp"), claims.get("nbf", 0)
    if not isinstance(exp, int | float) or not isinstance(nbf, int | float) or exp <= now or nbf > now + 1:
        return None
    return claims
