"""The vendor contract: the one object each vendor package provides (its `VENDOR`), through which the rest of
crowdmock reaches it, and the base URL its answers link to.

A vendor package `crowdmock.vendors.<name>` keeps its parts in modules of fixed names (docs/architecture.md, "The
vendor contract"): `routes.build_app`, `models`, `seed.load` (and `seed.after_seed` when declared), `errors
.render_error`, `auth.mint_credentials`, `schemas` (the request side of its OpenAPI document) and the recorded
`openapi.json`. They are imported on first use, so that listing the registry stays cheap and start-up imports no
vendor's routes or models. tests/core/test_vendor_contract.py checks every registered vendor against this class."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import ModuleType
from typing import Any

from fastapi import FastAPI, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from crowdmock.core.credentials import Credentials
from crowdmock.core.errors import ErrorRenderer
from crowdmock.core.store import AfterSeed, SeedRows
from crowdmock.core.tenancy import TENANT_PATH_KEY, tenant_of
from crowdmock.settings import Settings

# Set by Host routing: the public origin to link to when a request came in on a vendor's real hostname.
HOST_ROUTED_ORIGIN = "crowdmock.host_origin"


@dataclass(frozen=True, eq=False)
class Vendor:
    """One emulated API: what it is called and where it is served (plain data, read by the admin API, the
    dashboard, Host routing and the tests), and its parts (methods, each importing its module on first use)."""

    name: str
    title: str
    prefix: str
    # Real hostnames (fnmatch patterns) routed to a path prefix, e.g. {"*.api.ushahidi.io": "/ushahidi"}.
    hosts: dict[str, str]
    # Whether a JSON body (None: an empty one) is one of the vendor's error answers.
    is_error_body: Callable[[Any], bool]
    # Rows of (what, credentials) for the dashboard.
    credentials: tuple[tuple[str, str], ...] = field(default=())
    # (real base URL, path after the mock prefix) per API the vendor serves, for the dashboard.
    real_bases: tuple[tuple[str, str], ...] = field(default=())
    # The login identifier of the user allowed everything, where `POST /__admin/tokens`' default user is not it.
    admin_user: str | None = None
    # Fixture file stem -> the dotted fields that identify a record in it, where that is not the record's first
    # field (a user's fixtures replace default records by it: app/core/fixtures.py).
    fixture_identities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Whether `seed.after_seed(conn)` runs in the seeding transaction after the vendor's rows are in.
    has_after_seed: bool = False
    # How its server answers a CORS preflight that is allowed: the status, and whether the requested headers are
    # echoed in lower case (core/pipeline.py's CORS layer; Starlette's own: 200, as sent).
    preflight_status: int = 200
    preflight_headers_lowercase: bool = False

    @property
    def package(self) -> str:
        return f"crowdmock.vendors.{self.name}"

    def _module(self, name: str) -> ModuleType:
        return import_module(f"{self.package}.{name}")

    def build_app(self, settings: Settings) -> FastAPI:
        """The vendor's FastAPI sub-application, mounted at its prefix."""
        return self._module("routes").build_app(settings)

    def import_models(self) -> None:
        """Its table models: imported when the store first needs the vendor's tables (app/core/store.py)."""
        self._module("models")

    def load_seed(self, folder: Path) -> SeedRows:
        """Its fixtures folder as rows. Seed modules import their table models inside their functions: a database
        copied from the seed cache (app/core/seedcache.py) runs the after-seed hooks without importing any."""
        return self._module("seed").load(folder)

    def after_seed(self) -> AfterSeed | None:
        return self._module("seed").after_seed if self.has_after_seed else None

    def render_error(self) -> ErrorRenderer:
        """`render(request, status, message, headers)`: the vendor's error answer (its handlers and faults use it)."""
        return self._module("errors").render_error

    def mint_credentials(
        self, engine: Engine, settings: Settings, user: str | None, scopes: list[str] | None, ttl: int | None
    ) -> Credentials:
        """Ready-to-use credentials without the vendor's auth flow (raises UnknownUser)."""
        with Session(engine, expire_on_commit=False) as db:
            return self._module("auth").mint_credentials(db, settings, user, scopes, ttl)

    def request_shapes(self) -> ModuleType:
        """Its `schemas` module: what the OpenAPI document states of request bodies and parameters beyond what
        `make openapi` records (`OPEN_FIELDS`, `request_fields()`, `parameter_schema`)."""
        return self._module("schemas")

    def openapi_recording(self) -> Traversable:
        """The shapes `make openapi` recorded from the test suite's exchanges (app/vendors/<name>/openapi.json)."""
        return files(self.package) / "openapi.json"

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


def has_keys(body: Any, *keys: str) -> bool:
    """For `Vendor.is_error_body`: a JSON object with all these keys."""
    return isinstance(body, dict) and all(key in body for key in keys)


def public_base(request: Request) -> str:
    """Scheme, host and prefix that the vendor's `url` fields start with (no trailing slash), for a request to a
    vendor's app (its state holds the settings and the vendor)."""
    settings: Settings = tenant_of(request).settings
    prefix = request.app.state.vendor.prefix
    tenant = request.scope.get(TENANT_PATH_KEY, "")  # a tenant chosen by path: links keep it
    origin = request.scope.get(HOST_ROUTED_ORIGIN)
    if origin:
        return origin + tenant
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/") + tenant + (prefix if not settings.vendor else "")
    # The sub-application's mount prefix is the scope's root_path.
    url = request.url
    return f"{url.scheme}://{url.netloc}{tenant}{request.scope.get('root_path', '')}".rstrip("/")
