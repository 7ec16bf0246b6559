"""create_app(settings): mounts every vendor, the admin API and the dashboard on one ASGI app."""

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.admin.errors import error_response
from crowdmock.admin.routes import build_admin_app
from crowdmock.core import control, inline, routing
from crowdmock.core.db import make_engine, wait_for_database
from crowdmock.core.docs import install_offline_docs
from crowdmock.core.fixtures import UserFixtures
from crowdmock.core.journal import vendor_resolver
from crowdmock.core.pipeline import install_server_pipeline, install_vendor_pipeline
from crowdmock.core.seedcache import SeedCache
from crowdmock.core.shared import ControlPlane
from crowdmock.core.shared_tenants import SharedTenants
from crowdmock.core.store import Store
from crowdmock.core.tenancy import DEFAULT, Tenants
from crowdmock.core.vendor import Vendor
from crowdmock.dashboard.routes import router as dashboard_router
from crowdmock.settings import Settings
from crowdmock.tenants import TenantData, assemble
from crowdmock.vendors import VENDORS


def open_store(settings: Settings, follow_recorded: bool = True) -> Store:
    """The store of every registered vendor on the configured database (not started). Without
    `settings.fixtures` it seeds from the fixtures the database recorded (`follow_recorded`) or the defaults."""
    return Store(
        make_engine(settings.database_url),
        VENDORS,
        settings.fixtures_dir,
        user_fixtures=UserFixtures(settings.fixtures, settings.fixtures_replace) if settings.fixtures else None,
        follow_recorded=follow_recorded,
        seed_cache=SeedCache(settings.seed_cache) if settings.seed_cache else None,
    )


def open_control_plane(settings: Settings, engine: Engine | None = None, tenant: str = DEFAULT) -> ControlPlane:
    """A tenant's journal, fault rules, rate counters and deterministic draws: in this process's memory, or shared
    with every process on the database (`CROWDMOCK_SHARED_STATE`, docs/scaling-out.md) in the control tables of
    `engine` (opened here when not given)."""
    if settings.shares_state:
        engine = engine or control.open_control(settings.database_url)
        return ControlPlane.shared(engine, tenant, settings.journal_size, settings.journal_body_bytes)
    return ControlPlane.in_memory(settings.journal_size, settings.journal_body_bytes)


def vendor_hostnames() -> list[str]:
    """Every vendor's real hostnames (fnmatch patterns), which the HTTPS certificate is valid for (core/tls.py)."""
    return [host for vendor in VENDORS.values() for host in vendor.hosts]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if settings.vendor and settings.vendor not in VENDORS:
        raise ValueError(f"unknown vendor {settings.vendor!r}; known: {', '.join(VENDORS)}")
    inline.install()  # writing requests' sync code on the event loop for SQLite stores (core/inline.py)
    routing.skip_pydantic_v1_checks()
    wait_for_database(settings.database_url, settings.database_wait)
    default_control = open_control_plane(settings)
    default = assemble(settings, DEFAULT, open_store(settings), default_control)
    maker = TenantData(settings, default, open_store, partial(open_control_plane, settings, default_control.engine))
    if settings.shares_state:
        tenants = SharedTenants(default, maker, settings.tenant_ttl, settings.max_tenants, default_control.engine)
    else:
        maker.clear_leftovers()
        tenants = Tenants(default, maker, settings.tenant_ttl, settings.max_tenants)
    mounted = {settings.vendor: VENDORS[settings.vendor]} if settings.vendor else dict(VENDORS)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.gc_freeze:
            _freeze_long_lived(generation=1)
        yield
        # `docker stop` / Ctrl-C: connections closed, WAL checkpointed. A private (`sqlite://`) database is kept until
        # the process ends, since an in-process app may be started again (each TestClient context, schemathesis).
        tenants.close()
        default.store.release()
        default.control.release()

    # No OpenTelemetry: FastAPI would otherwise ask the global tracer provider (reading the environment) on every
    # request, before the response cache can answer it.
    no_telemetry = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}
    app = FastAPI(
        title="crowdmock", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan, telemetry=no_telemetry
    )
    # The default tenant's parts, for code that has an app at hand and no request (tests, the CLI).
    app.state.store, app.state.settings, app.state.control = default.store, default.settings, default.control
    app.state.journal, app.state.faults, app.state.tenants = default.control.journal, default.control.faults, tenants
    app.mount("/__admin", build_admin_app(tenants, settings, mounted))
    if not settings.vendor:
        app.include_router(dashboard_router)

    hosts: dict[str, str] = {}
    vendor_apps = {}
    for vendor in mounted.values():
        vendor_apps[vendor.name] = LazyApp(partial(_vendor_app, vendor, default.settings))
        app.mount("" if settings.vendor else vendor.prefix, vendor_apps[vendor.name])
        if not settings.vendor:
            hosts.update(vendor.hosts)
    install_server_pipeline(
        app,
        settings=settings,
        tenants=tenants,
        refuse_tenant=lambda refusal: error_response(refusal.status, refusal.error, refusal.problems),
        hosts=hosts,
        resolve=vendor_resolver({v.name: v.prefix for v in mounted.values()}, settings.vendor),
        vendors=mounted,
        vendor_apps=vendor_apps,
        not_found=error_response(404, "not found"),
    )
    return app


class LazyApp:
    """An ASGI app built on its first request (or when its routes are asked for): start-up builds none of the
    vendors' ~420 routes (0.6 s), and a server that is used for one vendor never builds the others."""

    def __init__(self, build: Callable[[], ASGIApp]):
        self._build = build
        self._app: ASGIApp | None = None

    @property
    def app(self) -> ASGIApp:
        if self._app is None:
            self._app = self._build()
        return self._app

    @property
    def routes(self) -> list:
        return self.app.routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def _freeze_long_lived(generation: int = 2) -> None:
    """What start-up and each vendor's first request build (routes, schemas, models) lives as long as the server:
    out of the garbage collector's way, so that its full collections under load scan only what requests make (they
    stalled every client for ~100 ms: p99 40x the median). Start-up collects only the young generations: a full
    collection there found no garbage and cost ~70 ms of every cold start (124k objects); once start-up is frozen, a
    vendor's full collection scans only what its build made (~2 ms)."""
    gc.collect(generation)
    gc.freeze()


def _vendor_app(vendor: Vendor, settings: Settings) -> FastAPI:
    """A vendor's app, shared by every tenant: its routes work on the request's tenant (core/tenancy.py)."""
    sub = vendor.build_app(settings)
    sub.state.settings, sub.state.vendor = settings, vendor
    install_offline_docs(sub)
    install_vendor_pipeline(sub, vendor=vendor.name, settings=settings, render=vendor.render_error())
    if settings.gc_freeze:  # built on the vendor's first request, after start-up froze the rest
        _freeze_long_lived()
    return sub
