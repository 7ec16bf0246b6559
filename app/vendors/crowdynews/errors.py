"""Crowdynews' error body (seed "Error Details"): {"requestId": uuid, "errors": [{"name", "message", "propertyName"?,
"propertyValue"?, "reason"?, "code"?}]}, with the requestId also in the `X-Request-Id` header. On the Content host the
body also says `"status": "error"`, which its clients test for (docs/vendors/crowdynews.md §2.4)."""

import json

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crowdmock.core import clock
from crowdmock.core.errors import install_error_handlers, status_phrase
from crowdmock.core.openapi import document_errors

NAMES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    413: "PayloadTooLargeError",
    500: "InternalServerError",
}
MESSAGES = {
    400: "The request could not be understood by the server due to malformed syntax.",
    401: "The request requires authentication.",
    403: "The server understood the request, but is refusing to fulfill it.",
    404: "The requested resource could not be found.",
    405: "The method is not allowed for this resource.",
    413: "The request body is too large.",
    500: "An unexpected condition was encountered.",
}
REQUEST_ID = "crowdmock.request_id"


class CrowdynewsError(Exception):
    def __init__(self, status: int, message: str | None = None, name: str | None = None, **detail):
        super().__init__(message)
        self.status = status
        self.error = {"name": name or NAMES.get(status, "Error"), "message": message or MESSAGES.get(status, "")}
        self.error.update({k: v for k, v in detail.items() if v is not None})


def validation(prop: str, value, reason: str, message: str) -> CrowdynewsError:
    """`propertyValue` is the refused value as text: a string itself, an object or array as JSON."""
    shown = value if isinstance(value, str) else None if value is None else json.dumps(value, separators=(",", ":"))
    return CrowdynewsError(400, message, "ValidationError", propertyName=prop, propertyValue=shown, reason=reason)


def error_name(status: int) -> str:
    """restify-errors' names: the status phrase in CamelCase plus `Error` (`ServiceUnavailableError`)."""
    if status in NAMES:
        return NAMES[status]
    words = "".join(w for w in status_phrase(status).title().split() if w.isalpha())
    return f"{words}Error" if words else "Error"


def request_id(request: Request) -> str:
    return request.scope.setdefault(REQUEST_ID, str(clock.uuid1()))


def error_response(request: Request, status: int, errors: list[dict], headers: dict | None = None) -> JSONResponse:
    body: dict = {"requestId": request_id(request), "errors": errors}
    if request.url.path.startswith(request.scope.get("root_path", "") + "/q/"):
        body["status"] = "error"
    return JSONResponse(body, status_code=status, headers=headers)


def render_error(request: Request, status: int, message: str, headers: dict[str, str]) -> Response:
    status = 400 if status == 422 else status
    error = {"name": error_name(status), "message": message or MESSAGES.get(status) or status_phrase(status)}
    return error_response(request, status, [error], headers)


class RequestIdHeader:
    """Gives every response an `X-Request-Id`; an error body carries the same id."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ident = scope.setdefault(REQUEST_ID, str(clock.uuid1()))

        async def with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", ident.encode())]
            await send(message)

        await self.app(scope, receive, with_id)


# The error body, for the OpenAPI document (app/core/openapi.py).
ERROR_SCHEMA = {
    "type": "object",
    "required": ["requestId", "errors"],
    "properties": {
        "requestId": {"type": "string", "format": "uuid"},
        "status": {"type": "string", "description": "`error`, on the Content API host only"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "message"],
                "properties": {
                    "name": {"type": "string"},
                    "message": {"type": "string"},
                    "propertyName": {"type": "string"},
                    "propertyValue": {},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}


def install(app: FastAPI) -> None:
    install_error_handlers(app, render_error, validation_status=400)
    document_errors(app, "CrowdynewsError", ERROR_SCHEMA, [400, 401, 403, 404, 405, 409, 413, 500])

    async def crowdynews_error(request: Request, exc: CrowdynewsError) -> Response:
        headers = {"WWW-Authenticate": 'Bearer realm="crowdynews"'} if exc.status == 401 else None
        return error_response(request, exc.status, [exc.error], headers)

    app.add_exception_handler(CrowdynewsError, crowdynews_error)
    app.add_middleware(RequestIdHeader)
