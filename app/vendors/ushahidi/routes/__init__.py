"""Assembles the Ushahidi sub-application: routers, error envelope, OPTIONS and JSONP."""

import re
from importlib.resources import files
from urllib.parse import parse_qs

from fastapi import FastAPI

from crowdmock.core.openapi import document_recorded, document_security
from crowdmock.core.routing import add_routes
from crowdmock.settings import Settings
from crowdmock.vendors.ushahidi import errors
from crowdmock.vendors.ushahidi.access import (
    ALL,
    READ_SEARCH,
    form_privileges,
    post_privileges,
    set_privileges,
    tag_privileges,
    user_privileges,
)
from crowdmock.vendors.ushahidi.auth import ANONYMOUS, OPTIONAL, SECURITY, SECURITY_SCHEMES, CtxDep
from crowdmock.vendors.ushahidi.gwcheck import GatewayCheckMiddleware
from crowdmock.vendors.ushahidi.laravel import TrailingSlashMiddleware
from crowdmock.vendors.ushahidi.routes import (
    apikeys,
    auth,
    config,
    contacts,
    csv,
    datasources,
    exports,
    form_attributes,
    form_contacts,
    form_stages,
    forms,
    hxl,
    layers,
    media,
    messages,
    notifications,
    post_versions,
    posts,
    reference,
    sets,
    tags,
    tos,
    user_settings,
    users,
    webhooks,
)

# OPTIONS /api/v3/<resource>: the privileges a caller has on that kind of resource (docs/vendors/ushahidi.md §1.2).
OPTIONS_PRIVILEGES = {
    "posts": lambda c: post_privileges(c, None),
    "collections": lambda c: set_privileges(c, None),
    "savedsearches": lambda c: set_privileges(c, None),
    "tags": lambda c: tag_privileges(c, None),
    "forms": lambda c: form_privileges(c, None),
    "users": lambda c: user_privileges(c, None),
    "config": lambda c: list(ALL) if c.can("Manage Settings") else READ_SEARCH,
    "apikeys": apikeys.apikey_privileges,
    "notifications": lambda c: notifications.notification_privileges(c, None),
}
CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]*$")


class JsonpMiddleware:
    """`?format=jsonp&callback=fn` on a GET wraps the JSON body as `fn(...)` (RESTController prepResponse)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        query = scope.get("query_string", b"")
        if scope["type"] != "http" or scope["method"] != "GET" or b"format=jsonp" not in query:
            await self.app(scope, receive, send)
            return

        params = parse_qs(query.decode("latin-1"))
        callback = (params.get("callback") or [""])[0]
        if params.get("format") != ["jsonp"] or not CALLBACK.match(callback):
            await self.app(scope, receive, send)
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            payload = f"{callback}(".encode() + b"".join(chunks) + b")"
            headers = [(k, v) for k, v in start.get("headers", []) if k not in (b"content-length", b"content-type")]
            headers += [
                (b"content-type", b"application/javascript"),
                (b"content-length", str(len(payload)).encode()),
            ]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": payload})

        await self.app(scope, receive, capture)


RECORDED = files("crowdmock.vendors.ushahidi") / "openapi.json"  # make openapi


def build_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="Ushahidi Platform API v3 (crowdmock)",
        version="3",
        description="Emulates `https://<deployment>.api.ushahidi.io`: OAuth /oauth/token, resources /api/v3.",
    )
    errors.install(app)
    document_security(app, SECURITY_SCHEMES, SECURITY, anonymous=ANONYMOUS, optional=OPTIONAL)
    document_recorded(app, RECORDED)
    routers = (
        auth.router,
        users.public,
        users.users,
        user_settings.router,
        posts.router,
        post_versions.router,
        sets.collections,
        sets.savedsearches,
        tags.router,
        tos.router,
        forms.router,  # the survey routers share /api/v3/forms; no path of one matches another's
        form_attributes.router,
        form_stages.router,
        form_contacts.router,
        config.router,
        messages.router,
        contacts.router,
        reference.country_codes,
        reference.dataproviders,
        reference.roles,
        reference.permissions,
        exports.router,
        hxl.router,
        csv.router,
        media.router,
        media.files,
        layers.router,
        apikeys.router,
        notifications.router,
        webhooks.router,
        datasources.router,
    )
    add_routes(app, *routers)

    def options(ctx: CtxDep) -> dict:
        parts = ctx.request.url.path[len(ctx.request.scope.get("root_path", "")) :].strip("/").split("/")
        resource = parts[2] if len(parts) > 2 else ""
        privileges = OPTIONS_PRIVILEGES.get(resource)
        if privileges is None:
            return {"allowed_privileges": list(ALL) if ctx.caller.is_admin else READ_SEARCH}
        return {"allowed_privileges": privileges(ctx.caller)}

    # One OPTIONS route per resource (/api/v3/<resource> and below), so unknown paths stay 404.
    paths = [r.path for router in routers for r in router.routes]
    resources = {"/".join(p.split("/")[:4]) for p in paths if p.startswith("/api/v3/")}
    for prefix in sorted(resources):
        for path in (prefix, prefix + "/{rest:path}"):
            app.add_api_route(path, options, methods=["OPTIONS"], include_in_schema=False)

    app.add_middleware(JsonpMiddleware)
    app.add_middleware(TrailingSlashMiddleware)
    # Outermost of Ushahidi's own layers: the platform's entry point answers it before Laravel routes anything.
    app.add_middleware(GatewayCheckMiddleware, debug_mode=settings.ushahidi_install_debug_mode)
    return app
