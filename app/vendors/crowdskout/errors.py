"""Crowdskout's error answers: its envelope (render.py) with success false and a message.

The public docs define no error body (docs/vendors/crowdskout.md §1.4); crowdmock answers errors as
{"success": false, "messages": ["..."], "data": null} with a 4xx status, and OAuth endpoints with
league/oauth2-server's {"error", "error_description"}.
"""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from crowdmock.core.errors import install_error_handlers, status_phrase
from crowdmock.core.openapi import document_errors

DENIED = "The resource owner or authorization server denied the request."


class CrowdskoutError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


def invalid_request(param: str) -> OAuthError:
    return OAuthError(
        400,
        "invalid_request",
        "The request is missing a required parameter, includes an invalid parameter value, includes a "
        f'parameter more than once, or is otherwise malformed. Check the "{param}" parameter.',
    )


def invalid_client() -> OAuthError:
    return OAuthError(401, "invalid_client", "Client authentication failed.")


def failure(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    body = {"success": False, "messages": [message] if message else [], "data": None}
    return JSONResponse(body, status_code=status, headers=headers)


def render_error(request: Request, status: int, message: str, headers: dict[str, str]) -> Response:
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer", **headers}
    return failure(status, message or status_phrase(status), headers)


# The error body, for the OpenAPI document (app/core/openapi.py).
ERROR_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "required": ["success", "messages", "data"],
            "properties": {
                "success": {"type": "boolean", "const": False},
                "messages": {"type": "array", "items": {"type": "string"}},
                "data": {"type": "null"},
            },
        },
        {
            "type": "object",
            "description": "OAuth endpoints (league/oauth2-server)",
            "required": ["error", "error_description"],
            "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
        },
    ]
}


def install(app: FastAPI) -> None:
    install_error_handlers(app, render_error, validation_status=400)
    document_errors(app, "CrowdskoutError", ERROR_SCHEMA, [400, 401, 404, 405, 413, 500])

    async def crowdskout_error(request: Request, exc: CrowdskoutError) -> Response:
        return render_error(request, exc.status, exc.message, exc.headers)

    async def oauth_error(request: Request, exc: OAuthError) -> Response:
        body = {"error": exc.error, "error_description": exc.description}
        return JSONResponse(body, status_code=exc.status)

    app.add_exception_handler(CrowdskoutError, crowdskout_error)
    app.add_exception_handler(OAuthError, oauth_error)
