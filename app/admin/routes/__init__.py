"""/__admin: the control plane (its own OpenAPI document at /__admin/openapi.json, docs at /__admin/docs)."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.admin import errors
from crowdmock.admin.routes import faults, requests, state, system
from crowdmock.admin.routes import tenants as tenants_routes
from crowdmock.core.docs import STATIC_DIR, install_offline_docs
from crowdmock.core.openapi import document_errors
from crowdmock.core.routing import add_routes
from crowdmock.core.tenancy import Tenants
from crowdmock.core.vendor import Vendor
from crowdmock.dashboard import STATIC_DIR as DASHBOARD_STATIC_DIR
from crowdmock.settings import Settings


class JsonBodies:
    """Admin bodies are JSON whatever their Content-Type says (`curl -d '{...}'` sends a form type)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH"):
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            scope = {**scope, "headers": [*headers, (b"content-type", b"application/json")]}
        await self.app(scope, receive, send)


def build_admin_app(tenants: Tenants, settings: Settings, vendors: dict[str, Vendor]) -> FastAPI:
    """The admin API: each endpoint works on the request's tenant (`/t/<name>/__admin/...`), except `/tenants`."""
    app = FastAPI(
        title="crowdmock admin API",
        version="1",
        description="Control plane of crowdmock: health, reset, the request journal, fault injection, credentials "
        "and snapshots. Not part of any vendor's API.",
    )
    app.state.tenants, app.state.settings, app.state.vendors = tenants, settings, vendors
    app.add_middleware(JsonBodies)
    errors.install(app)
    document_errors(app, "AdminError", errors.ERROR_SCHEMA, [400, 404, 422])
    add_routes(app, *(m.router for m in (system, requests, faults, state, tenants_routes)))
    app.mount("/static/docs", StaticFiles(directory=STATIC_DIR), name="docs-static")
    app.mount("/static/dashboard", StaticFiles(directory=DASHBOARD_STATIC_DIR), name="dashboard-static")
    install_offline_docs(app)
    return app
