"""Assembles the Crowdskout sub-application."""

from importlib.resources import files

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.core.openapi import document_recorded, document_security
from crowdmock.core.routing import add_routes
from crowdmock.settings import Settings
from crowdmock.vendors.crowdskout import errors
from crowdmock.vendors.crowdskout.auth import ANONYMOUS, SECURITY, SECURITY_SCHEMES
from crowdmock.vendors.crowdskout.routes import attributes, auth, fields, profiles


class DropApiKey:
    """Real clients append `?api_key=`; the API ignores it (docs/vendors/crowdskout.md §4.1)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"api_key=" in scope.get("query_string", b""):
            pairs = scope["query_string"].split(b"&")
            scope = {**scope, "query_string": b"&".join(p for p in pairs if not p.startswith(b"api_key="))}
        await self.app(scope, receive, send)


RECORDED = files("crowdmock.vendors.crowdskout") / "openapi.json"  # make openapi


def build_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="Crowdskout API v1 (crowdmock)",
        version="1",
        description="Emulates `https://api.crowdskout.com`: OAuth at /oauth, resources at /v1.",
    )
    errors.install(app)
    document_security(app, SECURITY_SCHEMES, SECURITY, anonymous=ANONYMOUS)
    document_recorded(app, RECORDED)
    add_routes(app, auth.router, profiles.router, attributes.router, fields.router)
    app.add_middleware(DropApiKey)
    return app
