"""Drupal Services 3.x errors (docs/vendors/dosomething.md §2.4): the message goes into the status line
(`HTTP/1.1 403 : Access denied for user anonymous`) and, wrapped in a JSON array, into the body.

Records that a transformer cannot find are not errors at all in the seed era: HTTP 200 with
{"error": {"message": ...}} (see `missing`)."""

import re

from fastapi import FastAPI, Request
from fastapi.responses import Response

from crowdmock.core.errors import install_error_handlers
from crowdmock.core.openapi import document_errors
from crowdmock.core.reason import ReasonJSONResponse, ReasonResponse

API_PREFIX = "/api/v1"
# Resources of the endpoint; a known resource with an unknown operation is "Could not find the controller."
RESOURCES = {
    "auth",
    "campaigns",
    "content",
    "kudos",
    "reportback-items",
    "reportback_files",
    "reportbacks",
    "signups",
    "system",
    "taxonomy_term",
    "terms",
    "users",
}
# RESTServer::handleException: these codes carry a phrase before the message; others only the code.
_PHRASES = {401: "Unauthorized", 404: "Not found", 406: "Not Acceptable"}
_TAGS = re.compile(r"<[^>]+>")
_UNSET = object()


class ServicesError(Exception):
    """services_error($message, $code). Code 0 (none given) is sent as a 500 "An error occurred (0)"."""

    def __init__(self, status: int, message: str, body=_UNSET):
        super().__init__(message)
        self.status, self.message = status, message
        # The body is the message in a one-element array unless given (None = empty body).
        self.body = [message] if body is _UNSET else body


def status_reason(status: int, message: str) -> tuple[int, str]:
    message = _TAGS.sub("", message)
    if status == 0 or not 400 <= status < 600:
        return 500, f"Internal Server Error : An error occurred ({status}): {message}"
    phrase = _PHRASES.get(status, "")
    return status, f"{phrase} : {message}" if phrase else f": {message}"


def services_response(status: int, message: str, body, headers: dict | None = None) -> Response:
    status, reason = status_reason(status, message)
    if body is None:
        return ReasonResponse(b"", status, reason, headers=headers, media_type="text/html; charset=utf-8")
    return ReasonJSONResponse(body, status, reason, headers=headers)


def missing(message: str) -> dict:
    """A transformer's "not found": `{"error": {"message": ...}}`, sent with HTTP 200."""
    return {"error": {"message": message}}


def not_routed(path: str) -> tuple[int, str]:
    """The 404 message RESTServer gives a path that resolves to no controller."""
    rest = path.split(API_PREFIX, 1)[1] if API_PREFIX in path else ""
    resource = rest.strip("/").split("/")[0]
    if resource in RESOURCES:
        return 404, "Could not find the controller."
    return 404, f"Could not find resource {resource}."


def render_error(request: Request, status: int, message: str, headers: dict[str, str]) -> Response:
    if status in (404, 405) and API_PREFIX not in request.url.path:
        # Outside the Services endpoint it is Drupal's own "Page not found".
        return Response(b"", status_code=404, media_type="text/html; charset=utf-8")
    if status in (404, 405):
        # Services has no 405: a method without an operation resolves to no controller. Both 404s escape
        # RESTServer::handle(), so their body is empty (docs/vendors/dosomething.md §2.4).
        status, message = not_routed(request.url.path)
        return services_response(status, message, None)
    if status == 413:
        return services_response(413, "Request Entity Too Large", ["Request Entity Too Large"])
    if status == 500:
        return services_response(0, "Server Error", ["Server Error"])
    if status > 500:  # services_error($message, 503) from a module, or a fault rule
        return services_response(status, message, [message], headers)
    return services_response(status, message or "Error", [message or "Error"], headers)


# The error body, for the OpenAPI document (app/core/openapi.py).
ERROR_SCHEMA = {
    "type": "array",
    "description": "Drupal Services: the messages (the first is also in the status line). Unknown resources and "
    "operations are 404 with an empty body.",
    "items": {"type": "string"},
}


def install(app: FastAPI) -> None:
    install_error_handlers(app, render_error, validation_status=406)
    document_errors(app, "ServicesError", ERROR_SCHEMA, [401, 403, 404, 406, 413, 500])

    async def services_error(request: Request, exc: ServicesError) -> Response:
        return services_response(exc.status, exc.message, exc.body)

    app.add_exception_handler(ServicesError, services_error)
