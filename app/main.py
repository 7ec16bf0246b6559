"""create_app(settings): mounts every vendor, the admin API and the dashboard on one ASGI app."""

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.admin.context import Admin
from crowdmock.admin.errors import error_response
from crowdmock.admin.routes import build_admin_app
from crowdmock.core import clock
from crowdmock.core.db import make_engine, wait_for_database
from crowdmock.core.docs import install_offline_docs
from crowdmock.core.fixtures import UserFixtures
from crowdmock.core.journal import vendor_resolver
from crowdmock.core.pipeline import install_server_pipeline, install_vendor_pipeline
from crowdmock.core.seedcache import SeedCache
from crowdmock.core.shared import ControlPlane
from crowdmock.core.store import Store
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
    control = open_control_plane(settings)
    app_clock = clock.Clock(settings.deterministic, settings.clock, control.make_draws(settings.random_seed))
    store = open_store(settings)
    store.after_reset.append(control.clear_counters)
    with clock.using(app_clock):
        store.start()
    if settings.token_secret is None:
        # Deterministic runs on fresh databases must sign alike; otherwise each database has its own secret.
        secret = f"crowdmock-deterministic-{settings.random_seed}" if settings.deterministic else store.token_secret
        settings = settings.model_copy(update={"token_secret": secret})

    mounted = {settings.vendor: VENDORS[settings.vendor]} if settings.vendor else dict(VENDORS)
    journal, faults = control.journal, control.faults

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.gc_freeze:
            _freeze_long_lived()
        yield
        # `docker stop` / Ctrl-C: connections closed, WAL checkpointed. A private (`sqlite://`) database is kept until
        # the process ends, since an in-process app may be started again (each TestClient context, schemathesis).
        store.release()
        control.release()

    app = FastAPI(title="crowdmock", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.store, app.state.settings, app.state.control = store, settings, control
    app.state.journal, app.state.faults = journal, faults
    app.mount("/__admin", build_admin_app(Admin(store, settings, control, mounted)))
    if not settings.vendor:
        app.include_router(dashboard_router)

    hosts: dict[str, str] = {}
    vendor_apps = {}
    for vendor in mounted.values():
        vendor_apps[vendor.name] = LazyApp(partial(_vendor_app, vendor, settings, store, control))
        app.mount("" if settings.vendor else vendor.prefix, vendor_apps[vendor.name])
        if not settings.vendor:
            hosts.update(vendor.hosts)
    install_server_pipeline(
        app,
        settings=settings,
        hosts=hosts,
        resolve=vendor_resolver({v.name: v.prefix for v in mounted.values()}, settings.vendor),
        data_version=store.data_version,
        journal=journal,
        faults=faults,
        clock=app_clock,
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


def _freeze_long_lived() -> None:
    """What start-up and each vendor's first request build (routes, schemas, models) lives as long as the server:
    out of the garbage collector's way, so that its full collections under load scan only what requests make (they
    stalled every client for ~100 ms: p99 40x the median)."""
    gc.collect()
    gc.freeze()


def _vendor_app(vendor: Vendor, settings: Settings, store: Store, control: ControlPlane) -> FastAPI:
    sub = vendor.build_app(settings)
    sub.state.store, sub.state.settings, sub.state.vendor, sub.state.control = store, settings, vendor, control
    install_offline_docs(sub)
    install_vendor_pipeline(
        sub, vendor=vendor.name, settings=settings, faults=control.faults, render=vendor.render_error()
    )
    if settings.gc_freeze:  # built on the vendor's first request, after start-up froze the rest
        _freeze_long_lived()
    return sub
