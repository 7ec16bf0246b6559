"""Assembles the DoSomething sub-application (the Phoenix site's `api/v1` Services endpoint)."""

import re
from importlib.resources import files

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.core.openapi import document_recorded, document_security
from crowdmock.core.routing import add_routes
from crowdmock.settings import Settings
from crowdmock.vendors.dosomething import errors, schemas
from crowdmock.vendors.dosomething.auth import SECURITY, SECURITY_SCHEMES
from crowdmock.vendors.dosomething.routes import auth, campaigns, kudos, reportbacks, signups, system, terms, users

_SUFFIX = re.compile(r"^(?P<path>/api/v1/.+?)\.(?P<ext>[^./]+)$")


class FormatSuffix:
    """RESTServer takes the response format from a path suffix: `campaigns.json` is `campaigns` as JSON;
    JSON is the only formatter the endpoint enables, so any other suffix is a 406 (docs/vendors/dosomething.md §2.1)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            root = scope.get("root_path", "")
            path = scope["path"][len(root) :] if root and scope["path"].startswith(root) else scope["path"]
            match = _SUFFIX.match(path)
            if match and match["ext"] != "json":
                message = "Unknown or unsupported response format."
                await errors.services_response(406, message, [message])(scope, receive, send)
                return
            if match:
                cut = len(match["ext"]) + 1
                raw = scope.get("raw_path")
                scope = {**scope, "path": scope["path"][:-cut], "raw_path": raw[:-cut] if raw else raw}
        await self.app(scope, receive, send)


RECORDED = files("crowdmock.vendors.dosomething") / "openapi.json"  # make openapi


def build_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="DoSomething.org API v1 (crowdmock)",
        version="1",
        description="Emulates `https://www.dosomething.org/api/v1` (Phoenix: Drupal 7 + Services 3.x): "
        "session login with CSRF tokens, campaigns, signups, reportbacks, kudos, terms and users.",
    )
    errors.install(app)
    document_security(app, SECURITY_SCHEMES, SECURITY, optional=None)
    document_recorded(app, RECORDED, schemas.parameter_schema)
    # The user actions before the system resource: the order the document has always listed them in.
    add_routes(app, *(m.router for m in (auth, system, campaigns, signups, reportbacks, kudos, terms, users)))
    app.add_middleware(FormatSuffix)
    return app
