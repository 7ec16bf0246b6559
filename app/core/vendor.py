"""The Vendor descriptor every vendor package exports, and the base URL its responses link to."""

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from fastapi import FastAPI, Request

from app.core.store import AfterSeed, SeedRows
from app.settings import Settings

# Set by Host routing: the public origin to link to when a request came in on a vendor's real hostname.
HOST_ROUTED_ORIGIN = "crowdmock.host_origin"


@dataclass(frozen=True, eq=False)
class Vendor:
    """A vendor package `app.vendors.<name>`: its `routes.build_app(settings)` and `seed.load(folder)` are
    imported on first use, so listing the registry stays cheap."""

    name: str
    title: str
    prefix: str
    # Real hostnames (fnmatch patterns) routed to a path prefix, e.g. {"*.api.ushahidi.io": "/ushahidi"}.
    hosts: dict[str, str]
    # Rows of (what, credentials) for the dashboard.
    credentials: tuple[tuple[str, str], ...] = field(default=())

    def build_app(self, settings: Settings) -> FastAPI:
        return import_module(f"app.vendors.{self.name}.routes").build_app(settings)

    def seed(self, folder: Path) -> SeedRows:
        return import_module(f"app.vendors.{self.name}.seed").load(folder)

    def after_seed(self) -> AfterSeed | None:
        """The seed module's optional `after_seed(conn)`."""
        return getattr(import_module(f"app.vendors.{self.name}.seed"), "after_seed", None)


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
