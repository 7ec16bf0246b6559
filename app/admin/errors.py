"""The admin API's own error shape: `{"error": "...", "problems": [...]}` (never FastAPI's `{"detail": ...}`)."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("crowdmock")


class AdminError(Exception):
    def __init__(self, status: int, error: str, problems: list[str] | None = None):
        self.status, self.error, self.problems = status, error, problems or []


# The error body, for the OpenAPI document.
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "problems"],
    "properties": {"error": {"type": "string"}, "problems": {"type": "array", "items": {"type": "string"}}},
}


def error_response(status: int, error: str, problems: list[str] | None = None, headers=None) -> JSONResponse:
    return JSONResponse({"error": error, "problems": problems or []}, status_code=status, headers=headers)


def _problem(error: dict) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    return f"{where}: {error.get('msg', '')}" if where else str(error.get("msg", ""))


def install(app: FastAPI) -> None:
    async def admin_error(request: Request, exc: AdminError) -> JSONResponse:
        return error_response(exc.status, exc.error, exc.problems)

    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "malformed JSON body")
        return error_response(422, "invalid request", [_problem(e) for e in errors])

    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        return error_response(exc.status_code, message.lower(), headers=exc.headers)

    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error in %s %s", request.method, request.url.path)
        return error_response(500, "internal error")

    app.add_exception_handler(AdminError, admin_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, server_error)
