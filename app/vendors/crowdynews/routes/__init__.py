"""Assembles the Crowdynews sub-application: the Control API at the root (with and without `/v1`), the Content
API under `/q` and the authorization server under `/auth`, as the contract's three mock bases."""

from pathlib import Path

from fastapi import FastAPI

from app.core.openapi import document_recorded, document_security
from app.settings import Settings
from app.vendors.crowdynews import auth, errors
from app.vendors.crowdynews.routes import content, control, oauth

RECORDED = Path(__file__).parent.parent / "openapi.json"  # make openapi


def build_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="Crowdynews Web APIs (crowdmock)",
        version="1",
        description="Control API (`https://api.crowdynews.com`, here at the root, with or without `/v1`), "
        "Content API (`https://q.crowdynews.com`, here under `/q`) and the authorization server "
        "(`https://auth.crowdynews.com`, here under `/auth`).",
    )
    errors.install(app)
    document_security(app, auth.SECURITY_SCHEMES, auth.SECURITY, anonymous=auth.ANONYMOUS, other=auth.OTHER_SECURITY)
    document_recorded(app, RECORDED)
    app.include_router(oauth.router)
    app.include_router(content.router)
    app.include_router(control.router)
    app.include_router(control.router, prefix="/v1")
    return app
