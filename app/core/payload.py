"""Reads a request body the way PHP/Laravel style APIs do: JSON, form-encoded or multipart, into a dict."""

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.requests import Request


@dataclass
class Payload:
    data: dict = field(default_factory=dict)
    files: dict[str, UploadFile] = field(default_factory=dict)
    malformed: bool = False  # the body claimed (or looked like) JSON but did not parse
    not_an_object: bool = False  # valid JSON, but not an object
    form: bool = False  # a form body (url-encoded or multipart), whose field names PHP-style servers rewrite


def whole_number(value):
    """A JSON number like `3.0` is the integer JSON Schema (and Jackson, and PHP's numeric checks) say it is."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def parse_json(body: bytes | str):
    """json.loads, with nesting too deep to decode reported as the ValueError of any malformed body."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


async def read_payload(request: Request) -> Payload:
    """The body as a dict (its size was already bounded by app/core/bodies.py)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        form = await request.form()
        data: dict = {}
        files: dict[str, UploadFile] = {}
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = value
            else:
                data[key] = value
        return Payload(data=data, files=files, form=True)
    body = await request.body()
    if not body.strip():
        return Payload()
    if ctype == "application/x-www-form-urlencoded":
        try:
            return Payload(data=dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)), form=True)
        except UnicodeDecodeError:
            return Payload(malformed=True)
    try:
        parsed = parse_json(body)
    except (ValueError, UnicodeDecodeError):
        return Payload(malformed=True)
    if not isinstance(parsed, dict):
        return Payload(not_an_object=True)
    return Payload(data=parsed)
