"""Records what the test suite sends and gets back on every route (`CROWDMOCK_RECORD_OPENAPI=FILE`, see
`make openapi`), then turns the successful exchanges into the parts of each OpenAPI document FastAPI cannot derive
from handlers that read raw requests: request bodies, query and path parameter types, and success response shapes.

    python -m tests.openapi_recorder build FILE   # writes app/vendors/<vendor>/openapi.json

The written files are merged into the documents by `crowdmock.core.openapi.document_recorded`."""

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qsl

from fastapi import routing

from crowdmock.vendors import VENDORS

MAX_INTEGER = 2**63 - 1  # SQLite's, and PHP's and Java's longs
ROOT = Path(__file__).resolve().parent.parent
# Where each vendor's recording lives: app/vendors/<vendor>/openapi.json of this checkout (an editable install).
OUTPUTS = {name: Path(str(vendor.openapi_recording())) for name, vendor in VENDORS.items()}
JSON_BODY = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


# --- recording (a pytest session with the environment variable set) ----------------------------------------------


# Sent by tests of what a vendor's server does before its routes (PHP's field names, Ushahidi's gateway check): their
# requests are not what the routes document.
UNRECORDED = b"x-openapi-unrecorded"
UNRECORDED_HEADER = {"X-OpenAPI-Unrecorded": "1"}


def install(target: str) -> None:
    """Wraps every route's handler so that each exchange is appended to `target` as one JSON line."""
    handle = routing.APIRoute.handle

    async def recording(self, scope, receive, send):
        vendor = scope.get("root_path", "").strip("/").split("/")[0]
        if vendor not in OUTPUTS or scope["type"] != "http" or (UNRECORDED, b"1") in scope["headers"]:
            return await handle(self, scope, receive, send)
        request, response = bytearray(), {"body": bytearray()}

        async def tapped_receive():
            message = await receive()
            if message["type"] == "http.request":
                request.extend(message.get("body", b""))
            return message

        async def tapped_send(message):
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["headers"] = {k.decode().lower(): v.decode("latin-1") for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                response["body"].extend(message.get("body", b""))
            await send(message)

        await handle(self, scope, tapped_receive, tapped_send)
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        line = {
            "vendor": vendor,
            "method": scope["method"],
            "path": self.path_format,
            "path_params": {k: str(v) for k, v in scope.get("path_params", {}).items()},
            "query": scope.get("query_string", b"").decode("latin-1"),
            "request_type": headers.get("content-type", ""),
            "request": request.decode("utf-8", "replace")[:5_000_000],
            "status": response.get("status"),
            "response_type": response.get("headers", {}).get("content-type", ""),
            "response": response["body"].decode("utf-8", "replace")[:5_000_000],
        }
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")

    routing.APIRoute.handle = recording


# --- inference -----------------------------------------------------------------------------------------------------

DYNAMIC_KEY = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)$")
JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


def infer(values: list, answer: bool = False, open_fields: dict | None = None, top: bool = True) -> dict:
    """The narrowest JSON Schema every value fits: types, object properties (required when every object of a
    request body has them) and array items; objects keyed by ids or UUIDs become maps; `open_fields` (the vendor's
    schemas.OPEN_FIELDS: property name -> schema) for values whose shape is the caller's (e.g. saved filters).

    For an `answer` (a response body) what the test suite cannot show stays open: any value below the top may be
    null, a value seen only as null may be anything, and no key is required (the vendors leave keys out, e.g.
    Ushahidi's `user` of a contact without one)."""
    open_fields = open_fields or {}
    types = []
    for value in values:
        kind = "null" if value is None else JSON_TYPES[type(value)]
        if not answer and kind == "number" and value.is_integer():
            kind = "integer"  # a test sending `3.0` where an integer goes
        if kind not in types:
            types.append(kind)
    if "integer" in types and "number" in types:
        types.remove("integer")
    if answer and types == ["null"] and not top:
        return {}
    if not answer and types == ["integer"] and all(v >= 0 for v in values if v is not None):
        return {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER}
    strings = [v for v in values if isinstance(v, str)]
    if not answer and types == ["string"] and all(v.strip() for v in strings):
        return {"type": "string", **NON_BLANK}
    if answer and not top and "null" not in types:
        types.append("null")
    schema: dict = {}
    objects = [v for v in values if isinstance(v, dict)]
    if objects:
        keys = list(dict.fromkeys(k for o in objects for k in o))
        if keys and sum(bool(DYNAMIC_KEY.match(k)) for k in keys) * 2 >= len(keys):  # keyed by ids: a map
            schema["additionalProperties"] = infer([v for o in objects for v in o.values()], answer, open_fields, False)
        elif keys:
            schema["properties"] = {
                k: open_fields[k]
                if k in open_fields
                else infer([o[k] for o in objects if k in o], answer, open_fields, False)
                for k in keys
            }
            required = [k for k in keys if all(k in o for o in objects)]
            if required and not answer:
                schema["required"] = required
    arrays = [v for v in values if isinstance(v, list)]
    if arrays and not answer and all(arrays):
        schema["minItems"] = 1
    if arrays:
        items = [element for a in arrays for element in a]
        schema["items"] = infer(items, answer, open_fields, False) if items else {}
    if not types:
        return {}
    return {"type": types[0] if len(types) == 1 else types, **schema}


