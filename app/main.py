"""create_app(settings): mounts every vendor, the admin API and the dashboard on one ASGI app."""

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from app.admin.routes import build_admin_app
from app.core.db import make_engine
from app.core.routing import HostRoutingMiddleware
from app.core.store import Store
from app.dashboard.routes import router as dashboard_router
from app.settings import Settings
from app.vendors import VENDORS


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if settings.vendor and settings.vendor not in VENDORS:
        raise ValueError(f"unknown vendor {settings.vendor!r}; known: {', '.join(VENDORS)}")
    store = Store(
        make_engine(settings.database_url),
        {name: vendor.seed for name, vendor in VENDORS.items()},
        settings.fixtures_dir,
        {name: hook for name, vendor in VENDORS.items() if (hook := vendor.after_seed())},
    )
    store.start()

    app = FastAPI(title="crowdmock", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.settings = settings
    app.mount("/__admin", build_admin_app(store, settings))

    hosts: dict[str, str] = {}
    mounted = [VENDORS[settings.vendor]] if settings.vendor else list(VENDORS.values())
    if not settings.vendor:
        app.include_router(dashboard_router)
    for vendor in mounted:
        sub = vendor.build_app(settings)
        sub.state.store = store
        sub.state.settings = settings
        sub.state.vendor = vendor
        store.reset_hooks[vendor.name] = list(getattr(sub.state, "reset_hooks", []))
        app.mount("" if settings.vendor else vendor.prefix, sub)
        if not settings.vendor:
            hosts.update(vendor.hosts)

    app.add_middleware(HostRoutingMiddleware, hosts=hosts)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        # Session vendors (DoSomething's Drupal cookie) need credentialed requests from browser frontends;
        # Starlette then echoes the caller's Origin instead of "*".
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["*"],
        max_age=86400,
    )
    return app
