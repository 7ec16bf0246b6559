"""Vendors' OpenAPI documents, amended after FastAPI builds them: every operation lists the vendor's error answers
in the vendor's error shape (not FastAPI's `422 HTTPValidationError`, which no vendor sends), how it
authenticates, and the request bodies, parameter types and success answers that handlers reading raw requests
cannot declare (recorded from the test suite, `make openapi`), so clients can be generated from the documents."""

import json
from collections.abc import Callable, Iterator
from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI

try:  # FastAPI >= 0.16x keeps included routers as branches rather than copying their routes
    from fastapi.routing import iter_route_contexts as _routes
except ImportError:  # pragma: no cover - older FastAPI: app.routes is already flat

    def _routes(routes):
        return routes


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


def _untyped(schema: dict | None) -> bool:
    """FastAPI's guess for a handler that returns a JSONResponse or reads a raw parameter: no shape at all."""
    if not schema:
        return True
    if any(key in schema for key in ("$ref", "properties", "anyOf", "oneOf", "allOf", "enum", "const")):
        return False
    kind = schema.get("type")
    if kind == "array":
        return _untyped(schema.get("items"))
    if kind == "object":
        extra = schema.get("additionalProperties")
        return extra in (None, True) or _untyped(extra)
    return kind is None


def _credentials_in_query(document: dict) -> set[str]:
    schemes = document.get("components", {}).get("securitySchemes", {}).values()
    return {s["name"] for s in schemes if s.get("type") == "apiKey" and s.get("in") == "query"}


def _merge_operation(operation: dict, recorded: dict, skip: set[str]) -> None:
    """Fills what FastAPI left unshaped with what the recording shows; leaves what the code declares."""
    parameters = operation.setdefault("parameters", [])
    known = {(p["name"], p["in"]): p for p in parameters}
    for parameter in recorded.get("parameters", []):
        mine = known.get((parameter["name"], parameter["in"]))
        if mine is None:
            if parameter["in"] == "query" and parameter["name"] not in skip:
                parameters.append(dict(parameter))
            continue
        schema = mine.get("schema", {})
        if _untyped(schema) or schema.get("type") == "string" and set(schema) <= {"type", "title"}:
            mine["schema"] = {**schema, **parameter["schema"]}
    if not parameters:
        del operation["parameters"]
    if "requestBody" in recorded and "requestBody" not in operation:
        operation["requestBody"] = recorded["requestBody"]
    responses = operation.setdefault("responses", {})
    found = recorded.get("responses", {})
    for status, answer in found.items():
        mine = responses.get(status)
        if mine is None:
            responses[status] = {"description": HTTPStatus(int(status)).phrase, **answer}
            continue
        for media, content in answer.get("content", {}).items():
            current = mine.setdefault("content", {}).get(media)
            if current is None or _untyped(current.get("schema")):
                mine["content"][media] = content
    for status in [s for s in responses if s.startswith("2") and s not in found]:
        contents = responses[status].get("content", {}).values()
        if found and all(_untyped(c.get("schema")) for c in contents):
            del responses[status]  # FastAPI's default 200 for a handler that answers with another status


ParameterSchemas = Callable[[str, str], dict | None]


def _constrain(operation: dict, path: str, parameters: ParameterSchemas) -> None:
    for parameter in operation.get("parameters", []):
        schema = parameters(path, parameter["name"])
        if schema:
            parameter["schema"] = {**parameter.get("schema", {}), **schema}


def document_recorded(app: FastAPI, source: Path, parameters: ParameterSchemas | None = None) -> None:
    """Merges `source` (written by `make openapi` from the test suite's exchanges: request bodies, parameter types
    and success response shapes) into the document. An operation the recording lacks borrows the shapes of another
    path served by the same handler (e.g. the `/v1` alias of a path). `parameters(path, name)` adds what a recording
    cannot see, such as the range of a page number, to a parameter's schema."""

    def change(document: dict) -> None:
        recorded = json.loads(source.read_text(encoding="utf-8"))["paths"]
        skip = _credentials_in_query(document)
        routes = list(_routes(app.routes))
        by_endpoint: dict = {}
        for route in routes:
            for method in getattr(route, "methods", None) or ():
                found = recorded.get(route.path_format, {}).get(method.lower())
                if found:
                    by_endpoint.setdefault((route.endpoint, method), found)
        for route in routes:
            for method in getattr(route, "methods", None) or ():
                operation = document["paths"].get(route.path_format, {}).get(method.lower())
                if operation is None:
                    continue
                found = recorded.get(route.path_format, {}).get(method.lower()) or by_endpoint.get(
                    (route.endpoint, method)
                )
                if found:
                    _merge_operation(operation, found, skip)
                if parameters:
                    _constrain(operation, route.path_format, parameters)

    _amend(app, change)
