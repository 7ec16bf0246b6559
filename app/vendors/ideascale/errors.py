"""IdeaScale's error keys (the seed's table) and its JSON error body `{"key", "message"}`
(docs/vendors/ideascale.md §3.5: clients read `key`, and `message` for the text)."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from crowdmock.core.errors import install_error_handlers, status_phrase
from crowdmock.core.openapi import document_errors

# key -> (HTTP status, message), as the seed lists them.
ERRORS: dict[str, tuple[int, str]] = {
    "UNEXPECTED": (500, "Unexpected Error"),
    "INVALID_HEADER": (400, "Invalid HTTP Header for API Request"),
    "NO_AUTHENTICATION_HEADER": (400, "No Header containing authentication data"),
    "NO_API_TOKEN": (400, "No API Token provided"),
    "NO_CAMPAIGN": (400, "No Campaign provided"),
    "INVALID_API_TOKEN": (400, "Invalid API Token"),
    "INVALID_SSO_TOKEN": (400, "Invalid SSO Token"),
    "INVALID_MEMBER_TOKEN": (400, "Invalid Member Token"),
    "MULTIPASS_SSO_NOT_ENABLED": (400, "Multipass SSO not enabled"),
    "MULTIPASS_KEYS_NOT_CONFIGURED": (400, "Multipass Keys not configured"),
    "SSO_MEMBER_NOT_FOUND": (404, "SSO Member not found"),
    "PERMISSION_DENIED": (403, "Permission Denied"),
    "RESTRICTED_TO_ADMIN": (403, "Resource is restricted to ADMIN"),
    "NO_SSO_TOKEN": (403, "No SSO token provided by SSO community"),
    "MEMBER_NOT_FOUND": (404, "Member not found"),
    "MEMBER_NAME_NOT_FOUND": (404, "Member name not provided"),
    "CAMPAIGN_NOT_FOUND": (404, "Campaign not found"),
    "IDEA_NOT_FOUND": (404, "Idea not found"),
    "STATUS_NOT_FOUND": (404, "custom status not found"),
    "INVALID_CONTENT": (400, "Invalid Content"),
    "COMMENT_NOT_FOUND": (404, "Comment not found"),
    "INVALID_EMAIL": (400, "Invalid Email"),
    "UNSUPPORTED_FILE_EXTENSION": (400, "Unsupported file extension"),
    "FILE_STORAGE_LIMIT": (400, "You have exceeded the storage limit"),
    "FILE_EXIST": (400, "A file with the same name already exists"),
    "EMAIL_ALREADY_REGISTERED": (400, "Email already registered"),
    "ACTOR_IS_LOCKED": (403, "Actor is locked"),
    "HTML_TAGS_NOT_ALLOWED": (400, "Html tags not allowed"),
    "TEXT_CONTAINS_FORBIDDEN_CHARACTERS": (400, "Text Contains forbidden characters"),
    "ABUSIVE_WORD_FOUND": (400, "Abusive/Inflammatory/Curse words found"),
    "STAGE_NOT_FOUND": (404, "Stage not found"),
    "FUNNEL_NOT_FOUND": (404, "Funnel not found"),
    "REQUIRED_FIELD_MISSING": (400, "Required data not found"),
    "INVALID_ORDER_BY_KEY": (400, "Invalid order by key"),
    "CAMPAIGN_GROUP_NOT_FOUND": (400, "Campaign Group not found"),
    "INVALID_INPUT": (400, "Invalid input value"),
    "ASSESSMENT_NOT_FOUND": (400, "Assessment Not Found"),
    "GROUP_NOT_FOUND": (400, "Group not found"),
    # Framework answers that have no key in the seed's table.
    "NOT_FOUND": (404, "Resource not found"),
    "METHOD_NOT_ALLOWED": (405, "Request method not supported"),
    "PAYLOAD_TOO_LARGE": (413, "Request body too large"),
}


class IdeaScaleError(Exception):
    def __init__(self, key: str, message: str | None = None):
        status, default = ERRORS[key]
        super().__init__(message or default)
        self.key, self.status, self.message = key, status, message or default


def error_response(key: str, message: str | None = None) -> JSONResponse:
    status, default = ERRORS[key]
    return JSONResponse({"key": key, "message": message or default}, status_code=status)


_BY_STATUS = {
    400: "INVALID_INPUT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
}


def render_error(request: Request, status: int, message: str, headers: dict[str, str]) -> Response:
    """Framework errors and fault responses: the key of the status, or one in the same style made from the
    status phrase (429 -> `TOO_MANY_REQUESTS`); every 5xx is `UNEXPECTED`."""
    phrase = status_phrase(status)
    key = _BY_STATUS.get(status) or (
        "UNEXPECTED" if status >= 500 else "_".join(phrase.upper().split()) or "INVALID_INPUT"
    )
    text = ERRORS[key][1] if key in ERRORS else message or phrase
    return JSONResponse({"key": key, "message": text}, status_code=status, headers=headers)


# The error body, for the OpenAPI document (app/core/openapi.py).
ERROR_SCHEMA = {
    "type": "object",
    "required": ["key", "message"],
    "additionalProperties": False,
    "properties": {"key": {"type": "string"}, "message": {"type": "string"}},
}


def install(app: FastAPI) -> None:
    install_error_handlers(app, render_error, validation_status=400)
    document_errors(app, "IdeaScaleError", ERROR_SCHEMA, [400, 403, 404, 405, 413, 500])

    async def ideascale_error(request: Request, exc: IdeaScaleError) -> Response:
        return error_response(exc.key, exc.message)

    app.add_exception_handler(IdeaScaleError, ideascale_error)