def _open_fields(vendor: str) -> dict:
    return VENDORS[vendor].request_shapes().OPEN_FIELDS


NON_BLANK = {"minLength": 1, "pattern": r"\S"}


def _scalar_type(values: list[str]) -> dict:
    """A path or query parameter: an integer when every value was one, else a string (non-blank when every value
    was). Like request bodies, parameters are described as narrowly as the suite sent them: a request that keeps to
    the document is one the emulator accepts."""
    if values and all(re.fullmatch(r"\d{1,18}", v) for v in values):
        return {"type": "integer", "minimum": 0}
    if values and all(re.fullmatch(r"-?\d{1,18}", v) for v in values):
        return {"type": "integer"}
    return {"type": "string", **(NON_BLANK if values and all(v.strip() for v in values) else {})}


def _resource(path: str) -> str:
    """The last literal segment of a path template: `/api/v3/tags/{tag_id}` -> `tags`."""
    return next((s for s in reversed(path.split("/")) if s and not s.startswith("{")), "")


def _request_fields(vendor: str, parent: str, properties: dict) -> None:
    """Lays the vendor's schemas.request_fields() over request fields, at any depth: `parent.name` (parent: the
    enclosing property, or the path's resource at the top, e.g. `tags.type`, `attributes.type`) or `name`."""
    fields = VENDORS[vendor].request_shapes().request_fields()
    for name, prop in properties.items():
        extra = fields.get(f"{parent}.{name}", fields.get(name))
        if extra:
            if "enum" in extra or "const" in extra:
                for key in ("minLength", "pattern", "type"):
                    prop.pop(key, None)
            prop.update(extra)
        nested = prop.get("items", prop) if isinstance(prop.get("items"), dict) else prop
        if nested.get("properties"):
            _request_fields(vendor, name, nested["properties"])


def _body_rules(vendor: str, method: str, path: str, schema: dict) -> None:
    """Lays the vendor's schemas.request_fields() entry for the whole body of `METHOD path` (rules across fields,
    such as one of two fields being required) over that operation's request body; its `required` adds to the
    recorded one."""
    extra = VENDORS[vendor].request_shapes().request_fields().get(f"{method.upper()} {path}")
    if not extra:
        return
    required = list(dict.fromkeys([*schema.get("required", []), *extra.get("required", [])]))
    schema.update({key: value for key, value in extra.items() if key != "required"})
    if required:
        schema["required"] = required


def _body(line: dict):
    """(media type, parsed body) of a request, or None when it has none we can describe."""
    media = line["request_type"].split(";")[0].strip().lower()
    text = line["request"]
    if not text.strip():
        return None
    if media == "application/x-www-form-urlencoded":
        return media, dict(parse_qsl(text, keep_blank_values=True))
    if media == "multipart/form-data":
        return media, None
    try:
        return "application/json", json.loads(text)
    except ValueError:
        return None


def _multipart_fields(line: dict) -> dict:
    """Field names of a multipart body: files become `format: binary` strings (with the part's content type)."""
    fields = {}
    for part in re.finditer(r'name="([^"]+)"(; filename="[^"]*")?(\r\nContent-Type: ([^\r]+))?', line["request"]):
        if part.group(2):
            fields[part.group(1)] = {"type": "string", "format": "binary", "x-part-type": part.group(4)}
        else:
            fields[part.group(1)] = {"type": "string"}
    return fields


