"""The Vendor descriptor every vendor package exports, and the base URL its responses link to."""

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI, Request

from app.core.store import SeedLoader
from app.settings import Settings

# Set by Host routing: the public origin to link to when a request came in on a vendor's real hostname.
HOST_ROUTED_ORIGIN = "crowdmock.host_origin"


@dataclass(frozen=True)
class Vendor:
    name: str
    title: str
    prefix: str
    # Real hostnames (fnmatch patterns) routed to a path prefix, e.g. {"*.api.ushahidi.io": "/ushahidi"}.
    hosts: dict[str, str]
    build_app: Callable[[Settings], FastAPI]
    seed: SeedLoader
    # Rows of (what, credentials) for the README and dashboard.
    credentials: tuple[tuple[str, str], ...] = field(default=())


def public_base(request: Request, settings: Settings, prefix: str) -> str:
    """Scheme, host and prefix that the vendor's `url` fields start with (no trailing slash)."""
    origin = request.scope.get(HOST_ROUTED_ORIGIN)
    if origin:
        return origin
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/") + (prefix if not settings.vendor else "")
    # The sub-application's mount prefix is the scope's root_path.
    url = request.url
    return f"{url.scheme}://{url.netloc}{request.scope.get('root_path', '')}".rstrip("/")
