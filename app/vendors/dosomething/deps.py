"""What the DoSomething route functions share: the Services REST server's request handling (docs/vendors/dosomething.md
§2.1: JSON or form-encoded bodies only, PHP-style `a[b]=c` parameters, typed arguments, and "Missing required argument"
before access), ids taken from the request, and the renderer of a request."""

import re
from urllib.parse import parse_qsl

from sqlmodel import Session as DbSession
from starlette.requests import Request

from crowdmock.core.db import parse_id
from crowdmock.core.payload import parse_json
from crowdmock.core.vendor import public_base
from crowdmock.vendors.dosomething.auth import Caller
from crowdmock.vendors.dosomething.errors import ServicesError
from crowdmock.vendors.dosomething.render import Renderer

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
_BRACKETS = re.compile(r"\[([^\]]*)\]")


def php_params(pairs: list[tuple[str, str]]) -> dict:
    """parse_str(): `a=1`, `a[]=1&a[]=2` (a list) and `a[b]=1` (a nested dict)."""
    out: dict = {}
    for key, value in pairs:
        head = key.split("[", 1)[0]
        subs = _BRACKETS.findall(key[len(head) :]) if "[" in key else []
        if not head:
            continue
        target, name = out, head
        for sub in subs:
            container = target.get(name) if isinstance(target, dict) else target[name]
            if sub == "":
                if not isinstance(container, list):
                    container = target[name] = []
                container.append({})
                target, name = container, len(container) - 1
                continue
            if not isinstance(container, dict):
                container = target[name] = {}
            target, name = container, sub
        target[name] = value
    return out


def query_params(request: Request) -> dict:
    return php_params(request.query_params.multi_items())


async def read_data(request: Request) -> dict | None:
    """The parsed POST/PUT body; None when it is JSON that does not decode (PHP's json_decode gives NULL)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower() or FORM
    if ctype not in (JSON, FORM):
        raise ServicesError(406, f"Unsupported request content type {ctype}")
    body = await request.body()
    if ctype == FORM:
        try:
            return php_params(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            return {}
    try:
        parsed = parse_json(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(parsed, list):
        return dict(enumerate(parsed))
    return parsed if isinstance(parsed, dict) else None


def require(data: dict | None, *names: str) -> dict:
    """Arguments taken from the body: the first one missing is a 401, as RESTServer reports it."""
    if data is None:
        raise ServicesError(401, f"Missing required argument {names[0] if names else 'values'}")
    for name in names:
        if data.get(name) is None:
            raise ServicesError(401, f"Missing required argument {name}")
    return data


MAX_INT = 2**31 - 1  # counts, pages, quantities: PHP's 32-bit int
DEFAULT_COUNT = 25  # items per page when the request names no count


def trimmed_id(value) -> int | None:
    """A record id from a path or parameter (Drupal trims it first): digits only and within SQLite's range."""
    return parse_id(value.strip() if isinstance(value, str) else value)


def get(db, model, value):
    """db.get by an id taken from the request; None when it cannot be an id."""
    ident = trimmed_id(value)
    return db.get(model, ident) if ident is not None else None


def flag(value) -> bool:
    """A boolean query argument: true, 1, yes and on are true."""
    return str(value).strip().lower() in ("1", "true", "yes", "on") if value is not None else False


def whole(value, default: int | None = None, minimum: int | None = None) -> int | None:
    """An int argument (PHP casts leading digits); the default when it is missing or not a number."""
    match = re.match(r"\s*(-?[0-9]+)", str(value)) if value is not None and not isinstance(value, dict | list) else None
    number = max(-MAX_INT, min(int(match.group(1)), MAX_INT)) if match else default
    if number is not None and minimum is not None and number < minimum:
        return minimum
    return number


def csv(value) -> list[str]:
    if value is None or isinstance(value, dict):
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def csv_ints(value) -> list[int]:
    return [n for n in map(trimmed_id, csv(value)) if n is not None]


def renderer(request: Request, db: DbSession, caller: Caller) -> Renderer:
    return Renderer(db, public_base(request), reviewer=caller.is_admin)
