"""Routes every failure of a vendor sub-application through that vendor's own error renderer,
so FastAPI's `{"detail": ...}` never leaks out of a vendor."""

import logging
from collections.abc import Callable
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from crowdmock.core.journal import mark_unmatched

log = logging.getLogger("crowdmock")

# render(request, status, message, headers) -> the vendor's error response
ErrorRenderer = Callable[[Request, int, str, dict[str, str]], Response]


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app serves at this path (Starlette's 405 names only the first route's)."""
    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        probe = {**request.scope, "method": method}
        if any(route.matches(probe)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.insert(allowed.index("GET") + 1, "HEAD")  # HeadAsGetMiddleware serves HEAD as GET
    return allowed


def install_error_handlers(app: FastAPI, render: ErrorRenderer, validation_status: int = 422) -> None:
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else ""
        status, headers = exc.status_code, dict(exc.headers or {})
        allow = headers.get("allow") or headers.get("Allow", "")
        methods = [m.strip() for m in allow.split(",") if m.strip()]
        if status == 405:
            mark_unmatched(request.scope)  # routing found the path but no route for the method
            methods = allowed_methods(request) or methods
            headers["Allow"] = ", ".join(methods)
            headers.pop("allow", None)
        if status == 405 and methods == ["OPTIONS"]:
            # Only a vendor's OPTIONS catch-all matched: for every other method the route does not exist.
            status, message, headers = 404, "", {}
        elif status == 405:
            message = (
                f"The {request.method} method is not supported for this route. Supported methods: {', '.join(methods)}."
            )
        elif message == status_phrase(status):
            message = ""
        return render(request, status, message, headers)

    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return render(request, validation_status, "The given data was invalid.", {})

    async def server_error(request: Request, exc: Exception) -> Response:
        if getattr(exc, "crowdmock_fault", False):
            return render(request, 500, "Server Error", {})  # a fault rule's dropped connection, not a bug
        log.exception("unhandled error in %s %s", request.method, request.url.path)
        return render(request, 500, "Server Error", {})

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)
