"""The request pipeline: every layer a request passes through, in order, put together here and nowhere else.

The server app (`install_server_pipeline`), outermost first:

  -. Proxy headers      only with `CROWDMOCK_TRUSTED_PROXIES`: a trusted proxy's X-Forwarded-*/Forwarded set the
                        request's scheme, host and client (core/proxies.py), which every later layer sees
  0. Tenant             the request's tenant, from `/t/<name>` (taken off the path) or `X-Crowdmock-Tenant`, else
                        `default` (scope key TENANT_KEY): every later layer works on its journal, faults, clock, data
  1. Host routing       a request on a vendor's real hostname gets the vendor's prefix on its path, and the origin
                        its links use (scope key HOST_ROUTED_ORIGIN); every later layer sees one form of path
  2. Response cache     a repeated vendor GET answered from the last identical answer, skipping every layer below
     -- FastAPI's own outer layers (its last-resort 500) --
  3. CORS               preflights answered, CORS headers on every answer (`CROWDMOCK_CORS_*`)
  4. Clock              the request runs on the server's clock (deterministic mode stands it still)
  5. Journal            vendor requests and their answers recorded (scope key ENTRY_KEY, the entry in flight)
     -- FastAPI's exception handling --
  6. Router             /__admin, the dashboard, each vendor's mount; a path under a vendor's prefix that no mount
                        matches still goes to that vendor, any other gets crowdmock's own 404

Each vendor's app (`install_vendor_pipeline`), outermost first:

  7. HEAD as GET        HEAD served as GET without the body, as the vendors' servers do
  8. the vendor's own   what its routes/__init__.py adds (Crowdynews' request id, Ushahidi's JSONP, ...)
  9. Body limit         the body read up to `CROWDMOCK_MAX_BODY_BYTES`: beyond it, 413 in the vendor's shape
 10. Faults             fault rules: a status in the vendor's shape, a delay, or a dropped connection
 11. Routes             the vendor's endpoints, tried by the start of their path; no route: the journal marks it
                        unmatched, and the vendor's 404

docs/architecture.md draws the same chain.
"""

from collections.abc import Callable

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from crowdmock.core.bodies import BufferedBodyMiddleware
from crowdmock.core.cache import ResponseCache
from crowdmock.core.clock import ClockMiddleware
from crowdmock.core.errors import ErrorRenderer
from crowdmock.core.faults import FaultMiddleware
from crowdmock.core.journal import JournalMiddleware, VendorResolver, mark_unmatched
from crowdmock.core.proxies import ProxyHeadersMiddleware
from crowdmock.core.routing import HeadAsGetMiddleware, HostRoutingMiddleware, index_routes
from crowdmock.core.tenancy import TenantError, TenantMiddleware, Tenants
from crowdmock.core.vendor import Vendor
from crowdmock.settings import Settings

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


def install_server_pipeline(
    app: FastAPI,
    *,
    settings: Settings,
    tenants: Tenants,
    refuse_tenant: Callable[[TenantError], ASGIApp],
    hosts: dict[str, str],
    resolve: VendorResolver,
    vendors: dict[str, Vendor],
    vendor_apps: dict[str, ASGIApp],
    not_found: ASGIApp,
) -> None:
    """Steps 0 to 6 on the server app. `resolve(path)` names the vendor a path belongs to, `vendor_apps` are the
    mounted vendor apps (for step 6's fallback), `not_found` answers paths outside every vendor."""
    outside_framework = [  # -, 0, 1, 2
        *([Middleware(ProxyHeadersMiddleware, trusted=settings.trusted_proxies)] if settings.trusted_proxies else []),
        Middleware(TenantMiddleware, tenants=tenants, refuse=refuse_tenant),
        Middleware(HostRoutingMiddleware, hosts=hosts),
        Middleware(
            ResponseCache,
            vendor=resolve,
            enabled=settings.response_cache,
            remote=not settings.database_url.startswith("sqlite"),  # a database server: asked off the event loop
        ),
    ]
    inside_framework = [  # 3, 4, 5
        *([_cors(settings, resolve, vendors)] if settings.cors_enabled else []),
        Middleware(ClockMiddleware),
        Middleware(JournalMiddleware, resolve=resolve),
    ]
    app.user_middleware = inside_framework
    build_framework_stack = app.build_middleware_stack  # Starlette builds it on the first request
    app.build_middleware_stack = lambda: _wrap(outside_framework, build_framework_stack())
    app.router.default = _vendor_or_not_found(app.router.default, resolve, vendor_apps, not_found)  # 6


