"""Signed tokens (JWT). The only module that imports python-jose; algorithms are always pinned."""

import time
import uuid

from jose import JWTError, jwt

ALGORITHM = "HS256"


def issue_jwt(secret: str, claims: dict, ttl: int) -> str:
    now = int(time.time())
    payload = {"jti": uuid.uuid4().hex, "iat": now, "nbf": now, "exp": now + ttl, **claims}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def read_jwt(secret: str, token: str) -> dict | None:
    """The token's claims, or None when it is malformed, forged or expired."""
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], options={"verify_aud": False})
    except (JWTError, ValueError):
        return None
