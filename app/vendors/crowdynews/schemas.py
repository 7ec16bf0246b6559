"""The Control API's request bodies and documents as JSON Schema, for the OpenAPI document: made from each kind's
field list (resources.py), so that they say what `clean` and `check` accept (docs/vendors/crowdynews.md §2.2, §2.3)."""

from crowdmock.vendors.crowdynews.resources import COLLECTION_TYPES, OPERATORS, READ_ONLY, SERVICES, Field, Kind

# No request field takes a shape of the caller's own (tests/openapi_recorder.py).
OPEN_FIELDS: dict[str, dict] = {}

RESOURCE_ID = {"type": "string", "pattern": "^[0-9a-f]{24}$"}
TIMESTAMP = {"type": "string", "description": "ISO 8601 with milliseconds, UTC (`2016-03-02T13:05:14.137Z`)."}
RULE = {
    "type": "object",
    "properties": {
        "operator": {"enum": list(OPERATORS)},
        "field": {"type": "string", "minLength": 1},
        "value": {},
        "not": {"type": "boolean"},
        "listId": RESOURCE_ID,
    },
    "required": ["operator", "field"],
}
SPECIAL = {  # (kind, field) -> schema beyond the field's type
    ("sets", "rules"): {"type": "array", "items": RULE},
    ("sets", "preCondition"): RULE,
    ("lists", "entries"): {
        "type": "array",
        "items": {"type": "string"},
        "description": "Strings; for type `patterns` each entry looks like `/pattern/flags`.",
    },
    ("publications", "output"): {
        "type": "array",
        "items": {"type": "object", "properties": {"collectionId": RESOURCE_ID}, "required": ["collectionId"]},
    },
    ("contracts", "email"): {"type": "string", "format": "email"},
    ("collections", "type"): {"enum": list(COLLECTION_TYPES)},
}
TYPES = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "number": {"type": "number"},
    "array": {"type": "array"},
    "object": {"type": "object"},
    "id": RESOURCE_ID,
}


def _field(kind: Kind, field: Field) -> dict:
    schema = dict(SPECIAL.get((kind.name, field.name)) or TYPES.get(field.type, {}))
    if field.choices and "enum" not in schema:
        schema["enum"] = list(field.choices)
    if field.type == "string" and field.required:
        schema["pattern"] = r"\S"  # a required string must not be blank
    if field.ref:
        schema["description"] = f"The `_id` of a {field.ref[:-1]} of the same contract."
        if field.type == "array":
            schema["items"] = RESOURCE_ID
    return schema


def _inputs_body(properties: dict, required: list[str]) -> dict:
    """An input's `type` depends on its `service`; a location input needs a point and a radius."""
    variants = []
    for service, types in SERVICES.items():
        plain = [t for t in types if t != "location"]
        if plain:
            variants.append({"properties": {"service": {"const": service}, "type": {"enum": plain}}})
        if "location" in types:
            variants.append(
                {
                    "properties": {
                        "service": {"const": service},
                        "type": {"const": "location"},
                        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
                        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
                        "radius": {"type": "number", "exclusiveMinimum": 0, "maximum": 1e7},
                    },
                    "required": ["latitude", "longitude", "radius"],
                }
            )
    return {"type": "object", "properties": properties, "required": required, "oneOf": variants}


def body_schema(kind: Kind, partial: bool) -> dict:
    """POST and PUT need the required fields; PATCH any subset. Read-only fields are ignored."""
    properties = {f.name: _field(kind, f) for f in kind.fields if f.name not in READ_ONLY}
    required = [] if partial else [f.name for f in kind.fields if f.required and f.name not in READ_ONLY]
    if kind.name == "inputs" and not partial:
        return _inputs_body(properties, required)
    schema = {"type": "object", "properties": properties}
    return {**schema, "required": required} if required else schema


def document_schema(kind: Kind) -> dict:
    """A stored document: `_id`, the audit fields, then the kind's fields (optional ones may be null)."""
    properties = {
        "_id": RESOURCE_ID,
        "created": TIMESTAMP,
        "createdBy": {"type": "string"},
        "lastModified": TIMESTAMP,
        "lastModifiedBy": {"type": "string"},
    }
    for f in kind.fields:
        schema = _field(kind, f)
        schema.pop("pattern", None)
        properties[f.name] = schema if f.required else {"anyOf": [schema, {"type": "null"}]}
    if kind.name == "collections":
        for uri in ("contentUri", "queueDataUri", "queueModerateUri"):
            properties[uri] = {"type": "string"}
    return {"type": "object", "properties": properties, "required": ["_id", "created", "lastModified"]}


def openapi_extra(kind: Kind, operation: str) -> dict:
    """`openapi_extra` for one of make_routes' operations: its body and its success answer."""
    document = {"application/json": {"schema": document_schema(kind)}}
    listing = {"application/json": {"schema": {"type": "array", "items": document_schema(kind)}}}
    json_body = {"required": True, "content": {}}
    extra: dict = {}
    if operation in ("create", "put", "patch"):
        json_body["content"]["application/json"] = {"schema": body_schema(kind, partial=operation == "patch")}
        extra["requestBody"] = json_body
    elif operation == "delete_many":
        ids = {"type": "object", "properties": {"ids": {"type": "array", "items": RESOURCE_ID, "minItems": 1}}}
        json_body["content"]["application/json"] = {"schema": {**ids, "required": ["ids"]}}
        extra["requestBody"] = json_body
    status = {"create": "201", "delete_many": "204", "delete": "204"}.get(operation, "200")
    if status == "204":
        extra["responses"] = {status: {"description": "No Content"}}
    else:
        extra["responses"] = {status: {"description": "OK", "content": listing if operation == "list" else document}}
    return extra


def request_fields() -> dict[str, dict]:
    """What the OpenAPI document says of request fields beyond what the test suite sent (tests/openapi_recorder.py):
    nothing, as the Control API's bodies are stated whole by `openapi_extra`."""
    return {}
