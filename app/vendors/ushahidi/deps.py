"""What the Ushahidi route functions share: paging and multi-value parameters read from the query, the search and
the lookups (404) of the v3 resources, request bodies and the copying of their typed fields."""

from collections.abc import Callable

from sqlalchemy import false, func
from sqlmodel import SQLModel, select

from crowdmock.core import clock
from crowdmock.core.db import MAX_INTEGER, get_row
from crowdmock.core.pagination import to_int
from crowdmock.core.payload import Payload, read_payload, whole_number
from crowdmock.vendors.ushahidi.access import authorize
from crowdmock.vendors.ushahidi.auth import Caller, Ctx
from crowdmock.vendors.ushahidi.errors import not_found
from crowdmock.vendors.ushahidi.render import Paging


def read_paging(ctx: Ctx, orderby: str = "id", order: str = "asc", columns: set[str] | None = None) -> Paging:
    q = ctx.request.query_params
    limit_raw, offset_raw = q.get("limit"), q.get("offset")
    requested = q.get("orderby")
    if requested and (columns is None or requested in columns):
        orderby = requested
    return Paging(
        limit_raw=limit_raw,
        offset_raw=offset_raw,
        order_raw=q.get("order") or order,
        orderby=orderby,
        limit=to_int(limit_raw, None, minimum=0) or None,
        offset=to_int(offset_raw, 0, minimum=0),
    )


def id_is(column, ident: int):
    """`column == ident` for a filter; an id beyond the columns' 64 bits names nothing (MySQL compares it as a
    number), where the database driver would fail on it."""
    return column == ident if abs(ident) <= MAX_INTEGER else false()


def search(ctx: Ctx, model: type[SQLModel], paging: Paging, *where) -> tuple[list, int]:
    """Rows of `model` matching `where`, ordered and paged, with the total before paging."""
    total = ctx.session.exec(select(func.count()).select_from(model).where(*where)).one()
    column = getattr(model, paging.orderby, None)
    if column is None:
        column = model.id
    stmt = select(model).where(*where).order_by(column.desc() if paging.descending else column.asc(), model.id)
    if paging.offset:
        stmt = stmt.offset(paging.offset)
    if paging.limit is not None:
        stmt = stmt.limit(paging.limit)
    return list(ctx.session.exec(stmt).all()), total


def page(rows: list, paging: Paging) -> list:
    """Paging applied in Python, for lists filtered after the query."""
    rows = rows[paging.offset :]
    return rows[: paging.limit] if paging.limit is not None else rows


def get_or_404(ctx: Ctx, model: type[SQLModel], ident, resource: str):
    row = get_row(ctx.session, model, ident)
    if row is None:
        raise not_found(resource, ident)
    return row


def load_authorized(
    ctx: Ctx,
    model: type[SQLModel],
    ident,
    resource: str,
    action: str,
    privileges: Callable[[Caller, SQLModel], list[str]],
):
    """The row (404 when missing) once the caller is allowed `action` on it (401/403 otherwise)."""
    row = get_or_404(ctx, model, ident, resource)
    authorize(ctx, privileges(ctx.caller, row), action, resource, ident)
    return row


# name -> (JSON type, may be null)
FieldSpec = dict[str, tuple[type, bool]]
TYPE_NAMES = {bool: "boolean", int: "number", str: "string"}


def copy_fields(data: dict, fields: FieldSpec, target, errors: list, prefix: str = "") -> None:
    """Copy the `fields` present in `data` onto `target`, recording a 422 entry for a wrong JSON type (an integer
    beyond 64 bits is one: PHP decodes it as a float). A boolean is cast as the entity's `settype($v, 'bool')` does,
    so `"1"` and `1` are true (docs/vendors/ushahidi.md §1.4)."""
    for name, (kind, nullable) in fields.items():
        if name not in data:
            continue
        value = whole_number(data[name]) if kind is int else data[name]
        if kind is bool and value is not None:
            value = value not in ("", "0") if isinstance(value, str) else bool(value)
        if kind is int and (isinstance(value, bool) or isinstance(value, int) and abs(value) > MAX_INTEGER):
            errors.append((f"{prefix}{name}", f"{name} must be a {TYPE_NAMES[kind]}"))
        elif (value is None and nullable) or isinstance(value, kind):
            setattr(target, name, value)
        else:
            errors.append((f"{prefix}{name}", f"{name} must be a {TYPE_NAMES[kind]}"))


async def body(ctx: Ctx) -> dict:
    """The request payload; other routes than /posts treat malformed JSON as empty (docs/vendors/ushahidi.md §1.5)."""
    payload: Payload = await read_payload(ctx.request)
    return payload.data


def csv_values(value) -> list[str]:
    """A multi-value parameter given as CSV or PHP array syntax (`a,b` or `a[]=..`)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def multi_param(ctx: Ctx, name: str) -> list[str]:
    q = ctx.request.query_params
    values = q.getlist(name) + q.getlist(f"{name}[]")
    out: list[str] = []
    for v in values:
        out += csv_values(v)
    return out


def time_now() -> int:
    return int(clock.time())
