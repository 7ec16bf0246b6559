"""Vendors' OpenAPI documents, amended after FastAPI builds them: every operation lists the vendor's error answers
in the vendor's error shape (not FastAPI's `422 HTTPValidationError`, which no vendor sends) and how it
authenticates, so clients generated from the documents know both."""

from collections.abc import Callable, Iterator
from http import HTTPStatus

from fastapi import FastAPI

VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _amend(app: FastAPI, change: Callable[[dict], None]) -> None:
    """Applies `change` to the document once, when it is first built (after any earlier amendment)."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        document = build()
        change(document)
        app.openapi_schema = document
        return document

    app.openapi = openapi


def _operations(document: dict) -> Iterator[tuple[tuple[str, str], dict]]:
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            yield (method.upper(), path), operation


def document_errors(app: FastAPI, name: str, schema: dict, statuses: list[int]) -> None:
    """Adds `schema` as components/schemas/`name` and a response of that shape for each of `statuses` to every
    operation (leaving responses an operation documents itself)."""

    def change(document: dict) -> None:
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for unused in VALIDATION_SCHEMAS:
            schemas.pop(unused, None)
        schemas[name] = schema
        error = {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
        for _, operation in _operations(document):
            responses = operation.setdefault("responses", {})
            default = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if default.get("$ref", "").endswith("/HTTPValidationError"):
                del responses["422"]
            for status in statuses:
                responses.setdefault(str(status), {"description": HTTPStatus(status).phrase, "content": error})

    _amend(app, change)


def document_security(
    app: FastAPI,
    schemes: dict[str, dict],
    required: list[dict],
    anonymous: frozenset[tuple[str, str]] = frozenset(),
    optional: frozenset[tuple[str, str]] | None = frozenset(),
    other: dict[tuple[str, str], list[dict]] | None = None,
) -> None:
    """Declares the vendor's security `schemes` and each operation's `security`: `required` (alternatives) by
    default; none for `anonymous` (method, path) operations; `required` or none for `optional` ones (None: every
    operation; anonymous callers get what the vendor shows anonymous users); `other` for operations authenticated
    differently (e.g. an OAuth token endpoint's HTTP Basic)."""

    def change(document: dict) -> None:
        document.setdefault("components", {})["securitySchemes"] = schemes
        for key, operation in _operations(document):
            if other and key in other:
                operation["security"] = other[key]
            elif key in anonymous:
                operation["security"] = [{}]
            elif optional is None or key in optional:
                operation["security"] = [*required, {}]
            else:
                operation["security"] = required

    _amend(app, change)
