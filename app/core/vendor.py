"""The Vendor descriptor every vendor package exports, and the base URL its responses link to."""

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from fastapi import FastAPI, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from crowdmock.core.credentials import Credentials
from crowdmock.core.errors import ErrorRenderer
from crowdmock.core.store import AfterSeed, SeedRows
from crowdmock.settings import Settings

# Set by Host routing: the public origin to link to when a request came in on a vendor's real hostname.
HOST_ROUTED_ORIGIN = "crowdmock.host_origin"


@dataclass(frozen=True, eq=False)
class Vendor:
    """A vendor package `crowdmock.vendors.<name>`: its `routes.build_app(settings)` and `seed.load(folder)` are
    imported on first use, so listing the registry stays cheap."""

    name: str
    title: str
    prefix: str
    # Real hostnames (fnmatch patterns) routed to a path prefix, e.g. {"*.api.ushahidi.io": "/ushahidi"}.
    hosts: dict[str, str]
    # Rows of (what, credentials) for the dashboard.
    credentials: tuple[tuple[str, str], ...] = field(default=())
    # (real base URL, path after the mock prefix) per API the vendor serves, for the dashboard.
    real_bases: tuple[tuple[str, str], ...] = field(default=())

    def build_app(self, settings: Settings) -> FastAPI:
        return import_module(f"crowdmock.vendors.{self.name}.routes").build_app(settings)

    def import_models(self) -> None:
        """Its table models: imported when the store first needs the vendor's tables (app/core/store.py)."""
        import_module(f"crowdmock.vendors.{self.name}.models")

    def seed(self, folder: Path) -> SeedRows:
        """The seed module's `load(folder)`. Seed modules import their table models inside their functions, not at
        the top: a database copied from the seed cache (app/core/seedcache.py) runs the after-seed hooks without
        importing any vendor's models."""
        return import_module(f"crowdmock.vendors.{self.name}.seed").load(folder)

    def render_error(self) -> ErrorRenderer:
        """The vendor's `errors.render_error(request, status, message, headers)` (fault responses use it)."""
        return import_module(f"crowdmock.vendors.{self.name}.errors").render_error

    def mint_credentials(
        self, engine: Engine, settings: Settings, user: str | None, scopes: list[str] | None, ttl: int | None
    ) -> Credentials:
        """Ready-to-use credentials from the vendor's `auth.mint_credentials` (raises UnknownUser)."""
        mint = import_module(f"crowdmock.vendors.{self.name}.auth").mint_credentials
        with Session(engine, expire_on_commit=False) as db:
            return mint(db, settings, user, scopes, ttl)

    def describe(self, origin: str, at_root: bool = False) -> dict:
        """Where to reach the vendor on this server (`origin` like `http://localhost:8000`), for the admin API
        and the dashboard."""
        mock = origin + ("" if at_root else self.prefix)
        return {
            "name": self.name,
            "title": self.title,
            "bases": [{"real": real, "mock": mock + suffix} for real, suffix in self.real_bases],
            "docs": f"{mock}/docs",
            "openapi": f"{mock}/openapi.json",
            "hosts": sorted(self.hosts),
            "credentials": [{"what": what, "value": value} for what, value in self.credentials],
        }

    def fixture_identities(self) -> dict[str, tuple[str, ...]]:
        """The seed module's optional IDENTITIES: fixture file stem -> the dotted fields that identify a record in
        it, where that is not the record's first field (app/core/fixtures.py)."""
        return getattr(import_module(f"crowdmock.vendors.{self.name}.seed"), "IDENTITIES", {})

    def after_seed(self) -> AfterSeed | None:
        """The seed module's optional `after_seed(conn)`."""
        return getattr(import_module(f"crowdmock.vendors.{self.name}.seed"), "after_seed", None)


def public_base(request: Request) -> str:
    """Scheme, host and prefix that the vendor's `url` fields start with (no trailing slash), for a request to a
    vendor's app (its state holds the settings and the vendor)."""
    settings: Settings = request.app.state.settings
    prefix = request.app.state.vendor.prefix
    origin = request.scope.get(HOST_ROUTED_ORIGIN)
    if origin:
        return origin
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/") + (prefix if not settings.vendor else "")
    # The sub-application's mount prefix is the scope's root_path.
    url = request.url
    return f"{url.scheme}://{url.netloc}{request.scope.get('root_path', '')}".rstrip("/")
