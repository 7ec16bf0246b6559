"""Signed tokens (JWT). The only module that imports python-jose; algorithms are always pinned."""

from jose import JWTError, jwt

from crowdmock.core import clock

ALGORITHM = "HS256"


def issue_jwt(secret: str, claims: dict, ttl: int) -> str:
    now = int(clock.time())
    payload = {"jti": clock.uuid4().hex, "iat": now, "nbf": now, "exp": now + ttl, **claims}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def read_jwt(secret: str, token: str) -> dict | None:
    """The token's claims, or None when it is malformed, forged or expired (by the mock's clock, which
    deterministic mode freezes)."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"verify_aud": False, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except (JWTError, ValueError):
        return None
    now = clock.time()
    exp, nbf = claims.get("exp"), claims.get("nbf", 0)
    if not isinstance(exp, int | float) or not isinstance(nbf, int | float) or exp <= now or nbf > now + 1:
        return None
    return claims
