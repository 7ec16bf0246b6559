"""Docs pages that work offline: every vendor's `/docs` and the admin API's use the Swagger UI files bundled
with fastapi-offline, served once at STATIC_URL (outside Host routing, so host-routed docs pages find them)."""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.routing import Route

STATIC_DIR = Path(fastapi_offline.__file__).parent / "static"
STATIC_URL = "/__admin/static/docs"


def install_offline_docs(app: FastAPI) -> None:
    """Replace FastAPI's CDN-backed docs page (and drop ReDoc's) with the local one, at the same URL."""
    docs_url = app.docs_url or "/docs"
    dropped = {docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    app.router.routes[:] = [r for r in app.router.routes if not (isinstance(r, Route) and r.path in dropped)]
    app.docs_url = app.redoc_url = None

    @app.get(docs_url, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - docs",
            swagger_js_url=f"{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC_URL}/favicon.png",
        )
