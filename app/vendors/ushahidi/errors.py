"""Ushahidi's error envelope: {"errors": [{"status", "message"}, ...]} (docs/vendors/ushahidi.md §1.5)."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from crowdmock.core.errors import install_error_handlers
from crowdmock.core.openapi import document_errors

WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="OAuth"'}
MSG_UNAUTHORIZED = "Unauthorized."
MSG_DENIED = "The resource owner or authorization server denied the request."
MSG_NO_TOKEN = "The request is missing an access token in either the Authorization header."
MSG_SCOPE = "Invalid scope(s) provided."


class UshahidiError(Exception):
    def __init__(self, status: int, message: str = "", headers: dict | None = None, extra: list | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra or []


class OAuthError(Exception):
    """league/oauth2-server errors as Passport renders them: error, error_description, hint, message."""

    def __init__(self, status: int, error: str, description: str, hint: str | None = None):
        super().__init__(description)
        self.status, self.error, self.description, self.hint = status, error, description, hint


class V5ValidationError(Exception):
    """A v5 form request's failed validation (Requests/BaseRequest.php, docs/vendors/ushahidi.md §1.24): one `errors`
    object listing each failed field and its messages."""

    def __init__(self, failures: dict[str, list[str]]):
        super().__init__("please recheck the your inputs")
        self.failures = failures


class MalformedPostJson(Exception):
    """CheckForInvalidJSON middleware: bad JSON on /posts writes has a shape of its own."""


def not_found(resource: str, ident) -> UshahidiError:
    return UshahidiError(404, f"Could not locate any {resource} matching [id: {ident}]")


def unauthorized(message: str = MSG_UNAUTHORIZED) -> UshahidiError:
    return UshahidiError(401, message, WWW_AUTHENTICATE)


def validation_failed(resource: str, field_errors: list[tuple[str, str]]) -> UshahidiError:
    extra = [
        {"status": 422, "title": text, "message": text, "source": {"pointer": f"/{field}"}}
        for field, text in field_errors
    ]
    # docs/vendors/ushahidi.md §1.5: ValidatorException appends every field's message to its own.
    summary = "\n".join([f"Failed to validate {resource} entity:", *(text for _, text in field_errors)])
    return UshahidiError(422, summary, extra=extra)


def error_body(status: int, message: str, extra: list | None = None) -> dict:
    first: dict = {"status": status}
    if message:
        first["message"] = message
    return {"errors": [first, *(extra or [])]}


def render_error(request: Request, status: int, message: str, headers: dict[str, str]) -> Response:
    if status == 401:
        headers = {**WWW_AUTHENTICATE, **headers}
    return JSONResponse(error_body(status, message), status_code=status, headers=headers)


# The error body, for the OpenAPI document (app/core/openapi.py).
ERROR_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "required": ["errors"],
            "properties": {
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["status"],
                        "properties": {
                            "status": {"type": "integer"},
                            "message": {"type": "string"},
                            "title": {"type": "string"},
                            "source": {"type": "object"},
                        },
                    },
                }
            },
        },
        {
            "type": "object",
            "description": "v5 validation failures",
            "required": ["errors"],
            "properties": {
                "errors": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "failed_validations": {"type": "array", "items": {"type": "object"}},
                    },
                }
            },
        },
        {
            "type": "object",
            "description": "OAuth endpoints (Passport) and malformed JSON on /posts",
            "required": ["error"],
            "properties": {"error": {}, "error_description": {"type": "string"}, "message": {}, "messages": {}},
        },
        {
            "type": "object",
            "description": "SMSSync's refusals (docs/vendors/ushahidi.md §1.15)",
            "required": ["payload"],
            "properties": {
                "payload": {
                    "type": "object",
                    "required": ["success", "error"],
                    "properties": {"success": {"const": False}, "error": {"type": "string"}},
                }
            },
        },
    ]
}


# An answer in the error shape, for routes that document one of their own (`responses=` of a route decorator).
ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/UshahidiError"}}}


def install(app: FastAPI) -> None:
    install_error_handlers(app, render_error)
    document_errors(app, "UshahidiError", ERROR_SCHEMA, [400, 401, 403, 404, 405, 413, 422, 500])

    async def ushahidi_error(request: Request, exc: UshahidiError) -> Response:
        body = error_body(exc.status, exc.message, exc.extra)
        return JSONResponse(body, status_code=exc.status, headers=exc.headers)

    async def oauth_error(request: Request, exc: OAuthError) -> Response:
        body = {"error": exc.error, "error_description": exc.description}
        if exc.hint:
            body["hint"] = exc.hint
        body["message"] = exc.description
        headers = WWW_AUTHENTICATE if exc.status == 401 else {}
        return JSONResponse(body, status_code=exc.status, headers=headers)

    async def malformed_json(request: Request, exc: MalformedPostJson) -> Response:
        return JSONResponse({"error": 422, "messages": "Syntax error, malformed JSON"}, status_code=422)

    app.add_exception_handler(UshahidiError, ushahidi_error)
    app.add_exception_handler(OAuthError, oauth_error)
    app.add_exception_handler(MalformedPostJson, malformed_json)

    async def v5_validation(request: Request, exc: V5ValidationError) -> Response:
        failed = [{"field": name, "error_messages": messages} for name, messages in exc.failures.items()]
        body = {"errors": {"status": 422, "message": str(exc), "failed_validations": failed}}
        return JSONResponse(body, status_code=422)

    app.add_exception_handler(V5ValidationError, v5_validation)