def _part_type(values: list[dict], name: str) -> str | None:
    """The content type every recorded upload in `name` had (e.g. `image/png`), if they agree."""
    seen = {fs[name].pop("x-part-type", None) for fs in values if name in fs}
    return seen.pop() if len(seen) == 1 else None


def _response(line: dict) -> tuple[str, dict] | None:
    media = line["response_type"].split(";")[0].strip().lower()
    if not media:
        return None
    if media.endswith("json"):
        try:
            return media, {"value": json.loads(line["response"])}
        except ValueError:
            return None
    return media, {"text": True}


def build(lines: list[dict]) -> dict[str, dict]:
    """vendor -> {"paths": {path: {method: {parameters, requestBody, responses}}}}"""
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for line in lines:
        if line["vendor"] in OUTPUTS:
            grouped[(line["vendor"], line["path"], line["method"].lower())].append(line)
    documents: dict[str, dict] = {vendor: {"paths": {}} for vendor in OUTPUTS}
    for (vendor, path, method), calls in sorted(grouped.items()):
        ok = [c for c in calls if c["status"] and 200 <= c["status"] < 400]
        if not ok or method == "head":
            continue
        operation: dict = {}
        parameters = []
        for name in dict.fromkeys(n for c in ok for n in c["path_params"]):
            schema = _scalar_type([c["path_params"][name] for c in ok if name in c["path_params"]])
            parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        queries = [dict(parse_qsl(c["query"], keep_blank_values=True)) for c in ok]
        for name in dict.fromkeys(n for q in queries for n in q):
            schema = _scalar_type([q[name] for q in queries if name in q])
            always = all(name in q for q in queries)
            parameters.append({"name": name, "in": "query", "required": always, "schema": schema})
        _request_fields(vendor, _resource(path), {p["name"]: p["schema"] for p in parameters if p["in"] == "query"})
        if parameters:
            operation["parameters"] = parameters
        bodies: dict[str, list] = defaultdict(list)
        for c in ok:
            body = _body(c)
            if body:
                bodies[body[0]].append(_multipart_fields(c) if body[0] == "multipart/form-data" else body[1])
        if bodies:
            content = {}
            for media, values in bodies.items():
                if media == "multipart/form-data":
                    fields = {k: v for fs in values for k, v in fs.items()}
                    required = [k for k in fields if all(k in fs for fs in values)]
                    form = {"type": "object", "properties": fields, "required": required}
                    _request_fields(vendor, _resource(path), form["properties"])
                    _body_rules(vendor, method, path, form)
                    files = [k for k, v in fields.items() if v.get("format") == "binary"]
                    types = {k: t for k in files for t in [_part_type(values, k)] if t}
                    content[media] = {"schema": form}
                    if types:
                        content[media]["encoding"] = {k: {"contentType": t} for k, t in types.items()}
                else:
                    body = infer(values)
                    _request_fields(vendor, _resource(path), body.get("properties", {}))
                    _body_rules(vendor, method, path, body)
                    content[media] = {"schema": body}
            operation["requestBody"] = {"required": all(_body(c) for c in ok), "content": content}
        responses: dict[str, dict] = {}
        for status in sorted({c["status"] for c in ok}):
            by_media: dict[str, list] = defaultdict(list)
            for c in ok:
                if c["status"] == status and (answer := _response(c)):
                    by_media[answer[0]].append(answer[1])
            content = {}
            for media, answers in by_media.items():
                if any("text" in a for a in answers):
                    content[media] = {"schema": {"type": "string"}}
                else:
                    content[media] = {"schema": infer([a["value"] for a in answers], True, _open_fields(vendor))}
            if 300 <= status < 400:
                location = {"Location": {"description": "Where to go next.", "schema": {"type": "string"}}}
                responses[str(status)] = {"headers": location}
            else:
                responses[str(status)] = {"content": content} if content else {}
        operation["responses"] = responses
        documents[vendor]["paths"].setdefault(path, {})[method] = operation
    return documents


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "build":
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as recorded:
        lines = [json.loads(line) for line in recorded if line.strip()]
    for vendor, document in build(lines).items():
        target = OUTPUTS[vendor]
        target.write_text(json.dumps(document, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        operations = sum(len(item) for item in document["paths"].values())
        print(f"{target.relative_to(ROOT)}: {operations} operations, {target.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