def install_vendor_pipeline(sub: FastAPI, *, vendor: str, settings: Settings, render: ErrorRenderer):
    """Steps 7 to 11 on a vendor's app, around the middleware the vendor added itself (step 8)."""
    sub.user_middleware = [
        Middleware(HeadAsGetMiddleware),  # 7
        *sub.user_middleware,  # 8
        # 9, 10: inside the vendor's own layers, so that its 413 and fault answers get what they add.
        Middleware(BufferedBodyMiddleware, settings=settings, render=render),
        Middleware(FaultMiddleware, vendor=vendor, render=render),
    ]
    vendor_not_found = sub.router.default

    async def no_route(scope: Scope, receive: Receive, send: Send) -> None:  # 11
        mark_unmatched(scope)
        await vendor_not_found(scope, receive, send)

    sub.router.default = no_route
    index_routes(sub)  # 11


class VendorCORS(CORSMiddleware):
    """Starlette's CORS layer, answering an allowed preflight to a vendor as that vendor's server does."""

    def __init__(self, app: ASGIApp, resolve: VendorResolver, vendors: dict[str, Vendor], **options):
        super().__init__(app, **options)
        self.resolve, self.vendors = resolve, vendors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            headers = Headers(scope=scope)
            found = self.resolve(scope["path"])
            vendor = self.vendors.get(found[0]) if found else None
            preflight = "origin" in headers and "access-control-request-method" in headers
            if vendor and vendor.preflight_status != 200 and preflight:
                await self._preflight(vendor, headers)(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _preflight(self, vendor: Vendor, headers: Headers) -> Response:
        answer = self.preflight_response(request_headers=headers)
        if answer.status_code != 200:  # refused: Starlette's 400 as it is
            return answer
        kept = {k: v for k, v in answer.headers.items() if k not in ("content-length", "content-type")}
        if vendor.preflight_headers_lowercase and "access-control-allow-headers" in kept:
            kept["access-control-allow-headers"] = kept["access-control-allow-headers"].lower()
        return Response(status_code=vendor.preflight_status, headers=kept)


def _cors(settings: Settings, resolve: VendorResolver, vendors: dict[str, Vendor]) -> Middleware:
    return Middleware(
        VendorCORS,
        resolve=resolve,
        vendors=vendors,
        allow_origins=settings.cors_origins,
        # Session vendors (DoSomething's Drupal cookie) need credentialed requests from browser frontends;
        # Starlette then echoes the caller's Origin instead of "*".
        allow_credentials=settings.cors_allow_credentials,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=EXPOSED_HEADERS,
        max_age=86400,
    )


def _wrap(layers: list[Middleware], app: ASGIApp) -> ASGIApp:
    for cls, args, kwargs in reversed(layers):
        app = cls(app, *args, **kwargs)
    return app


def _vendor_or_not_found(
    default: ASGIApp, resolve: VendorResolver, vendor_apps: dict[str, ASGIApp], not_found: ASGIApp
) -> ASGIApp:
    """Starlette's mounts do not match a path with a newline (`%0A`) in it; such a request under a vendor's prefix
    still goes to that vendor, which answers it (a 404 in its own shape, never FastAPI's `{"detail"}`)."""

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
