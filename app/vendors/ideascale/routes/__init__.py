"""Assembles the IdeaScale sub-application (`/a/rest/v1` of one community)."""

from importlib.resources import files

from fastapi import FastAPI

from crowdmock.core.openapi import document_recorded, document_security
from crowdmock.core.routing import add_routes
from crowdmock.settings import Settings
from crowdmock.vendors.ideascale import auth, errors, schemas
from crowdmock.vendors.ideascale.routes import campaigns, comments, community, ideas, members

RECORDED = files("crowdmock.vendors.ideascale") / "openapi.json"  # make openapi


def build_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="IdeaScale REST API v1 (crowdmock)",
        version="1",
        description="Emulates `https://<workspace>.ideascale.com/a/rest/v1`: the `api_token` header on every "
        "call, Multipass `member_token`/`sso_token`, path paging with `pager_*` headers.",
    )
    errors.install(app)
    document_security(app, auth.SECURITY_SCHEMES, auth.SECURITY)
    document_recorded(app, RECORDED, schemas.parameter_schema)
    # Order matters: literal paths (ideas/recent, members/name/...) before `{page}/{size}` patterns.
    add_routes(app, *(m.router for m in (campaigns, comments, ideas, members, community)), community.files)
    return app
