"""Password hashing for the vendors' seeded and registered users (PBKDF2; cheap on purpose, it is a mock)."""

import hashlib
import hmac

from crowdmock.core import clock

ITERATIONS = 1000


def hash_password(password: str) -> str:
    salt = clock.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), ITERATIONS).hex()
    return f"pbkdf2${salt}${digest}"


def seeded_password(password: str | None) -> str:
    """A fixture user's stored password: none (null in the fixture) is one that no password matches."""
    return "" if password is None else hash_password(password)


def verify_password(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), ITERATIONS).hex()
    return hmac.compare_digest(candidate, digest)
