"""create_app(settings): mounts every vendor, the admin API and the dashboard on one ASGI app."""

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.admin.context import Admin
from crowdmock.admin.errors import error_response
from crowdmock.admin.routes import build_admin_app
from crowdmock.core import clock
from crowdmock.core.bodies import BufferedBodyMiddleware
from crowdmock.core.cache import ResponseCache
from crowdmock.core.db import make_engine
from crowdmock.core.docs import install_offline_docs
from crowdmock.core.faults import FaultMiddleware, Faults
from crowdmock.core.fixtures import UserFixtures
from crowdmock.core.journal import Journal, JournalMiddleware, mark_unmatched, vendor_resolver
from crowdmock.core.routing import HeadAsGetMiddleware, HostRoutingMiddleware
from crowdmock.core.seedcache import SeedCache
from crowdmock.core.store import Store
from crowdmock.core.vendor import Vendor
from crowdmock.dashboard.routes import router as dashboard_router
from crowdmock.settings import Settings
from crowdmock.vendors import VENDORS

# "*" covers requests without credentials; credentialed ones (cookies) need the names.
EXPOSED_HEADERS = [
    "*",
    "X-Request-Id",
    "Retry-After",
    "Location",
    "Link",
    "ETag",
    "Last-Modified",
    "WWW-Authenticate",
    "Content-Disposition",
    "pager_total_count",
    "pager_current_page_number",
    "pager_page_size",
    "pager_first_index",
    "pager_last_index",
]


def open_store(settings: Settings, follow_recorded: bool = True) -> Store:
    """The store of every registered vendor on the configured database (not started). Without
    `settings.fixtures` it seeds from the fixtures the database recorded (`follow_recorded`) or the defaults."""
    return Store(
        make_engine(settings.database_url),
        {name: vendor.seed for name, vendor in VENDORS.items()},
        settings.fixtures_dir,
        {name: hook for name, vendor in VENDORS.items() if (hook := vendor.after_seed())},
        UserFixtures(settings.fixtures, settings.fixtures_replace) if settings.fixtures else None,
        {name: vendor.fixture_identities() for name, vendor in VENDORS.items()},
        follow_recorded,
        SeedCache(settings.seed_cache) if settings.seed_cache else None,
        {name: vendor.import_models for name, vendor in VENDORS.items()},
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if settings.vendor and settings.vendor not in VENDORS:
        raise ValueError(f"unknown vendor {settings.vendor!r}; known: {', '.join(VENDORS)}")
    app_clock = clock.Clock(settings.deterministic, settings.clock, settings.random_seed)
    store = open_store(settings)
    with clock.using(app_clock):
        store.start()
    if settings.token_secret is None:
        # Deterministic runs on fresh databases must sign alike; otherwise each database has its own secret.
        secret = f"crowdmock-deterministic-{settings.random_seed}" if settings.deterministic else store.token_secret
        settings = settings.model_copy(update={"token_secret": secret})

    mounted = {settings.vendor: VENDORS[settings.vendor]} if settings.vendor else dict(VENDORS)
    journal = Journal(settings.journal_size, settings.journal_body_bytes)
    faults = Faults()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.gc_freeze:
            _freeze_long_lived()
        yield
        # `docker stop` / Ctrl-C: connections closed, WAL checkpointed. A private (`sqlite://`) database is kept until
        # the process ends, since an in-process app may be started again (each TestClient context, schemathesis).
        store.release()

    app = FastAPI(title="crowdmock", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.store, app.state.settings, app.state.journal, app.state.faults = store, settings, journal, faults
    app.mount("/__admin", build_admin_app(Admin(store, settings, journal, faults, mounted)))
    if not settings.vendor:
        app.include_router(dashboard_router)

    hosts: dict[str, str] = {}
    vendor_apps = {}
    for vendor in mounted.values():
        vendor_apps[vendor.name] = LazyApp(partial(_vendor_app, vendor, settings, store, faults))
        app.mount("" if settings.vendor else vendor.prefix, vendor_apps[vendor.name])
        if not settings.vendor:
            hosts.update(vendor.hosts)
    resolve = vendor_resolver({v.name: v.prefix for v in mounted.values()}, settings.vendor)
    app.router.default = _to_vendor(app.router.default, resolve, vendor_apps)

    app.add_middleware(JournalMiddleware, journal=journal, resolve=resolve)
    app.add_middleware(HostRoutingMiddleware, hosts=hosts)
    app.add_middleware(clock.ClockMiddleware, clock=app_clock)
    if settings.cors_enabled:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            # Session vendors (DoSomething's Drupal cookie) need credentialed requests from browser frontends;
            # Starlette then echoes the caller's Origin instead of "*".
            allow_credentials=settings.cors_allow_credentials,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=EXPOSED_HEADERS,
            max_age=86400,
        )
    _cache_in_front(
        app,
        ResponseCache,
        version=store.data_version,
        vendor=resolve,
        faulty=faults.__bool__,
        journal=journal,
        enabled=settings.response_cache,
    )
    return app


def _cache_in_front(app: FastAPI, cache: type, **options) -> None:
    """The response cache wraps the whole middleware stack (Starlette builds it on the first request), so that an
    answer from it costs no middleware at all."""
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: cache(build(), **options)


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


def _to_vendor(default: ASGIApp, resolve, vendor_apps: dict[str, ASGIApp]) -> ASGIApp:
    """Starlette's mounts do not match a path with a newline (`%0A`) in it; such a request under a vendor's prefix
    still goes to that vendor, which answers it (a 404 in its own shape, never FastAPI's `{"detail"}`). Outside every
    vendor the 404 is in crowdmock's own shape, as the admin API's."""
    not_found = error_response(404, "not found")

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        found = resolve(scope["path"]) if scope["type"] == "http" else None
        if found is not None:
            name, prefix = found
            await vendor_apps[name]({**scope, "root_path": scope.get("root_path", "") + prefix}, receive, send)
        elif scope["type"] == "http":
            await not_found(scope, receive, send)
        else:
            await default(scope, receive, send)

    return route


def _freeze_long_lived() -> None:
    """What start-up and each vendor's first request build (routes, schemas, models) lives as long as the server:
    out of the garbage collector's way, so that its full collections under load scan only what requests make (they
    stalled every client for ~100 ms: p99 40x the median)."""
    gc.collect()
    gc.freeze()


def _vendor_app(vendor: Vendor, settings: Settings, store: Store, faults: Faults) -> FastAPI:
    sub = vendor.build_app(settings)
    sub.state.store, sub.state.settings, sub.state.vendor = store, settings, vendor
    store.reset_hooks[vendor.name] = list(getattr(sub.state, "reset_hooks", []))
    install_offline_docs(sub)
    render = vendor.render_error()
    sub.user_middleware = [
        Middleware(HeadAsGetMiddleware),
        *sub.user_middleware,  # the vendor's own
        # Inside the vendor's middleware, so its 413 and fault responses get what that adds (Crowdynews' request id).
        Middleware(BufferedBodyMiddleware, settings=settings, render=render),
        Middleware(FaultMiddleware, faults=faults, vendor=vendor.name, render=render),
    ]
    not_found = sub.router.default

    async def no_route(scope: Scope, receive: Receive, send: Send) -> None:
        mark_unmatched(scope)
        await not_found(scope, receive, send)

    sub.router.default = no_route
    if settings.gc_freeze:  # built on the vendor's first request, after start-up froze the rest
        _freeze_long_lived()
    return sub
