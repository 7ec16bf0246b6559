"""What `POST /__admin/tokens` hands out: ready-to-send credentials. Each vendor's `auth.mint_credentials` builds
them with its own token machinery, so they are exactly what its auth flow would have issued."""

from dataclasses import dataclass, field


@dataclass
class Credentials:
    user: str  # the vendor's login identifier of the user the credentials act as
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    expires_in: int | None = None  # seconds, when the credentials expire


class UnknownUser(Exception):
    """The requested user does not exist in the vendor's store."""
