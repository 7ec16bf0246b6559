"""Assembles the Crowdynews sub-application: the Control API at the root (with and without `/v1`), the Content
API under `/q` and the authorization server under `/auth`, as the contract's three mock bases."""

from importlib.resources import files

from fastapi import FastAPI

from crowdmock.core.openapi import document_recorded, document_security
from crowdmock.core.routing import add_routes
from crowdmock.settings import Settings
from crowdmock.vendors.crowdynews import errors
from crowdmock.vendors.crowdynews.auth import ANONYMOUS, OTHER_SECURITY, SECURITY, SECURITY_SCHEMES
from crowdmock.vendors.crowdynews.routes import auth, content, control

RECORDED = files("crowdmock.vendors.crowdynews") / "openapi.json"  # make openapi


def build_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="Crowdynews Web APIs (crowdmock)",
        version="1",
        description="Control API (`https://api.crowdynews.com`, here at the root, with or without `/v1`), "
        "Content API (`https://q.crowdynews.com`, here under `/q`) and the authorization server "
        "(`https://auth.crowdynews.com`, here under `/auth`).",
    )
    errors.install(app)
    document_security(app, SECURITY_SCHEMES, SECURITY, anonymous=ANONYMOUS, other=OTHER_SECURITY)
    document_recorded(app, RECORDED)
    add_routes(app, auth.router, content.router, control.build_router(), control.build_router("/v1"))
    return app
