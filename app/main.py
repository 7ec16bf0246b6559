"""create_app(settings): mounts every vendor, the admin API and the dashboard on one ASGI app."""

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.admin.errors import error_response
from crowdmock.admin.routes import build_admin_app
from crowdmock.core import clock, snapshot
from crowdmock.core.db import make_engine, wait_for_database
from crowdmock.core.docs import install_offline_docs
from crowdmock.core.fixtures import UserFixtures
from crowdmock.core.journal import vendor_resolver
from crowdmock.core.pipeline import install_server_pipeline, install_vendor_pipeline
from crowdmock.core.seedcache import SeedCache
from crowdmock.core.shared import ControlPlane
from crowdmock.core.store import Store, remove_tenant_database, tenant_database_url
from crowdmock.core.tenancy import DEFAULT, Tenant, TenantError, Tenants
from crowdmock.core.vendor import Vendor
from crowdmock.dashboard.routes import router as dashboard_router
from crowdmock.settings import Settings
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


def open_control_plane(settings: Settings) -> ControlPlane:
    """The journal, fault rules, rate counters and deterministic draws: in this process's memory, or shared with
    every process on the database (`CROWDMOCK_SHARED_STATE`, docs/scaling-out.md)."""
    if settings.shares_state:
        return ControlPlane.shared(settings.database_url, settings.journal_size, settings.journal_body_bytes)
    return ControlPlane.in_memory(settings.journal_size, settings.journal_body_bytes)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if settings.vendor and settings.vendor not in VENDORS:
        raise ValueError(f"unknown vendor {settings.vendor!r}; known: {', '.join(VENDORS)}")
    wait_for_database(settings.database_url, settings.database_wait)
    default = open_tenant(settings, DEFAULT, open_store(settings), open_control_plane(settings))
    tenants = Tenants(
        default,
        partial(_open_named_tenant, settings, default),
        close_tenant,
        ttl=settings.tenant_ttl,
        limit=settings.max_tenants,
    )
    mounted = {settings.vendor: VENDORS[settings.vendor]} if settings.vendor else dict(VENDORS)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.gc_freeze:
            _freeze_long_lived()
        yield
        # `docker stop` / Ctrl-C: connections closed, WAL checkpointed. A private (`sqlite://`) database is kept until
        # the process ends, since an in-process app may be started again (each TestClient context, schemathesis).
        tenants.close()
        default.store.release()
        default.control.release()

    app = FastAPI(title="crowdmock", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
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
        vendor_apps=vendor_apps,
        not_found=error_response(404, "not found"),
    )
    return app


def open_tenant(settings: Settings, name: str, store: Store, control: ControlPlane, template=None) -> Tenant:
    """A tenant on its store and control plane: started (seeded, or copied from `template`), with its own clock and
    token secret."""
    seed = settings.random_seed if name == DEFAULT else f"{settings.random_seed}:{name}"
    tenant_clock = clock.Clock(settings.deterministic, settings.clock, control.make_draws(seed))
    store.after_reset.append(control.clear_counters)
    with clock.using(tenant_clock):
        store.start(template=template)
    secret = settings.token_secret
    if secret is None:
        # Deterministic runs on fresh databases must sign alike; otherwise each database has its own secret.
        secret = f"crowdmock-deterministic-{settings.random_seed}" if settings.deterministic else store.token_secret
    if name != DEFAULT:  # a tenant's credentials are refused by every other, whatever secret the server was given
        secret = f"{secret}:{name}"
    return Tenant(name, store, control, settings.model_copy(update={"token_secret": secret}), tenant_clock)


def _open_named_tenant(settings: Settings, default: Tenant, name: str, source: dict | None) -> Tenant:
    """A new tenant's own database (a file beside the server's, or a private one), started from the default
    tenant's seeded copy, or from `source`: {"fixtures": folder} seeds it from those, {"snapshot": body} loads it."""
    if settings.shares_state:
        # Not yet: named tenants are made per process, and processes sharing a database must share them too.
        problem = "tenants are served by one process for now; this server shares its state (--workers or PostgreSQL)"
        raise TenantError(501, "tenants not available", [problem])
    fixtures = (source or {}).get("fixtures")
    tenant_settings = settings.model_copy(
        update={
            "database_url": tenant_database_url(settings.database_url, name),
            "fixtures": fixtures and Path(fixtures),
        }
    )
    remove_tenant_database(tenant_settings.database_url)  # one left by a server that was killed
    store = open_store(tenant_settings, follow_recorded=False) if fixtures else open_store(tenant_settings)
    if not fixtures:
        store.user_fixtures, store.fixtures_dir = default.store.user_fixtures, default.store.fixtures_dir
    control = open_control_plane(tenant_settings)
    try:
        tenant = open_tenant(settings, name, store, control, None if fixtures else default.store.pristine_file())
        if source and "snapshot" in source:
            snapshot.load(store, source["snapshot"])
    except BaseException:
        store.close()
        remove_tenant_database(tenant_settings.database_url)
        raise
    return tenant


def close_tenant(tenant: Tenant) -> None:
    """A named tenant's end: its connections closed and its data deleted."""
    tenant.store.close()
    tenant.control.release()
    remove_tenant_database(str(tenant.store.engine.url))


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


def _freeze_long_lived() -> None:
    """What start-up and each vendor's first request build (routes, schemas, models) lives as long as the server:
    out of the garbage collector's way, so that its full collections under load scan only what requests make (they
    stalled every client for ~100 ms: p99 40x the median)."""
    gc.collect()
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
